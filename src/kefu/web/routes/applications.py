"""Results application ``/applications?period=``: pay, promotion, training, plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.reports.payroll import NotPublished, payroll_csv, payroll_rows, payroll_workbook
from kefu.users.roles import Principal, Role
from kefu.web.access import APPLICATION_ROLES, ApplicationsUser
from kefu.web.deps import Ws, require_roles
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, XLSX, download, render_page
from kefu.web.params import PagePeriodQuery
from kefu.web.templating import request_locale
from kefu.web.views import appraisal

router = APIRouter()

nav = [NavItem("pages.nav.applications", "/applications", frozenset(APPLICATION_ROLES))]
# The pay export goes to payroll: the manager who publishes and HR who pays, no one else.
PAY_ROLES = (Role.manager, Role.hr)
PayUser = Annotated[Principal, Depends(require_roles(*PAY_ROLES))]


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
