"""``/api/v1/reviews``: review meetings per agent and period (draft → held → acknowledged)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.params import MONTH_PATTERN, IdPath, MonthQuery
from kefu.web.templating import request_locale
from kefu.workflow import printing, reviews
from kefu.workflow.models import Review, ReviewState

router = APIRouter(prefix="/reviews", tags=["reviews"], responses={**ERRORS, **BAD_REQUEST})
Now = Annotated[datetime, Depends(now)]
TEXT = Field(default=None, max_length=reviews.MAX_TEXT)


class ReviewCreate(BaseModel):
    agent_id: str = Field(min_length=1, max_length=100)
    period: str = Field(pattern=MONTH_PATTERN, examples=["2026-10"])


class ReviewUpdate(BaseModel):
    """The supervisor writes strengths, gaps and measures; the agent the other two."""

    strengths: str | None = TEXT
    gaps: str | None = TEXT
    measures: str | None = TEXT
    self_assessment: str | None = TEXT
    requests: str | None = TEXT


class ReviewPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    agent_id: str
    period: str
    team: str | None
    state: ReviewState
    prefill: dict[str, Any]
    strengths: str
    gaps: str
    self_assessment: str
    measures: str
    requests: str
    created_at: datetime
    created_by: str
    held_at: datetime | None
    held_by: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


def _public(review: Review) -> ReviewPublic:
    return ReviewPublic.model_validate(review)


@router.get("", response_model=list[ReviewPublic], summary="Reviews you may see")
def list_reviews(
    ws: Ws,
    user: CurrentUser,
    period: MonthQuery = None,
    state: ReviewState | None = None,
    agent_id: Annotated[str | None, Query(max_length=100)] = None,
) -> list[ReviewPublic]:
    found = reviews.list_reviews(ws, user, period=period, state=state, agent_id=agent_id)
    return [_public(r) for r in found]


@router.post("", response_model=ReviewPublic, status_code=201, summary="Open a review")
def open_review(body: ReviewCreate, ws: Ws, user: CurrentUser, at: Now) -> ReviewPublic:
    return _public(reviews.open_review(ws, user, body.agent_id, body.period, now=at))


@router.get("/{review_id}", response_model=ReviewPublic, summary="One review")
def get_review(review_id: IdPath, ws: Ws, user: CurrentUser) -> ReviewPublic:
    return _public(reviews.review_of(ws, user, review_id))


@router.patch("/{review_id}", response_model=ReviewPublic, summary="Write your side")
def update_review(
    review_id: IdPath, body: ReviewUpdate, ws: Ws, user: CurrentUser, at: Now
) -> ReviewPublic:
    fields = {k: getattr(body, k) or "" for k in body.model_fields_set}
    return _public(reviews.update(ws, user, review_id, now=at, **fields))


@router.post("/{review_id}/hold", response_model=ReviewPublic, summary="Mark the meeting held")
def hold_review(review_id: IdPath, ws: Ws, user: CurrentUser, at: Now) -> ReviewPublic:
    return _public(reviews.hold(ws, user, review_id, now=at))


@router.post(
    "/{review_id}/acknowledge", response_model=ReviewPublic, summary="The agent acknowledges"
)
def acknowledge_review(review_id: IdPath, ws: Ws, user: CurrentUser, at: Now) -> ReviewPublic:
    return _public(reviews.acknowledge(ws, user, review_id, now=at))


@router.get(
    "/{review_id}/pdf",
    summary="The appraisal sheet and the review as one PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def review_pdf(review_id: IdPath, ws: Ws, user: CurrentUser, request: Request) -> Response:
    locale = request_locale(request, user)
    data = printing.review_pdf(ws, user, review_id, locale=locale)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="review-{review_id}.pdf"'},
    )
