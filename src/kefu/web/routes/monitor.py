"""The daily monitor ``/monitor?date=&team=``: process indicators and alerts of one day,
and the same day as a download (``/monitor/day.csv``, ``/monitor/day.xlsx``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kefu.reports.grid import grid_csv, grid_xlsx
from kefu.users.roles import Role
from kefu.web.access import MONITOR_ROLES, MonitorUser
from kefu.web.api.operations import monitor_report
from kefu.web.deps import Ws
from kefu.web.i18n import translate
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, XLSX, download, render_page
from kefu.web.templating import request_locale
from kefu.web.views import monitor as view

router = APIRouter()

nav = [NavItem("pages.nav.monitor", "/monitor", frozenset(MONITOR_ROLES))]

# Above this many agents the centre-wide page lists only the agents with an alert: ten
# thousand rows are neither read nor quick to send; a team's page lists all of its own.
FULL_LIST_MAX = 500

DayQuery = Annotated[date | None, Query()]
TeamQuery = Annotated[str | None, Query(max_length=200)]


@router.get("/monitor")
def monitor_page(
    request: Request, ws: Ws, user: MonitorUser, date: DayQuery = None, team: TeamQuery = None
) -> Response:
    report = monitor_report(ws, user, date, team or None)
    locale = request_locale(request, user)
    agents = [r for r in report["rows"] if r["level"] == "agent"]
    listed = agents
    if team is None and len(agents) > FULL_LIST_MAX:
        flagged = {a["key"] for a in report["alerts"] if a["level"] == "agent"}
        listed = [r for r in agents if r["key"] in flagged]
    ctx = {
        "report": report,
        "team": team,
        "teams": sorted({r["key"] for r in report["rows"] if r["level"] == "team"})
        if user.role is not Role.supervisor
        else sorted(user.teams),
        "team_rows": [r for r in report["rows"] if r["level"] == "team"],
        "agent_teams": view.by_team(listed),
        "agents_not_listed": len(agents) - len(listed),
        "groups": view.alert_groups(report["alerts"], user, locale),
        "breached": view.breaches(report["alerts"]),
        "counts": view.SHOWN_COUNTS,
        "href": lambda r: view.agent_href(user, str(r["key"]), r.get("team")),
    }
    return render_page(request, "pages/monitor.html", ctx, user=user)


@router.get("/monitor/day.csv")
def monitor_csv(
    request: Request, ws: Ws, user: MonitorUser, date: DayQuery = None, team: TeamQuery = None
) -> Response:
    """The day's team and agent rows with their alerts, headers in the reader's language."""
    return _download(request, ws, user, date, team or None, "csv")


@router.get("/monitor/day.xlsx")
def monitor_xlsx(
    request: Request, ws: Ws, user: MonitorUser, date: DayQuery = None, team: TeamQuery = None
) -> Response:
    """The day's table as a workbook (one sheet)."""
    return _download(request, ws, user, date, team or None, "xlsx")


def _download(
    request: Request, ws: Ws, user: MonitorUser, day: date | None, team: str | None, fmt: str
) -> Response:
    report = monitor_report(ws, user, day, team)
    locale = request_locale(request, user)
    headers, rows = view.export_grid(report, locale)
    name = f"{translate(locale, 'monitor.sheet')} {report['day']}{' ' + team if team else ''}"
    if fmt == "csv":
        return download(grid_csv(headers, rows), f"{name}.csv", CSV)
    return download(grid_xlsx(name, headers, rows), f"{name}.xlsx", XLSX)
