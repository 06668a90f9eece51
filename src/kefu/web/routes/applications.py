"""Results application ``/applications?period=``: pay, promotion, training, plans; their
exports for payroll, and the revisions of a published month (``/revisions?period=``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.reports.applications import applications_csv, applications_workbook
from kefu.reports.payroll import NotPublished, payroll_csv, payroll_rows, payroll_workbook
from kefu.reports.revisions import revisions_csv, revisions_workbook
from kefu.users.roles import Principal, Role
from kefu.web.access import APPLICATION_ROLES, ApplicationsUser
from kefu.web.deps import Ws, require_roles
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, XLSX, download, render_page
from kefu.web.params import PageMonthQuery, PagePeriodQuery
from kefu.web.templating import request_locale, translator
from kefu.web.views import appraisal
from kefu.web.views.revisions import REVISION_ROLES, month_choices, revisions_view

router = APIRouter()

nav = [NavItem("pages.nav.applications", "/applications", frozenset(APPLICATION_ROLES))]
# The pay export goes to payroll: the manager who publishes and HR who pays, no one else.
PAY_ROLES = (Role.manager, Role.hr)
PayUser = Annotated[Principal, Depends(require_roles(*PAY_ROLES))]
RevisionsUser = Annotated[Principal, Depends(require_roles(*REVISION_ROLES))]


@router.get("/applications")
def applications_page(
    request: Request,
    ws: Ws,
    user: ApplicationsUser,
    period: PagePeriodQuery = None,
) -> Response:
    return _page(request, ws, user, period)


def _page(
    request: Request,
    ws: Ws,
    user: Principal,
    period: str | None,
    refused: str | None = None,
    status_code: int = 200,
) -> Response:
    chosen = period or appraisal.default_period(ws, user)
    locale = request_locale(request, user)
    data = appraisal.applications_view(ws, user, chosen, locale) if chosen else None
    grades = [k for k in (data.distribution[0] if data and data.distribution else {})
              if k not in ("team", "agents") and not k.endswith("_share")]  # fmt: skip
    ctx = {
        "data": data,
        "grades": grades,
        "choices": appraisal.period_choices(ws, user),
        "period": chosen,
        "can_pay": user.role in PAY_ROLES,
        "can_see_revisions": user.role in REVISION_ROLES,
        "refused": refused,
    }
    return render_page(request, "pages/applications.html", ctx, user=user, status_code=status_code)


def _pay_export(
    request: Request, ws: Ws, user: Principal, period: str | None, kind: str
) -> Response:
    chosen = period or appraisal.default_period(ws, user)
    label = appraisal.parse_period(chosen).label if chosen else ""
    try:
        rows = payroll_rows(ws, label) if chosen else None
    except NotPublished:
        rows = None
    if rows is None:
        # Not a stack trace nor a bare error: the page again, saying why there is no file.
        return _page(request, ws, user, chosen, refused=label, status_code=409)
    locale = request_locale(request, user)
    if kind == "csv":
        return download(payroll_csv(rows, locale=locale), f"pay-{label}.csv", CSV)
    if kind == "applications.csv":
        data = applications_csv(rows, locale=locale)
        return download(data, f"applications-{label}.csv", CSV)
    if kind == "applications.xlsx":
        data = applications_workbook(rows, label, locale=locale)
        return download(data, f"applications-{label}.xlsx", XLSX)
    return download(payroll_workbook(rows, label, locale=locale), f"pay-{label}.xlsx", XLSX)


@router.get("/applications/pay.xlsx")
def pay_workbook(
    request: Request, ws: Ws, user: PayUser, period: PagePeriodQuery = None
) -> Response:
    """The pay export of a published period as a workbook."""
    return _pay_export(request, ws, user, period, "xlsx")


@router.get("/applications/pay.csv")
def pay_csv(request: Request, ws: Ws, user: PayUser, period: PagePeriodQuery = None) -> Response:
    """The pay export of a published period as CSV."""
    return _pay_export(request, ws, user, period, "csv")


@router.get("/applications/applications.xlsx")
def applications_xlsx(
    request: Request, ws: Ws, user: PayUser, period: PagePeriodQuery = None
) -> Response:
    """Pay, promotion, training and plans of a published period as a workbook, for payroll."""
    return _pay_export(request, ws, user, period, "applications.xlsx")


@router.get("/applications/applications.csv")
def applications_csv_file(
    request: Request, ws: Ws, user: PayUser, period: PagePeriodQuery = None
) -> Response:
    """Pay, promotion, training and plans of a published period as CSV."""
    return _pay_export(request, ws, user, period, "applications.csv")


# -- revisions of a published month ----------------------------------------------------
def _revisions(
    request: Request, ws: Ws, user: Principal, period: str | None
) -> tuple[str | None, Any]:
    chosen = period or appraisal.default_period(ws, user)
    if not chosen:
        return None, None
    tr = translator(request, user)
    when = tr.globals()["fmt_dt"]
    return chosen, revisions_view(ws, user, chosen, request_locale(request, user), when)


@router.get("/revisions")
def revisions_page(
    request: Request, ws: Ws, user: RevisionsUser, period: PageMonthQuery = None
) -> Response:
    """Who re-scored a published month, when, and what moved for whom and why."""
    chosen, data = _revisions(request, ws, user, period)
    ctx = {"data": data, "choices": month_choices(ws, user), "period": chosen}
    return render_page(request, "pages/revisions.html", ctx, user=user)


def _revisions_file(
    request: Request, ws: Ws, user: Principal, period: str | None, kind: str
) -> Response:
    _, data = _revisions(request, ws, user, period)
    locale = request_locale(request, user)
    lines = data.lines if data else []
    label = data.period if data else "none"
    if kind == "csv":
        return download(revisions_csv(lines, locale=locale), f"revisions-{label}.csv", CSV)
    data_xlsx = revisions_workbook(lines, label, locale=locale)
    return download(data_xlsx, f"revisions-{label}.xlsx", XLSX)


@router.get("/revisions.xlsx")
def revisions_xlsx(
    request: Request, ws: Ws, user: RevisionsUser, period: PageMonthQuery = None
) -> Response:
    return _revisions_file(request, ws, user, period, "xlsx")


@router.get("/revisions.csv")
def revisions_csv_file(
    request: Request, ws: Ws, user: RevisionsUser, period: PageMonthQuery = None
) -> Response:
    return _revisions_file(request, ws, user, period, "csv")
