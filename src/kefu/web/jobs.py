"""Uploads imported in the background: one job thread per server, progress in the store.

The upload answers at once (202 with the job's URL on the API, a redirect to
the job's page in the browser); the import runs here, on the server's single
job thread, so no request — and not the event loop — waits for it. Jobs run
one after another in upload order; each writes its state, the rows read so
far and what it is doing into its ``import_jobs`` row, which the job page
(refreshing itself) and ``GET /api/v1/imports/jobs/<id>`` show.

The job runs outside any request's context (a fresh ``contextvars.Context``),
so the import opens its own sessions and commits each step as it goes.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.errors import NotFound
from kefu.ingest.batches import pid_alive
from kefu.store.appdb import utcnow
from kefu.store.catalog import ImportJob, JobState
from kefu.web.views import operations
from kefu.workspace import Workspace

log = logging.getLogger(__name__)

FINISHED = frozenset({JobState.DONE, JobState.FAILED})


def job_dict(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "state": job.state,
        "files": [f["name"] for f in job.files],
        "table": job.table_name,
        "rows_read": job.rows_read,
        "message": job.message,
        "message_key": job.message_key,
        "message_params": dict(job.message_params or {}),
        "results": list(job.results or []),
        "created_at": job.created_at,
        "created_by": job.created_by,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def create_job(
    db: Session,
    actor: str,
    files: list[dict[str, str]],
    *,
    table: str | None,
    mapping: str | None,
    source: str | None,
    as_new_source: bool = False,
) -> ImportJob:
    """A queued job for saved uploads (committed with the request that made it)."""
    job = ImportJob(
        state=JobState.QUEUED, files=files, table_name=table or None, mapping=mapping or None,
        source=source or None, rows_read=0, message=None, message_key=None, message_params={},
        results=[], created_by=actor, pid=os.getpid(), as_new_source=as_new_source,
    )  # fmt: skip
    db.add(job)
    db.flush()
    return job


def get_job(db: Session, job_id: int) -> ImportJob:
    job = db.get(ImportJob, job_id)
    if job is None:
        raise NotFound(f"no import job {job_id}")
    return job


def recent_jobs(db: Session, limit: int = 10) -> list[dict[str, Any]]:
    found = db.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit))
    return [job_dict(j) for j in found]


def fail_orphans(ws: Workspace) -> int:
    """Mark failed the unfinished jobs of servers that are gone (stopped mid-import)."""
    with ws.db.transaction() as s:
        open_jobs = s.scalars(select(ImportJob).where(ImportJob.state.not_in(list(FINISHED))))
        gone = [j for j in open_jobs if j.pid != os.getpid() and not pid_alive(j.pid)]
        for job in gone:
            _finish(job, JobState.FAILED, "the server stopped before this import finished",
                    "imports.job.orphaned", {})  # fmt: skip
        return len(gone)


def _finish(job: ImportJob, state: str, message: str | None, key: str | None,
            params: dict[str, Any]) -> None:  # fmt: skip
    job.state = state
    job.message, job.message_key, job.message_params = message, key, params
    job.finished_at = utcnow()


def _update(ws: Workspace, job_id: int, **values: Any) -> None:
    with ws.db.transaction() as s:
        job = s.get(ImportJob, job_id)
        if job is not None:
            for name, value in values.items():
                setattr(job, name, value)


def run_job(ws: Workspace, job_id: int) -> None:
    """Import the job's files one by one, recording progress and each file's summary."""
    with ws.db.transaction() as s:
        job = s.get(ImportJob, job_id)
        if job is None or job.state != JobState.QUEUED:
            return
        job.state, job.started_at = JobState.RUNNING, utcnow()
        files, table, mapping, source = list(job.files), job.table_name, job.mapping, job.source
        as_new = bool(job.as_new_source)
        actor = f"web:{job.created_by}"
    results: list[dict[str, Any]] = []
    rows = 0
    try:
        for f in files:
            name = f["name"]

            def say(step: str, n: str = name) -> None:
                _update(ws, job_id, message=f"{n}: {step}", message_key=f"imports.step.{step}",
                        message_params={"file": n})  # fmt: skip

            say("starting")
            result = operations.import_saved(
                ws, actor, name, ws.home / Path(f["path"]), table=table, mapping=mapping,
                source=source, as_new_source=as_new, progress=say,
            )  # fmt: skip
            results.append(_plain(result))
            rows += int(result.get("rows_read") or 0)
            _update(ws, job_id, results=list(results), rows_read=rows)
    except Exception:  # a bug, not a bad file: the job says so instead of staying "running"
        log.exception("import job %s failed", job_id)
        with ws.db.transaction() as s:
            job = s.get(ImportJob, job_id)
            if job is not None:
                _finish(job, JobState.FAILED, "an unexpected error stopped the import; "
                        "it has been logged", "imports.job.crashed", {})  # fmt: skip
        return
    failed = [r for r in results if not r.get("ok")]
    with ws.db.transaction() as s:
        job = s.get(ImportJob, job_id)
        if job is None:
            return
        if failed:
            first = failed[0]
            _finish(job, JobState.FAILED, str(first.get("message") or ""),
                    first.get("message_key"), dict(first.get("message_params") or {}))  # fmt: skip
        else:
            _finish(job, JobState.DONE, None, None, {})


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    """A summary the JSON column can hold (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in result.items()}


class ImportJobs:
    """The server's job thread; ``inline`` runs each job as soon as it is handed over."""

    def __init__(self, ws: Workspace, *, inline: bool = False) -> None:
        self.ws = ws
        self.inline = inline
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, job_id: int) -> None:
        """Run the (committed) job: after the jobs before it, outside any request."""
        if self.inline:
            contextvars.Context().run(run_job, self.ws, job_id)
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="kefu-import")
            pool = self._pool
        pool.submit(contextvars.Context().run, run_job, self.ws, job_id)

    def wait(self) -> None:
        """Block until every job handed over so far has finished (tests, shutdown)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def shutdown(self) -> None:
        """Stop taking jobs; queued ones are marked failed when a server starts again."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
