"""Records a change in the application store owes to the fact store (an outbox).

An improvement-plan item saved in the application store is also an
``improvement_items`` record in the fact store, and the two stores cannot
commit in one transaction. The change therefore queues the record here, in
its own transaction, and :func:`kefu.ingest.outbox.flush` writes the queue to
the fact store after the commit. What a failure leaves queued is written by
the next flush — never lost, and a record written twice is the same record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.store.appdb import Base, UTCDateTime, utcnow


class PendingFact(Base):
    __tablename__ = "fact_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(100))
    record_key: Mapped[str] = mapped_column(String(200))
    # The record as text values (dates ISO), as import_records takes them.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_fact_outbox_key", "table_name", "source", "record_key"),)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def queue(
    s: Session, table_name: str, source: str, key: str, record: dict[str, Any], actor: str
) -> None:
    """Queue ``record`` for the fact store in the caller's transaction."""
    s.add(
        PendingFact(
            table_name=table_name,
            source=source,
            record_key=key,
            record={k: _plain(v) for k, v in record.items()},
            queued_by=actor,
        )
    )
