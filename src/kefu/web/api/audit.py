"""``/api/v1/audit``: the audit trail, read-only (no method here or anywhere changes it)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from kefu.web.api.schemas import ERRORS
from kefu.web.deps import CurrentUser, Ws
from kefu.workflow import trail

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
router = APIRouter(prefix="/audit", tags=["audit"], responses=ERRORS)


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    before: Any
    after: Any
    ip: str | None


def _filters(
    since: datetime | None,
    until: datetime | None,
    actor: str | None,
    action: str | None,
    object_type: str | None,
    object_id: str | None,
) -> dict[str, Any]:
    return {
        "since": since,
        "until": until,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
    }


Short = Annotated[str | None, Query(max_length=200)]


@router.get("", response_model=list[AuditEntryPublic], summary="Audit entries, oldest first")
def list_entries(
    ws: Ws,
    user: CurrentUser,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: Short = None,
    action: Short = None,
    object_type: Short = None,
    object_id: Short = None,
    limit: Annotated[int, Query(ge=1, le=trail.MAX_ROWS)] = 1000,
) -> list[AuditEntryPublic]:
    trail.require_auditor(user)
    rows = trail.entries(
        ws, limit=limit, **_filters(since, until, actor, action, object_type, object_id)
    )
    return [AuditEntryPublic(**r) for r in rows]


@router.get(
    "/export",
    summary="The audit trail as CSV or xlsx",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def export(
    ws: Ws,
    user: CurrentUser,
    format: ExportFormat = ExportFormat.csv,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: Short = None,
    action: Short = None,
    object_type: Short = None,
    object_id: Short = None,
) -> Response:
    trail.require_auditor(user)
    rows = trail.entries(ws, **_filters(since, until, actor, action, object_type, object_id))
    return export_response(rows, format, ws.timezone)


def export_response(rows: list[dict[str, Any]], fmt: ExportFormat, tz: str = "UTC") -> Response:
    if fmt is ExportFormat.xlsx:
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        data = trail.to_xlsx(rows, tz)
    else:
        media, data = "text/csv; charset=utf-8", trail.to_csv(rows, tz)
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="kefu-audit.{fmt.value}"'},
    )
