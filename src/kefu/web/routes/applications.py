"""Results application ``/applications?period=``: pay, promotion, training, plans."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kefu.web import appraisal
from kefu.web.access import APPLICATION_ROLES, ApplicationsUser
from kefu.web.deps import Ws
from kefu.web.nav import NavItem
from kefu.web.pages import render_page
from kefu.web.params import PagePeriodQuery
from kefu.web.templating import request_locale

router = APIRouter()

nav = [NavItem("pages.nav.applications", "/applications", frozenset(APPLICATION_ROLES))]


@router.get("/applications")
def applications_page(
    request: Request,
    ws: Ws,
    user: ApplicationsUser,
    period: PagePeriodQuery = None,
) -> Response:
    chosen = period or appraisal.default_period(ws, user)
    locale = request_locale(request, user)
    data = appraisal.applications_view(ws, user, chosen, locale) if chosen else None
    grades = [k for k in (data["distribution"][0] if data and data["distribution"] else {})
              if k not in ("team", "agents") and not k.endswith("_share")]  # fmt: skip
    ctx = {
        "data": data,
        "grades": grades,
        "choices": appraisal.period_choices(ws, user),
        "period": chosen,
    }
    return render_page(request, "pages/applications.html", ctx, user=user)
