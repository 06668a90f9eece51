"""Import batches on disk and in the catalog: the lock, reservation, publication, cleanup.

The sequence that makes an import atomic: take the workspace import lock,
reserve a ``pending`` batch (fixing its id and file names, recording our pid),
write Parquet under ``.tmp-…`` names, rename them into place, then in ONE
transaction flip the batch to ``committed`` with its counts and rejects and an
audit entry. Readers only list committed batches, so a crash at any step
leaves the previous state; what it leaves behind is removed by the next import
(or ``kefu compact``) once the pid that wrote it is gone.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from kefu import audit
from kefu.errors import KefuError
from kefu.store.catalog import BatchState, ImportBatch

if TYPE_CHECKING:
    from kefu.workspace import Workspace

LOCK_FILE = "import.lock"


class ImportBusy(KefuError):
    """Another import (or compaction) of the workspace holds the lock: said at once, no wait."""

    exit_code = 3

    def __init__(self, batch: int | None, started: str | None, pid: int | None = None) -> None:
        self.pid = pid  # the holder's process
        self.key = "imports.busy" if batch is not None else "imports.busy_no_batch"
        self.params = {"batch": batch, "started": started or "?"}
        where = f"batch {batch}, " if batch is not None else ""
        super().__init__(f"Another import is running ({where}started at {started or '?'})")


def _holder(ws: Workspace) -> ImportBusy:
    """Who holds the lock, from what it wrote into the lock file."""
    try:
        info = json.loads((ws.home / LOCK_FILE).read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    started = None
    if isinstance(info.get("started_at"), str):
        from zoneinfo import ZoneInfo

        at = datetime.fromisoformat(info["started_at"]).astimezone(ZoneInfo(ws.timezone))
        started = at.strftime("%H:%M")
    batch, pid = info.get("batch"), info.get("pid")
    return ImportBusy(
        batch if isinstance(batch, int) else None, started, pid if isinstance(pid, int) else None
    )


def lock_busy(ws: Workspace) -> ImportBusy | None:
    """The error a new import would meet now, or None when the lock is free."""
    path = ws.home / LOCK_FILE
    with path.open("a") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(ws)
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    return None


@contextmanager
def import_lock(ws: Workspace) -> Iterator[None]:
    """Serialise importers (and compaction) of one workspace; released even on kill -9.

    A held lock raises :class:`ImportBusy` at once (batch and start time of the
    holder): a silent wait of minutes looks like a hang.
    """
    path = ws.home / LOCK_FILE
    with path.open("a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _holder(ws) from None
        try:
            _note(f, {"pid": os.getpid(), "started_at": datetime.now(UTC).isoformat()})
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _note(f: io.TextIOBase, info: dict[str, object]) -> None:
    f.truncate(0)
    f.write(json.dumps(info))
    f.flush()


def note_batch(ws: Workspace, batch_id: int) -> None:
    """Record in the lock file (held by this process) the batch being imported."""
    path = ws.home / LOCK_FILE
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if info.get("pid") != os.getpid():
        return
    info["batch"] = batch_id
    path.write_text(json.dumps(info))


def pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def batch_paths(ws: Workspace, table: str, batch_id: int) -> list[Path]:
    folder = ws.facts.table_dir(table)
    return [
        *folder.glob(f"b{batch_id:08d}-*.parquet"),
        *folder.glob(f".tmp-b{batch_id:08d}-*.parquet"),
    ]


def cleanup_abandoned(ws: Workspace, actor: str) -> list[int]:
    """Mark pending batches of dead importers abandoned and delete their files.

    Call with the import lock held: then no live importer of this workspace
    can be between reservation and commit, except one whose pid is alive.
    """
    abandoned: list[int] = []
    with ws.db.transaction() as s:
        pending = s.scalars(select(ImportBatch).where(ImportBatch.state == BatchState.PENDING))
        for batch in pending:
            if batch.pid == os.getpid() or pid_alive(batch.pid):
                continue
            for path in batch_paths(ws, batch.table_name, batch.id):
                path.unlink(missing_ok=True)
            batch.state = BatchState.ABANDONED
            abandoned.append(batch.id)
            audit.record(
                s, actor, "import.abandon", "import_batch", batch.id,
                after={"file": batch.source_file, "pid": batch.pid},
            )  # fmt: skip
    purge_retired(ws)
    # Working folders of importers that died (named import-<pid>-<n>).
    for folder in (ws.home / "tmp").glob("import-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    live = _live_pending_ids(ws)
    for tmp in ws.facts.root.glob("*/.tmp-b*.parquet"):
        batch_id = int(tmp.name[len(".tmp-b") :].split("-")[0])
        if batch_id not in live:
            tmp.unlink(missing_ok=True)
    return abandoned


def _live_pending_ids(ws: Workspace) -> set[int]:
    with ws.db.session() as s:
        return set(s.scalars(select(ImportBatch.id).where(ImportBatch.state == BatchState.PENDING)))


def reserve(
    ws: Workspace,
    *,
    table: str,
    source: str,
    source_file: str,
    sha256: str,
    mapping: str | None,
    actor: str,
) -> int:
    with ws.db.transaction() as s:
        batch = ImportBatch(
            table_name=table,
            source=source,
            source_file=source_file,
            file_sha256=sha256,
            mapping=mapping,
            state=BatchState.PENDING,
            rows_read=0, accepted=0, rejected=0, new=0, changed=0, unchanged=0,
            files=[],
            created_by=actor,
            pid=os.getpid(),
        )  # fmt: skip
        s.add(batch)
        s.flush()
        batch_id = batch.id
    note_batch(ws, batch_id)
    return batch_id


def abandon(ws: Workspace, batch_id: int, table: str) -> None:
    """Undo a reservation after a failure in this process (best effort)."""
    for path in batch_paths(ws, table, batch_id):
        path.unlink(missing_ok=True)
    with ws.db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is not None and batch.state == BatchState.PENDING:
            batch.state = BatchState.ABANDONED


def find_committed(ws: Workspace, table: str, source: str, sha256: str) -> int | None:
    with ws.db.session() as s:
        return s.scalars(
            select(ImportBatch.id)
            .where(
                ImportBatch.table_name == table,
                ImportBatch.source == source,
                ImportBatch.file_sha256 == sha256,
                ImportBatch.state == BatchState.COMMITTED,
            )
            .order_by(ImportBatch.id)
        ).first()


# Files a compaction replaced stay on disk this long, so a reader that listed them just
# before the switch can still finish its query.
RETIRE_GRACE = timedelta(hours=1)
RETIRED_FILE = ".retired.json"


def retire(ws: Workspace, paths: list[Path]) -> None:
    """Schedule fact files for deletion once no reader can still be using them."""
    listing = ws.facts.root / RETIRED_FILE
    entries = json.loads(listing.read_text()) if listing.exists() else []
    now = datetime.now(UTC).isoformat()
    entries += [{"path": str(p.relative_to(ws.facts.root)), "at": now} for p in paths]
    tmp = listing.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=1))
    os.replace(tmp, listing)


def purge_retired(ws: Workspace, older_than: timedelta = RETIRE_GRACE) -> int:
    """Delete retired files older than ``older_than``; returns how many were deleted."""
    listing = ws.facts.root / RETIRED_FILE
    if not listing.exists():
        return 0
    cutoff = datetime.now(UTC) - older_than
    keep, deleted = [], 0
    for entry in json.loads(listing.read_text()):
        if datetime.fromisoformat(entry["at"]) <= cutoff:
            (ws.facts.root / entry["path"]).unlink(missing_ok=True)
            deleted += 1
        else:
            keep.append(entry)
    tmp = listing.with_suffix(".tmp")
    tmp.write_text(json.dumps(keep, indent=1))
    os.replace(tmp, listing)
    return deleted
