"""The audit trail page for managers and administrators, with CSV/xlsx export.

Read-only: there is no route that changes or deletes an entry.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kefu.users.roles import Principal, Role
from kefu.web.api.audit import ExportFormat, export_response
from kefu.web.deps import Ws, require_roles
from kefu.web.nav import NavItem
from kefu.web.templating import render
from kefu.workflow import trail

router = APIRouter()
Auditor = Annotated[Principal, Depends(require_roles(Role.admin, Role.manager))]
Short = Annotated[str | None, Query(max_length=200)]
PAGE_ROWS = 500

nav = [NavItem("nav.audit", "/audit", frozenset({Role.admin, Role.manager}))]


def _filters(
    ws: Ws, since: date | None, until: date | None, actor: str | None, action: str | None,
    object_type: str | None,
) -> dict[str, Any]:  # fmt: skip
    # The dates a manager types are local days of the workspace.
    zone = ZoneInfo(ws.timezone)
    return {
        "since": None if since is None else datetime.combine(since, time(), zone),
        "until": None
        if until is None
        else datetime.combine(until + timedelta(days=1), time(), zone),
        "actor": actor or None,
        "action": action or None,
        "object_type": object_type or None,
    }


@router.get("/audit")
def audit_page(
    request: Request, ws: Ws, user: Auditor, since: date | None = None,
    until: date | None = None, actor: Short = None, action: Short = None,
    object_type: Short = None,
) -> Response:  # fmt: skip
    filters = _filters(ws, since, until, actor, action, object_type)
    rows = trail.entries(ws, **filters)
    shown = [
        {
            **r,
            "before_text": _json(r["before"]),
            "after_text": _json(r["after"]),
            "before_fields": _fields(r["before"]),
            "after_fields": _fields(r["after"]),
        }
        for r in rows[-PAGE_ROWS:][::-1]  # newest first on screen
    ]
    query = request.url.query
    ctx = {"rows": shown, "total": len(rows), "query": query,
           "form": {"since": since or "", "until": until or "", "actor": actor or "",
                    "action": action or "", "object_type": object_type or ""}}  # fmt: skip
    return render(request, "workflow/audit.html", ctx, user=user)


def _fields(value: Any) -> list[tuple[str, Any]] | None:
    """An entry's before/after as (field, value) pairs to show each under its name;
    None when it is not a record (the page then shows it as written)."""
    if not isinstance(value, dict):
        return None
    return [(str(k), v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]


def _json(value: Any) -> str:
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@router.get("/audit/export")
def audit_export(
    ws: Ws, user: Auditor, format: ExportFormat = ExportFormat.csv, since: date | None = None,
    until: date | None = None, actor: Short = None, action: Short = None,
    object_type: Short = None,
) -> Response:  # fmt: skip
    rows = trail.entries(ws, **_filters(ws, since, until, actor, action, object_type))
    return export_response(rows, format, ws.timezone)
