"""``/api/v1`` appraisal resources: periods, overview, teams, agent sheets, records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from kefu.errors import NotFound
from kefu.web import privacy, team_ids
from kefu.web.access import ResultsUser, TeamUser
from kefu.web.api.results_schemas import (
    AgentSheetPublic,
    OverviewPublic,
    PeriodPublic,
    RecordsPublic,
    TeamRankPublic,
    TeamTablePublic,
)
from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import Ws
from kefu.web.params import PageQuery, PeriodQuery
from kefu.web.templating import request_locale
from kefu.web.views import appraisal, sheets

router = APIRouter(tags=["appraisal"], responses={**ERRORS, **BAD_REQUEST})


def chosen_period(ws: Ws, user: ResultsUser, period: str | None) -> str:
    if period:
        return period
    found = appraisal.default_period(ws, user)
    if found is None:
        raise NotFound("no period has been scored yet")
    return found


@router.get("/periods", response_model=list[PeriodPublic], summary="Periods with results")
def periods(ws: Ws, user: ResultsUser) -> list[PeriodPublic]:
    appraisal.require_results_role(user)
    return appraisal.period_choices(ws, user)


@router.get("/overview", response_model=OverviewPublic, summary="Centre overview")
def overview(
    ws: Ws,
    user: TeamUser,
    request: Request,
    period: PeriodQuery = None,
    team: Annotated[str | None, Query(max_length=200)] = None,
) -> OverviewPublic:
    chosen = chosen_period(ws, user, period)
    return appraisal.overview(ws, user, chosen, team, request_locale(request, user)).public()


@router.get("/teams", response_model=list[TeamRankPublic], summary="Teams ranked by mean total")
def teams(ws: Ws, user: TeamUser, period: PeriodQuery = None) -> list[TeamRankPublic]:
    view = appraisal.results_view(ws, user, chosen_period(ws, user, period))
    return appraisal.ranked_teams(ws, user, view)


@router.get(
    "/teams/{team}",
    response_model=TeamTablePublic,
    summary="A team's appraisal table, by the team's id (team_id of GET /teams) or name",
)
def team_table(
    team: str, ws: Ws, user: TeamUser, request: Request, period: PeriodQuery = None
) -> TeamTablePublic:
    view = appraisal.results_view(ws, user, chosen_period(ws, user, period))
    name, _ = team_ids.resolve(team, view.teams)
    table = sheets.team_table(view, name, request_locale(request, user), ws, user)
    return table.public(view.run_info())


@router.get("/agents/{agent_id}", response_model=AgentSheetPublic, summary="An agent's sheet")
def agent_sheet(
    agent_id: str, ws: Ws, user: ResultsUser, request: Request, period: PeriodQuery = None
) -> AgentSheetPublic:
    view = appraisal.results_view(ws, user, chosen_period(ws, user, period))
    sheet = sheets.agent_sheet(ws, user, view, agent_id, request_locale(request, user))
    return sheet.public(view.run_info())


@router.get(
    "/agents/{agent_id}/records",
    response_model=RecordsPublic,
    summary="The records behind one figure of an agent's sheet",
)
def records(
    agent_id: str,
    ws: Ws,
    user: ResultsUser,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    period: PeriodQuery = None,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=sheets.MAX_PER_PAGE)] = 50,
    counted: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Only records counted so: numerator, denominator "
            "(the denominator only) or not_counted",
        ),
    ] = None,
) -> RecordsPublic:
    view = appraisal.results_view(ws, user, chosen_period(ws, user, period))
    found = sheets.records(ws, view, agent_id, indicator, page, per_page, counted)
    return privacy.mask_records(found, user)
