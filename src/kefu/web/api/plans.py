"""``/api/v1/plans``: improvement plans, their items and completion."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.params import IdPath, StrictDate, StrictId
from kefu.workflow import plans
from kefu.workflow.models import ImprovementPlan, PlanItem

router = APIRouter(prefix="/plans", tags=["plans"], responses={**ERRORS, **BAD_REQUEST})
Now = Annotated[datetime, Depends(now)]


class PlanItemCreate(BaseModel):
    description: str = Field(min_length=1, max_length=plans.MAX_TEXT)
    due_on: StrictDate
    owner: str | None = Field(default=None, max_length=100)


class PlanCreate(BaseModel):
    review_id: StrictId
    title: str = Field(min_length=1, max_length=300)
    items: list[PlanItemCreate] = Field(min_length=1, max_length=plans.MAX_ITEMS)


class PlanItemUpdate(BaseModel):
    evidence: str | None = Field(default=None, max_length=plans.MAX_TEXT)
    completed_on: StrictDate | None = None
    reopen: StrictBool = False
    due_on: StrictDate | None = None


class PlanItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: str
    description: str
    owner: str
    due_on: date
    evidence: str
    completed_on: date | None


class PlanPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    review_id: int | None
    agent_id: str
    team: str | None
    period: str
    title: str
    created_at: datetime
    created_by: str
    items: list[PlanItemPublic]


class OverdueItem(BaseModel):
    plan_id: int
    agent_id: str
    item: PlanItemPublic


def _public(plan: ImprovementPlan) -> PlanPublic:
    return PlanPublic.model_validate(plan)


def _item(item: PlanItem) -> PlanItemPublic:
    return PlanItemPublic.model_validate(item)


@router.get("", response_model=list[PlanPublic], summary="Plans you may see")
def list_plans(
    ws: Ws, user: CurrentUser, agent_id: Annotated[str | None, Query(max_length=100)] = None
) -> list[PlanPublic]:
    return [_public(p) for p in plans.list_plans(ws, user, agent_id=agent_id)]


@router.get("/overdue", response_model=list[OverdueItem], summary="Open items past due")
def overdue(ws: Ws, user: CurrentUser, at: Now) -> list[OverdueItem]:
    return [
        OverdueItem(plan_id=p.id, agent_id=p.agent_id, item=_item(i))
        for p, i in plans.overdue_items(ws, user, now=at)
    ]


@router.post("", response_model=PlanPublic, status_code=201, summary="Create a plan from a review")
def create_plan(body: PlanCreate, ws: Ws, user: CurrentUser, at: Now) -> PlanPublic:
    plan = plans.create_plan(
        ws, user, body.review_id, title=body.title,
        items=[i.model_dump() for i in body.items], now=at,
    )  # fmt: skip
    return _public(plans.plan_of(ws, user, plan.id))


@router.get("/{plan_id}", response_model=PlanPublic, summary="One plan")
def get_plan(plan_id: IdPath, ws: Ws, user: CurrentUser) -> PlanPublic:
    return _public(plans.plan_of(ws, user, plan_id))


@router.post(
    "/{plan_id}/items", response_model=PlanItemPublic, status_code=201, summary="Add an item"
)
def add_item(
    plan_id: IdPath, body: PlanItemCreate, ws: Ws, user: CurrentUser, at: Now
) -> PlanItemPublic:
    return _item(plans.add_item(ws, user, plan_id, body.model_dump(), now=at))


@router.patch(
    "/items/{item_id}",
    response_model=PlanItemPublic,
    summary="Record evidence and completion, or move the due date",
)
def update_item(
    item_id: IdPath, body: PlanItemUpdate, ws: Ws, user: CurrentUser, at: Now
) -> PlanItemPublic:
    item = plans.update_item(
        ws, user, item_id, evidence=body.evidence, completed_on=body.completed_on,
        reopen=body.reopen, due_on=body.due_on, now=at,
    )  # fmt: skip
    return _item(item)
