"""Rendering helpers shared by the appraisal page families."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from kefu.reports.catalogue import INDICATORS, indicator_name
from kefu.reports.formatting import format_value
from kefu.scoring.monitor import COUNTS
from kefu.users.roles import Principal
from kefu.web.i18n import format_number, translate
from kefu.web.templating import render, request_locale
from kefu.web.views.models import AlertView


def render_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    user: Principal,
    status_code: int = 200,
) -> HTMLResponse:
    """:func:`render` plus indicator names in the page's language."""
    locale = request_locale(request, user)
    ctx = {
        "ind_name": lambda ind: indicator_name(str(ind), locale),
        "fmt_value": lambda ind, value: format_value(str(ind), value, locale),
        # alerts watch an indicator or a count (overdue_tickets, new_complaints …)
        "watch_name": lambda watch: (
            translate(locale, f"pages.counts.{watch}")
            if watch in COUNTS
            else indicator_name(str(watch), locale)
        ),
        "ind_ids": INDICATORS,
        "alert_text": lambda alert: _alert_text(alert, locale),
        **context,
    }
    return render(request, template, ctx, user=user, status_code=status_code)


def _alert_text(alert: Mapping[str, Any] | AlertView, locale: str) -> str:
    """Why an alert was raised, in the page's language (``pages.alert_rules.<rule>``).

    The monitor page passes the monitor's dicts, the overview its typed alerts.
    """
    fields = alert if isinstance(alert, Mapping) else alert.model_dump()
    watch, limit, rule = str(fields["watch"]), fields["limit"], fields["rule"]

    def shown(v: Any) -> str:
        if "." in watch or watch in INDICATORS:  # an indicator, maybe of one channel
            return format_value(watch, v, locale)
        return format_number(v, locale)

    if rule == "outside":
        return translate(
            locale, "pages.alert_rules.outside", low=shown(limit[0]), high=shown(limit[1])
        )
    return translate(locale, f"pages.alert_rules.{rule}", limit=shown(limit))


def download(content: bytes, filename: str, media_type: str) -> Response:
    """A file download whose (possibly Chinese) name survives every browser."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
