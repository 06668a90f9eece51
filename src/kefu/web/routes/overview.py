"""The centre overview ``/`` and the scoring control (score / publish a period)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import KefuError
from kefu.users.roles import Role
from kefu.web.deps import CentreUser, CurrentUser, Ws
from kefu.web.pages import render_page
from kefu.web.params import PagePeriodQuery
from kefu.web.routes.home import home
from kefu.web.templating import flash, request_locale
from kefu.web.views import appraisal, operations

router = APIRouter()


@router.get("/")
def overview_page(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    period: PagePeriodQuery = None,
    team: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if user.role is Role.agent and user.agent_id:
        return RedirectResponse(f"/agents/{user.agent_id}", status_code=303)
    if user.role not in appraisal.RESULT_ROLES or user.role is Role.agent:
        return home(request, user)
    choices = appraisal.period_choices(ws, user)
    chosen = period or appraisal.default_period(ws, user)
    data = None
    if chosen:
        data = appraisal.overview(ws, user, chosen, team or None, request_locale(request, user))
    ctx = {
        "choices": choices,
        "period": chosen,
        "data": data,
        "team": team,
        "my_teams": sorted(user.teams) if user.role is Role.supervisor else [],
        "can_score": user.role in (Role.admin, Role.manager),
    }
    return render_page(request, "pages/overview.html", ctx, user=user)


def _run_action(request: Request, ws: Ws, user: CentreUser, period: str, action: str) -> Response:
    target = f"/?period={period}"
    response = RedirectResponse(target, status_code=303)
    try:
        if action == "score":
            operations.score(ws, user, period)
        else:
            operations.publish(ws, user, period)
    except KefuError as exc:
        choices = appraisal.period_choices(ws, user)
        return render_page(
            request,
            "pages/overview.html",
            {
                "choices": choices,
                "period": None,
                "data": None,
                "team": None,
                "my_teams": [],
                "can_score": True,
                "error": exc.message,
            },
            user=user,
            status_code=400,
        )
    flash(request, response, f"pages.run.{action}_done")
    return response


@router.post("/runs/score")
def score_period(
    request: Request, ws: Ws, user: CentreUser, period: Annotated[str, Form(max_length=10)]
) -> Response:
    return _run_action(request, ws, user, period.strip(), "score")


@router.post("/runs/publish")
def publish_period(
    request: Request, ws: Ws, user: CentreUser, period: Annotated[str, Form(max_length=10)]
) -> Response:
    return _run_action(request, ws, user, period.strip(), "publish")
