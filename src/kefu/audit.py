"""The audit trail: every write, with who, when, what, before and after.

The table is append-only: the application never updates or deletes a row,
and database triggers refuse it on every backend (migration 0002).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.store.appdb import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))  # user name, "cli:<os user>" or "system"
    action: Mapped[str] = mapped_column(String(60))  # e.g. import.commit, score.publish
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_at", "at"),
    )


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    *,
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
) -> AuditEntry:
    """Add an audit entry to ``session`` (committed with the write it describes)."""
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        ip=ip,
    )
    session.add(entry)
    return entry


def cli_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"
