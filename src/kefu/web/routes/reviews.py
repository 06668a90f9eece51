"""Review meeting pages: list, open, write each side, hold, acknowledge, print."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import KefuError, NotFound, keyed
from kefu.users.roles import Forbidden, Principal, Role
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.forms import error_text
from kefu.web.nav import NavItem
from kefu.web.pages import render_page
from kefu.web.params import IdPath, PageMonthQuery
from kefu.web.templating import flash, render, request_locale
from kefu.web.views import pickers
from kefu.workflow import plans, printing, reviews
from kefu.workflow.access import today_local
from kefu.workflow.models import Review, ReviewState

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
# No length limit on the form field itself: a text too long is refused by the workflow,
# and the page comes back with it (a 422 page would lose what was typed).
Text = Annotated[str | None, Form()]

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
    request: Request, ws: Ws, user: CurrentUser, at: Now, period: PageMonthQuery = None,
    state: str | None = None,
) -> Response:  # fmt: skip
    return _reviews_page(request, ws, user, at, period, state)


def _reviews_page(
    request: Request, ws: Ws, user: Principal, at: datetime, period: str | None,
    state: str | None, form: dict[str, str] | None = None, error: KefuError | None = None,
) -> Response:  # fmt: skip
    states = [s.value for s in ReviewState]
    wanted = state if state in states else None
    found = reviews.list_reviews(ws, user, period=period or None, state=wanted)
    can_open = user.role in reviews.SUPERVISOR_ROLES
    months = pickers.scored_months(ws, user)
    ctx = {
        "reviews": found,
        "period": period or "",
        "state": state or "",
        "states": states,
        "can_open": can_open,
        "form": form or {"period": pickers.default_month(months)},
        "error": error_text(request, user, error),
        # The pickers: the agents the user may review and the scored months.
        "agents": pickers.agents_in_scope(ws, user, today_local(ws, at)) if can_open else [],
        "months": months,
    }
    return render(request, "workflow/reviews.html", ctx, user=user,
                  status_code=200 if error is None else 400)  # fmt: skip


@router.post("/reviews")
def open_review(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    agent_id: Annotated[str, Form(min_length=1, max_length=100)],
    period: Annotated[str, Form(min_length=4, max_length=20)],
) -> Response:
    form = {"agent_id": agent_id, "period": period}
    try:
        review = reviews.open_review(ws, user, agent_id.strip(), period.strip(), now=at)
    except Forbidden:
        raise
    except NotFound:
        # An unknown 工号 and another team's agent read alike; the form comes back.
        exc = keyed(NotFound("no such agent"), "pick.error.no_agent", agent=agent_id.strip())
        return _reviews_page(request, ws, user, at, None, None, form, exc)
    except KefuError as exc:
        return _reviews_page(request, ws, user, at, None, None, form, exc)
    return _back(request, review.id, "wf.review_opened")


@router.get("/reviews/{review_id}")
def review_page(request: Request, ws: Ws, user: CurrentUser, review_id: IdPath) -> Response:
    return _review_page(request, ws, user, reviews.review_of(ws, user, review_id))


def _review_page(
    request: Request, ws: Ws, user: Principal, review: Review, *,
    typed: dict[str, str] | None = None, error: KefuError | None = None,
    plan_form: dict[str, str] | None = None, plan_error: KefuError | None = None,
) -> Response:  # fmt: skip
    """The review; after a refusal, with what was typed and the reason in the page's language."""
    linked = [p for p in plans.list_plans(ws, user, agent_id=review.agent_id)
              if p.review_id == review.id]  # fmt: skip
    values = {f: getattr(review, f) or "" for f in (*reviews.SUPERVISOR_FIELDS,
                                                    *reviews.AGENT_FIELDS)}  # fmt: skip
    values.update(typed or {})
    ctx = {
        "review": review,
        "values": values,
        "prefill": reviews.summary(review),
        "plans": linked,
        "own": reviews.is_own(user, review.agent_id),
        "supervisor_side": reviews.can_write_supervisor_side(user, review),
        "editable": review.state != ReviewState.ACKNOWLEDGED,
        "error": error_text(request, user, error),
        "plan_form": plan_form or {},
        "plan_error": error_text(request, user, plan_error),
        # Who may own the plan's items (the agent by default).
        "owners": pickers.plan_owners(
            ws, review.agent_id, reviews.summary(review)["name"], review.team
        ),
    }
    failed = error is not None or plan_error is not None
    # render_page: the weakest indicators are named in the page's language.
    return render_page(request, "workflow/review.html", ctx, user=user,
                       status_code=400 if failed else 200)  # fmt: skip


def _typed(**given: str | None) -> dict[str, str]:
    return {k: v for k, v in given.items() if v is not None}


def _refused(
    request: Request, ws: Ws, user: Principal, review_id: int, typed: dict[str, str],
    exc: KefuError,
) -> Response:  # fmt: skip
    return _review_page(request, ws, user, reviews.review_of(ws, user, review_id),
                        typed=typed, error=exc)  # fmt: skip


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
    fields = _typed(strengths=strengths, gaps=gaps, measures=measures,
                    self_assessment=self_assessment, requests=requests)  # fmt: skip
    try:
        reviews.update(ws, user, review_id, now=at, **fields)
    except KefuError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _refused(request, ws, user, review_id, fields, exc)
    return _back(request, review_id, "wf.saved")


@router.post("/reviews/{review_id}/hold")
def hold_review(
    request: Request, ws: Ws, user: CurrentUser, at: Now, review_id: IdPath,
    strengths: Text = None, gaps: Text = None, measures: Text = None,
) -> Response:  # fmt: skip
    fields = _typed(strengths=strengths, gaps=gaps, measures=measures)
    try:
        reviews.hold(ws, user, review_id, now=at, **fields)
    except KefuError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _refused(request, ws, user, review_id, fields, exc)
    return _back(request, review_id, "wf.review_held")


@router.post("/reviews/{review_id}/acknowledge")
def acknowledge_review(
    request: Request, ws: Ws, user: CurrentUser, at: Now, review_id: IdPath,
    self_assessment: Text = None, requests: Text = None,
) -> Response:  # fmt: skip
    fields = _typed(self_assessment=self_assessment, requests=requests)
    try:
        reviews.acknowledge(ws, user, review_id, now=at, **fields)
    except KefuError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _refused(request, ws, user, review_id, fields, exc)
    return _back(request, review_id, "wf.review_acknowledged")


@router.get("/reviews/{review_id}/pdf")
def review_pdf(request: Request, ws: Ws, user: CurrentUser, review_id: IdPath) -> Response:
    data = printing.review_pdf(ws, user, review_id, locale=request_locale(request, user))
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="review-{review_id}.pdf"'},
    )
