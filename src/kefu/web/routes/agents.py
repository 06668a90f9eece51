"""The agent appraisal sheet ``/agents/{agent_id}`` (个人绩效考核表), its records, its PDF."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import NotFound
from kefu.reports import agent_sheet_pdf
from kefu.reports.explain import explained
from kefu.reports.grid import grid_csv, grid_xlsx
from kefu.users.roles import Role
from kefu.web import privacy
from kefu.web.access import AgentUser, ResultsUser
from kefu.web.deps import Ws
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, PDF, XLSX, download, render_page
from kefu.web.params import PagePeriodQuery, PageQuery
from kefu.web.templating import request_locale
from kefu.web.views import appraisal, sheets
from kefu.web.views import records as record_view

router = APIRouter()

nav = [NavItem("pages.nav.my_sheet", "/agents/me", frozenset({Role.agent}), "/agents")]

PeriodQuery = PagePeriodQuery
CountedQuery = Annotated[str | None, Query(max_length=20)]


def _view(ws: Ws, user: ResultsUser, period: str | None) -> appraisal.ResultsView:
    chosen = period or appraisal.default_period(ws, user)
    if chosen is None:
        raise NotFound("no period has been scored yet")
    return appraisal.results_view(ws, user, chosen)


@router.get("/agents/me")
def my_sheet(user: AgentUser, period: PeriodQuery = None) -> Response:
    if not user.agent_id:
        raise NotFound("your account is not linked to an agent")
    target = f"/agents/{quote(user.agent_id, safe='')}"
    if period:
        # The period asked for is kept (the sheet validates it).
        target += "?" + urlencode({"period": period})
    return RedirectResponse(target, status_code=303)


@router.get("/agents/{agent_id}")
def agent_page(
    request: Request, agent_id: str, ws: Ws, user: ResultsUser, period: PeriodQuery = None
) -> Response:
    view = _view(ws, user, period)
    if view.unpublished and (user.role is not Role.agent or agent_id == user.agent_id):
        # Nothing of an unpublished month is shown: no figure, no grade, no rank.
        ctx: dict[str, Any] = {
            "agent_id": agent_id,
            "choices": appraisal.period_choices(ws, user),
            "period": view.period.label,
        }
        return render_page(request, "pages/unpublished.html", ctx, user=user)
    sheet = sheets.agent_sheet(ws, user, view, agent_id, request_locale(request, user))
    ctx = {
        "sheet": sheet,
        "run": view.run_info(),
        "choices": appraisal.period_choices(ws, user),
        "period": view.period.label,
        "can_score": False,
    }
    return render_page(request, "pages/agent.html", ctx, user=user)


@router.get("/agents/{agent_id}/records")
def records_page(
    request: Request,
    agent_id: str,
    ws: Ws,
    user: ResultsUser,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    period: PeriodQuery = None,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=sheets.MAX_PER_PAGE)] = 50,
    counted: CountedQuery = None,
) -> Response:
    view = _view(ws, user, period)
    found = privacy.mask_records(
        sheets.records(ws, view, agent_id, indicator, page, per_page, counted), user
    )
    row = sheets.result_of(view, agent_id)
    locale = request_locale(request, user)
    ctx = {
        "data": found,
        "name": row.get("name"),
        "period": view.period.label,
        "tables": record_view.record_tables(found, user, locale, ws.timezone),
        "filters": record_view.FILTERS,
        "filter_href": record_view.filter_href,
        "whole": (found.figure.numerator, found.figure.denominator),
    }
    return render_page(request, "pages/records.html", ctx, user=user)


@router.get("/agents/{agent_id}/records.csv")
def records_csv(
    request: Request,
    agent_id: str,
    ws: Ws,
    user: ResultsUser,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    period: PeriodQuery = None,
    counted: CountedQuery = None,
) -> Response:
    """Every record behind the figure (the filter applied), as CSV."""
    return _records_download(request, agent_id, ws, user, indicator, period, counted, "csv")


@router.get("/agents/{agent_id}/records.xlsx")
def records_xlsx(
    request: Request,
    agent_id: str,
    ws: Ws,
    user: ResultsUser,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    period: PeriodQuery = None,
    counted: CountedQuery = None,
) -> Response:
    """Every record behind the figure (the filter applied), as a workbook."""
    return _records_download(request, agent_id, ws, user, indicator, period, counted, "xlsx")


def _records_download(
    request: Request,
    agent_id: str,
    ws: Ws,
    user: ResultsUser,
    indicator: str | None,
    period: str | None,
    counted: str | None,
    fmt: str,
) -> Response:
    view = _view(ws, user, period)
    found = privacy.mask_records(sheets.all_records(ws, view, agent_id, indicator, counted), user)
    locale = request_locale(request, user)
    headers, rows = record_view.export_grid(found, locale, ws.timezone)
    name = f"{agent_id}-{found.indicator}-{view.period.label}" + (f"-{counted}" if counted else "")
    if fmt == "csv":
        return download(grid_csv(headers, rows), f"{name}.csv", CSV)
    return download(grid_xlsx(found.indicator, headers, rows), f"{name}.xlsx", XLSX)


@router.get("/agents/{agent_id}/sheet.pdf")
def agent_pdf(
    request: Request, agent_id: str, ws: Ws, user: ResultsUser, period: PeriodQuery = None
) -> Response:
    view = _view(ws, user, period)
    row = sheets.result_of(view, agent_id)
    assert view.meta is not None
    team = str(row.get("team") or "")
    locale = request_locale(request, user)
    content = agent_sheet_pdf(
        explained(ws, view.population, [row], locale)[0],
        view.meta,
        locale=locale,
        tz=ws.timezone,
        history=[h.model_dump() for h in sheets.history(ws, user, view, agent_id)],
        team_average=view.team_mean(team),
        population=view.headcounts(row),
    )
    return download(content, f"{agent_id}-{view.period.label}.pdf", PDF)
