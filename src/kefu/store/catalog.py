"""The import catalog and reject log (application store).

A batch is reserved as ``pending`` (which fixes its id and file names), its
Parquet files are written and renamed into place, and then it is flipped to
``committed`` together with its reject rows in one transaction: readers only
ever see committed batches, so an import is visible all at once or not at all.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.appdb import Base, UTCDateTime, utcnow


class BatchState(StrEnum):
    PENDING = "pending"
    COMMITTED = "committed"
    ABANDONED = "abandoned"
    # Its records stopped counting (``kefu batches retract``); its files stay for the audit
    # trail, and a compaction may have merged them with other batches' records.
    RETRACTED = "retracted"


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(100))
    source_file: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(12), default=BatchState.PENDING)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    # Local dates spanned by the period column of new and changed records:
    # scoring runs of periods overlapping this range become stale.
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # Parquet files of this batch, relative to the fact store root.
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(100))
    pid: Mapped[int | None] = mapped_column(Integer)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        Index("ix_import_batches_lookup", "table_name", "source", "file_sha256", "state"),
    )


class ImportReject(Base):
    __tablename__ = "import_rejects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    source_file: Mapped[str] = mapped_column(String(500))
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(200))
    # The whole row as read (original headers → raw text), to fix and re-import.
    raw: Mapped[dict[str, str | None] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_import_rejects_batch", "batch_id", "row"),)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportJob(Base):
    """An upload being imported on the server's job thread (``/imports/jobs/<id>``).

    ``results`` holds one summary per file as it finishes; ``rows_read`` counts
    the rows read so far; ``message`` (with ``message_key``/``message_params`` for
    the page's language) says what the job is doing or why it failed.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    state: Mapped[str] = mapped_column(String(12), default=JobState.QUEUED)
    # [{"name": shown name, "path": saved upload relative to the workspace}]
    files: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    table_name: Mapped[str | None] = mapped_column(String(40))
    mapping: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100))
    # Ids another source holds are loaded as a different system's records (a choice).
    as_new_source: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    message_key: Mapped[str | None] = mapped_column(String(100))
    message_params: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    results: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The server process running it: a job of a server that stopped is marked failed.
    pid: Mapped[int | None] = mapped_column(Integer)
