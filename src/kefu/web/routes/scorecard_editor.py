"""The scorecard editor ``/scorecards/edit``: a form and the YAML view of one draft.

``/scorecards/edit`` starts from the active default scorecard, ``/scorecards/<id>/edit``
from a stored version. The page's script keeps the form and the YAML in step through
``POST /api/v1/scorecards/check``, tries the draft with ``POST
/api/v1/scorecards/simulate`` and saves or activates it through the scorecards API.
Registered before :mod:`kefu.web.routes.scorecards`, whose ``/scorecards/{version_id}``
would otherwise take ``/scorecards/edit`` for a version id.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kefu.scoring.registry import workspace_scorecards
from kefu.scoring.runs import scored_periods
from kefu.web.deps import CentreUser, Ws
from kefu.web.pages import render_page
from kefu.web.params import IdPath
from kefu.web.templating import translator
from kefu.web.views import operations
from kefu.web.views.scorecard_editor import check_document, indicator_options, script_messages

router = APIRouter()


def _editor(
    request: Request, ws: Ws, user: CentreUser, text: str, origin: str, base_id: int | None
) -> Response:
    t = translator(request, user)
    checked = check_document(text, None, t.locale)
    payload: dict[str, Any] = {
        "yaml": text,
        "model": checked.model,
        "issues": [i.model_dump() for i in checked.issues],
        "indicators": indicator_options(t.locale),
        "messages": script_messages(t),
        "locale": t.locale,
        # sessionStorage key: a draft typed from one starting point is restored there only.
        "draft_key": f"kefu.scorecard-draft.{base_id or 'active'}",
    }
    ctx = {
        # Not Jinja's tojson, which sorts keys: the form and the YAML keep the file's order.
        "payload_json": json.dumps(payload, ensure_ascii=False),
        "yaml": text,
        "origin": origin,
        "periods": scored_periods(ws),
        "issues": checked.issues,
    }
    return render_page(request, "pages/scorecard_edit.html", ctx, user=user)


@router.get("/scorecards/edit")
def edit_active(request: Request, ws: Ws, user: CentreUser) -> Response:
    card = workspace_scorecards(ws).default
    t = translator(request, user)
    origin = t("editor.from_active", name=card.name, version=card.version)
    return _editor(request, ws, user, card.source_text, origin, None)


@router.get("/scorecards/{version_id}/edit")
def edit_version(request: Request, version_id: IdPath, ws: Ws, user: CentreUser) -> Response:
    v = operations.get_version(ws, version_id)
    t = translator(request, user)
    origin = t("editor.from_version", id=v.id, name=v.name, version=v.version)
    return _editor(request, ws, user, v.content, origin, v.id)
