"""``/api/v1`` operations: scoring control (score, publish), the daily monitor, applications."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from kefu.errors import UsageError
from kefu.periods import Period
from kefu.scoring.monitor import kept_monitor
from kefu.users.roles import Principal
from kefu.web.access import ApplicationsUser, MonitorUser, ResultsUser
from kefu.web.api.results_schemas import (
    ApplicationsPublic,
    MonitorPublic,
    PeriodPublic,
    RunActionPublic,
)
from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CentreUser, Ws
from kefu.web.params import PeriodPath, PeriodQuery
from kefu.web.views import appraisal, operations

router = APIRouter(responses={**ERRORS, **BAD_REQUEST})


@router.post(
    "/runs/{period}/score", response_model=RunActionPublic, tags=["scoring"],
    summary="Score a period (month, quarter or year)",
)  # fmt: skip
def score(period: PeriodPath, ws: Ws, user: CentreUser) -> RunActionPublic:
    return operations.score(ws, user, period)


@router.post(
    "/runs/{period}/publish", response_model=RunActionPublic, tags=["scoring"],
    summary="Publish the newest run of a period",
)  # fmt: skip
def publish(period: PeriodPath, ws: Ws, user: CentreUser) -> RunActionPublic:
    return operations.publish(ws, user, period)


@router.get(
    "/runs/{period}", response_model=PeriodPublic, tags=["scoring"], summary="A period's status"
)
def run_state(period: PeriodPath, ws: Ws, user: ResultsUser) -> PeriodPublic:
    appraisal.require_results_role(user)
    p = appraisal.parse_period(period)
    found = [c for c in appraisal.period_choices(ws, user) if c.label == p.label]
    return found[0] if found else PeriodPublic(label=p.label, grain=str(p.grain), status="open")


def monitor_report(ws: Ws, user: Principal, day: date | None, team: str | None) -> dict:
    """The day's monitor (default: the latest day with contacts), cut to the user's teams."""
    if team is not None and not user.centre_wide and team not in user.teams:
        from kefu.errors import NotFound

        raise NotFound(f"no team '{team}'")
    if team is None and not user.centre_wide:
        mine = sorted(user.teams)
        if not mine:
            raise UsageError("you supervise no team")
        team = mine[0]
    if day is None:
        ends = [b.period_end for b in ws.facts.committed_batches("contacts") if b.period_end]
        if not ends:
            return {"day": "", "indicators": [], "rows": [], "alerts": []}
        day = max(ends)
    report = kept_monitor(ws, Period.parse(day.isoformat()), team=team)
    return {"day": report.day, "indicators": report.indicators, "rows": report.rows,
            "alerts": report.alerts}  # fmt: skip


@router.get("/monitor", response_model=MonitorPublic, tags=["monitor"], summary="Daily monitor")
def monitor(
    ws: Ws,
    user: MonitorUser,
    date: Annotated[date | None, Query(description="Default: the latest day with data")] = None,
    team: Annotated[str | None, Query(max_length=200)] = None,
) -> MonitorPublic:
    return MonitorPublic(**monitor_report(ws, user, date, team))


@router.get(
    "/applications", response_model=ApplicationsPublic, tags=["applications"],
    summary="Results application: pay, promotion, training, improvement plans",
)  # fmt: skip
def applications(ws: Ws, user: ApplicationsUser, period: PeriodQuery = None) -> ApplicationsPublic:
    chosen = period or appraisal.default_period(ws, user)
    if chosen is None:
        from kefu.errors import NotFound

        raise NotFound("no period has been scored yet")
    return appraisal.applications_view(ws, user, chosen).public()
