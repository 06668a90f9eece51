"""Writing what the application store queued for the fact store (see kefu.store.outbox)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, func, select

from kefu.errors import KefuError
from kefu.store.outbox import PendingFact
from kefu.workspace import Workspace


def pending(ws: Workspace) -> int:
    """How many records wait to be written."""
    with ws.db.session() as s:
        return s.scalar(select(func.count()).select_from(PendingFact)) or 0


def flush(ws: Workspace, actor: str) -> int:
    """Write every queued record to the fact store; returns how many were written.

    One import per table and source, each atomic; a record queued twice is
    written as last queued. Written records leave the queue; on a failure the
    queue keeps them for the next flush and the error says so.
    """
    from kefu.ingest.pipeline import import_records

    with ws.db.session() as s:
        queued = list(s.scalars(select(PendingFact).order_by(PendingFact.id)))
        s.expunge_all()
    if not queued:
        return 0
    latest: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    ids: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in queued:
        latest[(p.table_name, p.source)][p.record_key] = p.record
        ids[(p.table_name, p.source)].append(p.id)
    written = 0
    for (table, source), records in latest.items():
        n = len(records)
        result = import_records(
            ws, table, list(records.values()), source=source,
            label=f"{source}: {n} {table} record(s)", actor=actor,
        )  # fmt: skip
        if result.rejected:
            raise KefuError(
                f"{n} {table} record(s) could not be written to the fact store and stay "
                f"queued: {result.message}"
            )
        with ws.db.transaction() as s:
            s.execute(delete(PendingFact).where(PendingFact.id.in_(ids[(table, source)])))
        written += n
    return written
