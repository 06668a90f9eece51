"""Review meeting pages: list, open, write each side, hold, acknowledge, print."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.users.roles import Role
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.nav import NavItem
from kefu.web.params import IdPath, PageMonthQuery
from kefu.web.templating import flash, render, request_locale
from kefu.workflow import plans, reviews
from kefu.workflow.models import ReviewState

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
Text = Annotated[str | None, Form(max_length=reviews.MAX_TEXT)]

nav = [
    NavItem(
        "nav.reviews", "/reviews",
        frozenset({Role.admin, Role.manager, Role.supervisor, Role.agent}),
    )
]  # fmt: skip


def _back(request: Request, review_id: int, key: str) -> Response:
    response = RedirectResponse(f"/reviews/{review_id}", status_code=303)
    flash(request, response, key)
    return response


@router.get("/reviews")
def reviews_page(
    request: Request, ws: Ws, user: CurrentUser, period: PageMonthQuery = None,
    state: str | None = None,
) -> Response:  # fmt: skip
    states = [s.value for s in ReviewState]
    wanted = state if state in states else None
    found = reviews.list_reviews(ws, user, period=period or None, state=wanted)
    ctx = {
        "reviews": found,
        "period": period or "",
        "state": state or "",
        "states": states,
        "can_open": user.role in reviews.SUPERVISOR_ROLES,
    }
    return render(request, "workflow/reviews.html", ctx, user=user)


@router.post("/reviews")
def open_review(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    agent_id: Annotated[str, Form(min_length=1, max_length=100)],
    period: Annotated[str, Form(min_length=4, max_length=20)],
) -> Response:
    review = reviews.open_review(ws, user, agent_id.strip(), period.strip(), now=at)
    return _back(request, review.id, "wf.review_opened")


@router.get("/reviews/{review_id}")
def review_page(request: Request, ws: Ws, user: CurrentUser, review_id: IdPath) -> Response:
    review = reviews.review_of(ws, user, review_id)
    linked = [p for p in plans.list_plans(ws, user, agent_id=review.agent_id)
              if p.review_id == review.id]  # fmt: skip
    ctx = {
        "review": review,
        "prefill": reviews.summary(review),
        "plans": linked,
        "own": reviews.is_own(user, review.agent_id),
        "supervisor_side": reviews.can_write_supervisor_side(user, review),
        "editable": review.state != ReviewState.ACKNOWLEDGED,
    }
    return render(request, "workflow/review.html", ctx, user=user)


@router.post("/reviews/{review_id}")
def update_review(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    review_id: IdPath,
    strengths: Text = None,
    gaps: Text = None,
    measures: Text = None,
    self_assessment: Text = None,
    requests: Text = None,
) -> Response:
    given = {"strengths": strengths, "gaps": gaps, "measures": measures,
             "self_assessment": self_assessment, "requests": requests}  # fmt: skip
    fields = {k: v for k, v in given.items() if v is not None}
    reviews.update(ws, user, review_id, now=at, **fields)
    return _back(request, review_id, "wf.saved")


@router.post("/reviews/{review_id}/hold")
def hold_review(
    request: Request, ws: Ws, user: CurrentUser, at: Now, review_id: IdPath
) -> Response:
    reviews.hold(ws, user, review_id, now=at)
    return _back(request, review_id, "wf.review_held")


@router.post("/reviews/{review_id}/acknowledge")
def acknowledge_review(
    request: Request, ws: Ws, user: CurrentUser, at: Now, review_id: IdPath
) -> Response:
    reviews.acknowledge(ws, user, review_id, now=at)
    return _back(request, review_id, "wf.review_acknowledged")


@router.get("/reviews/{review_id}/pdf")
def review_pdf(request: Request, ws: Ws, user: CurrentUser, review_id: IdPath) -> Response:
    data = reviews.review_pdf(ws, user, review_id, locale=request_locale(request, user))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="review-{review_id}.pdf"'},
    )
