"""Undoing an import: a retracted batch's records stop counting, and stay for the audit trail.

``kefu batches retract N`` and the imports page's button flip the batch to
``retracted`` in one transaction with its audit entry, under the import lock (so
never while an import or a compaction runs: :class:`~kefu.ingest.batches.ImportBusy`).
Nothing is deleted: :class:`~kefu.store.facts.FactStore` leaves the batch's rows out,
so the version each key had before counts again. Scoring runs that used the batch
become stale (数据已更新，需重新评分); re-scoring a published period makes a revision.
The same file can be imported again afterwards: the catalog only remembers the
content of committed batches.

Usage::

    retract_batch(ws, 7, actor="cli:li")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kefu import audit
from kefu.errors import KefuError, NotFound
from kefu.ingest import batches
from kefu.store.appdb import utcnow
from kefu.store.catalog import BatchState, ImportBatch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kefu.workspace import Workspace


class RetractRefused(KefuError):
    """The batch cannot be retracted (already retracted, never committed, relied upon)."""

    def __init__(self, message: str, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(message)


def retract_batch(ws: Workspace, batch_id: int, actor: str) -> dict[str, Any]:
    """Stop batch ``batch_id``'s records from counting; returns what was retracted."""
    # The lock first: an import running now is refused with ImportBusy (exit 3, HTTP 409).
    with batches.import_lock(ws):  # noqa: SIM117 - the lock is taken before the transaction
        with ws.db.transaction() as s:
            batch = s.get(ImportBatch, batch_id)
            if batch is None:
                raise NotFound(f"no import batch {batch_id}")
            _refusal(s, batch)
            batch.state = BatchState.RETRACTED
            batch.retracted_at = utcnow()
            batch.retracted_by = actor
            done = {
                "batch": batch.id, "table": batch.table_name, "source": batch.source,
                "file": batch.source_file, "new": batch.new, "changed": batch.changed,
                "period_start": _iso(batch.period_start), "period_end": _iso(batch.period_end),
            }  # fmt: skip
            audit.record(
                s, actor, "import.retract", "import_batch", batch.id,
                before={"state": BatchState.COMMITTED},
                after={"state": BatchState.RETRACTED, **done},
            )  # fmt: skip
    return done


def _refusal(s: Session, batch: ImportBatch) -> None:
    """Raise :class:`RetractRefused` when ``batch`` may not be retracted now."""
    if batch.state == BatchState.RETRACTED:
        raise RetractRefused(
            f"batch {batch.id} was already retracted (by {batch.retracted_by}); "
            "import its file again to count its records again",
            "imports.retract.already", batch=batch.id, by=batch.retracted_by or "?",
        )  # fmt: skip
    if batch.state != BatchState.COMMITTED:
        raise RetractRefused(
            f"batch {batch.id} was never committed ({batch.state}): none of its records count",
            "imports.retract.not_committed", batch=batch.id,
        )  # fmt: skip
    # A later import that found records of this batch unchanged stored nothing for them:
    # retracting this one first would make them vanish although that import brought them.
    later = s.scalars(
        select(ImportBatch.id).where(
            ImportBatch.table_name == batch.table_name,
            ImportBatch.source == batch.source,
            ImportBatch.state == BatchState.COMMITTED,
            ImportBatch.id > batch.id,
            ImportBatch.unchanged > 0,
        )
    ).all()
    if later:
        shown = ", ".join(str(i) for i in later)
        raise RetractRefused(
            f"batch {batch.id} cannot be retracted: later batch(es) {shown} of "
            f"{batch.table_name} found records of it unchanged; retract those first",
            "imports.retract.relied_upon", batch=batch.id, later=shown,
        )  # fmt: skip


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else None
