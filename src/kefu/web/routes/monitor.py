"""The daily monitor ``/monitor?date=&team=``: process indicators and alerts of one day."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kefu.users.roles import Role
from kefu.web.access import MONITOR_ROLES, MonitorUser
from kefu.web.api.operations import monitor_report
from kefu.web.deps import Ws
from kefu.web.nav import NavItem
from kefu.web.pages import render_page

router = APIRouter()

nav = [NavItem("pages.nav.monitor", "/monitor", frozenset(MONITOR_ROLES))]


@router.get("/monitor")
def monitor_page(
    request: Request,
    ws: Ws,
    user: MonitorUser,
    date: Annotated[date | None, Query()] = None,
    team: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    report = monitor_report(ws, user, date, team or None)
    teams = sorted({r["key"] for r in report["rows"] if r["level"] == "team"})
    ctx = {
        "report": report,
        "team": team,
        "teams": teams if user.role is not Role.supervisor else sorted(user.teams),
        "agents": [r for r in report["rows"] if r["level"] == "agent"],
        "team_rows": [r for r in report["rows"] if r["level"] == "team"],
    }
    return render_page(request, "pages/monitor.html", ctx, user=user)
