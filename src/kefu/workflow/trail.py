"""Reading and exporting the audit trail (append-only; nothing here writes it)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kefu.audit import AuditEntry
from kefu.reports.safe import csv_writer, workbook, write_text
from kefu.timefmt import format_moment
from kefu.users.roles import Forbidden, Principal, Role
from kefu.workspace import Workspace

COLUMNS = ("id", "at", "actor", "action", "object_type", "object_id", "before", "after", "ip")
MAX_ROWS = 100_000


def require_auditor(user: Principal) -> None:
    if user.role not in (Role.admin, Role.manager):
        raise Forbidden("the audit trail is for managers and administrators")


def entries(
    ws: Workspace,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int = MAX_ROWS,
) -> list[dict[str, Any]]:
    """Audit entries, oldest first, filtered; each a plain dict of :data:`COLUMNS`."""
    q = select(AuditEntry).order_by(AuditEntry.id)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if until is not None:
        q = q.where(AuditEntry.at < until)
    if actor:
        q = q.where(AuditEntry.actor == actor)
    if action:
        # "appeal" matches appeal.file, appeal.uphold …
        q = q.where((AuditEntry.action == action) | AuditEntry.action.startswith(action + "."))
    if object_type:
        q = q.where(AuditEntry.object_type == object_type)
    if object_id:
        q = q.where(AuditEntry.object_id == object_id)
    with ws.db.session() as s:
        rows = s.scalars(q.limit(max(1, min(limit, MAX_ROWS))))
        return [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "before": e.before,
                "after": e.after,
                "ip": e.ip,
            }
            for e in rows
        ]


def _text(value: Any, tz: str = "UTC") -> Any:
    if isinstance(value, datetime):  # ISO 8601 in local time, with the offset
        return format_moment(value, tz, iso=True)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value


def to_csv(rows: Sequence[dict[str, Any]], tz: str = "UTC") -> bytes:
    """UTF-8 with a BOM (Excel on Chinese Windows), text neutralised against formulas."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_text(r[c], tz) for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[dict[str, Any]], tz: str = "UTC") -> bytes:
    buf = io.BytesIO()
    book = workbook(buf, in_memory=True)
    sheet = book.add_worksheet("audit")
    bold = book.add_format({"bold": True})
    # Excel's "typed with a leading apostrophe": editing the cell keeps it text.
    quoted = book.add_format({"quote_prefix": True})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, bold)
    for i, r in enumerate(rows, start=1):
        sheet.write_number(i, 0, r["id"])
        for col, name in enumerate(COLUMNS[1:], start=1):
            write_text(sheet, i, col, _text(r[name], tz), None, quoted)
    sheet.freeze_panes(1, 0)
    sheet.set_column(1, 1, 26)
    sheet.set_column(6, 7, 60)
    book.close()
    return buf.getvalue()
