"""The team appraisal table ``/teams/{team}`` (the team's id, or its name) and the workbooks."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import NotFound
from kefu.reports import appraisal_workbook
from kefu.reports.explain import explained
from kefu.web.access import TeamUser
from kefu.web.deps import Ws
from kefu.web.pages import XLSX, download, render_page
from kefu.web.params import PagePeriodQuery
from kefu.web.team_ids import resolve, team_id, team_url
from kefu.web.templating import request_locale
from kefu.web.views import appraisal, sheets

router = APIRouter()

PeriodQuery = PagePeriodQuery


def _period(ws: Ws, user: TeamUser, period: str | None) -> str:
    chosen = period or appraisal.default_period(ws, user)
    if chosen is None:
        raise NotFound("no period has been scored yet")
    return chosen


@router.get("/teams/{team}")
def team_page(
    request: Request,
    team: str,
    ws: Ws,
    user: TeamUser,
    period: PeriodQuery = None,
    to: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    view = appraisal.results_view(ws, user, _period(ws, user, period))
    team, _ = resolve(team, view.teams)  # links use the id; old URLs carry the name
    if to:
        # The team switcher (a GET form): only a team the user may see is offered or found.
        chosen, _ = resolve(to, view.teams)
        if chosen != team:
            target = team_url(chosen) + "?" + urlencode({"period": view.period.label})
            return RedirectResponse(target, status_code=303)
    table = sheets.team_table(view, team, request_locale(request, user), ws, user)
    ctx = {
        "table": table,
        "run": view.run_info(),
        "choices": appraisal.period_choices(ws, user),
        "period": view.period.label,
        "can_score": False,
        "all_teams": len(view.teams) > 1,
        "teams": [(team_id(t), t) for t in view.teams],
    }
    return render_page(request, "pages/team.html", ctx, user=user)


@router.get("/teams/{team}/appraisal.xlsx")
def team_workbook(
    request: Request, team: str, ws: Ws, user: TeamUser, period: PeriodQuery = None
) -> Response:
    view = appraisal.results_view(ws, user, _period(ws, user, period))
    team, _ = resolve(team, view.teams)
    members = [r for r in view.rows if str(r.get("team") or "") == team]
    if not members or view.meta is None:
        raise NotFound(f"no results of team '{team}' for {view.period.label}")
    locale = request_locale(request, user)
    content = appraisal_workbook(
        explained(ws, view.population, members, locale), view.meta, locale=locale,
        whole_centre=False,
    )  # fmt: skip
    return download(content, f"{team.replace('/', '-')}-{view.period.label}.xlsx", XLSX)


@router.get("/export/appraisal.xlsx")
def all_teams_workbook(
    request: Request, ws: Ws, user: TeamUser, period: PeriodQuery = None
) -> Response:
    """Every team the user may see, one sheet each after the summary."""
    view = appraisal.results_view(ws, user, _period(ws, user, period))
    if not view.rows or view.meta is None:
        raise NotFound(f"no results for {view.period.label}")
    whole = len(view.rows) == len(view.everyone)
    locale = request_locale(request, user)
    rows = explained(ws, view.population, view.rows, locale)
    content = appraisal_workbook(rows, view.meta, locale=locale, whole_centre=whole)
    return download(content, f"appraisal-{view.period.label}.xlsx", XLSX)
