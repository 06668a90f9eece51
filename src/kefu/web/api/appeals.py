"""``/api/v1/appeals``: appeals on scored input records, and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.params import IdPath, MonthQuery
from kefu.workflow import appeals
from kefu.workflow.models import Appeal, AppealState
from kefu.workflow.records import CORRECTABLE

router = APIRouter(prefix="/appeals", tags=["appeals"], responses={**ERRORS, **BAD_REQUEST})
Now = Annotated[datetime, Depends(now)]
Value = str | int | float | bool | None


class AppealCreate(BaseModel):
    table: str = Field(examples=sorted(CORRECTABLE))
    record_id: str = Field(min_length=1, max_length=200)
    source: str | None = Field(default=None, max_length=100)
    reason: str = Field(min_length=1, max_length=appeals.MAX_TEXT)
    requested: dict[str, Value] = Field(default_factory=dict, examples=[{"compliance_score": 95}])
    attachments: list[str] = Field(default_factory=list, max_length=appeals.MAX_ATTACHMENTS)


class AppealDecision(BaseModel):
    uphold: StrictBool
    reason: str = Field(min_length=1, max_length=appeals.MAX_TEXT)
    correction: dict[str, Value] = Field(default_factory=dict)


class AppealPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    agent_id: str
    team: str | None
    period: str
    table_name: str
    record_id: str
    record_source: str
    original: dict[str, Any]
    requested: dict[str, Any]
    reason: str
    attachments: list[str]
    state: AppealState
    filed_at: datetime
    filed_by: str
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    applied: dict[str, Any] | None
    correction_batch: int | None
    revision_run: int | None
    changes: list[dict[str, Any]] | None


def _public(appeal: Appeal) -> AppealPublic:
    return AppealPublic.model_validate(appeal)


@router.get("", response_model=list[AppealPublic], summary="Appeals you may see")
def list_appeals(
    ws: Ws,
    user: CurrentUser,
    state: AppealState | None = None,
    period: MonthQuery = None,
    agent_id: Annotated[str | None, Query(max_length=100)] = None,
) -> list[AppealPublic]:
    found = appeals.list_appeals(ws, user, state=state, period=period, agent_id=agent_id)
    return [_public(a) for a in found]


@router.post("", response_model=AppealPublic, status_code=201, summary="File an appeal")
def file_appeal(body: AppealCreate, ws: Ws, user: CurrentUser, at: Now) -> AppealPublic:
    appeal = appeals.file_appeal(
        ws,
        user,
        body.table,
        body.record_id,
        reason=body.reason,
        requested=body.requested,
        attachments=body.attachments,
        source=body.source,
        now=at,
    )
    return _public(appeal)


@router.get("/{appeal_id}", response_model=AppealPublic, summary="One appeal")
def get_appeal(appeal_id: IdPath, ws: Ws, user: CurrentUser) -> AppealPublic:
    return _public(appeals.appeal_of(ws, user, appeal_id))


@router.post(
    "/{appeal_id}/decision",
    response_model=AppealPublic,
    summary="Uphold (correct the record, re-score, publish the revision) or reject",
)
def decide_appeal(
    appeal_id: IdPath, body: AppealDecision, ws: Ws, user: CurrentUser, at: Now
) -> AppealPublic:
    decided = appeals.decide(
        ws, user, appeal_id, uphold=body.uphold, reason=body.reason,
        correction=body.correction, now=at,
    )  # fmt: skip
    return _public(decided)
