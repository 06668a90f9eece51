"""``POST /api/v1/scorecards/check``: the scorecard editor's live validation.

The editor's form and YAML view both send their document here (debounced) and
get back every issue by key path in the page's language, the normalised YAML and
the model the form edits. Nothing is stored.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, model_validator

from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CentreUser
from kefu.web.templating import request_locale
from kefu.web.views.scorecard_editor import MAX_DOCUMENT, EditorCheck, check_document

router = APIRouter(prefix="/scorecards", tags=["scorecards"], responses={**ERRORS, **BAD_REQUEST})


class ScorecardCheck(BaseModel):
    """A draft as YAML text (from the YAML view) or as the form's model (one of them)."""

    yaml: str | None = Field(default=None, max_length=MAX_DOCUMENT)
    model: dict[str, Any] | None = None
    locale: Literal["zh-CN", "en"] | None = Field(
        default=None, description="The language of the messages; default the user's"
    )

    @model_validator(mode="after")
    def _one_document(self) -> ScorecardCheck:
        if (self.yaml is None) == (self.model is None):
            raise ValueError("send either yaml or model")
        return self


@router.post(
    "/check",
    response_model=EditorCheck,
    summary="Check a draft scorecard: every issue by key path, the YAML and the model",
)
def check(body: ScorecardCheck, request: Request, user: CentreUser) -> EditorCheck:
    locale = body.locale or request_locale(request, user)
    return check_document(body.yaml, body.model, locale)
