"""Imports ``/imports``: upload exports, see each file's summary, list and download rejects."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kefu.ingest.batches import ImportBusy
from kefu.reports.safe import csv_writer
from kefu.store.tables import TABLES
from kefu.web import jobs
from kefu.web.access import IMPORT_READ_ROLES, UPLOAD_ROLES, ImportReader, ImportWriter
from kefu.web.api.imports import read_uploads, start_job
from kefu.web.deps import DB, Ws
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, download, render_page
from kefu.web.params import IdPath, PageQuery
from kefu.web.views import operations

router = APIRouter()

nav = [NavItem("pages.nav.imports", "/imports", frozenset(IMPORT_READ_ROLES))]


def _page(
    request: Request, ws: Ws, db: DB, user: ImportReader, status_code: int = 200, **extra: object
) -> Response:
    ctx = {
        "batches": operations.list_batches(ws),
        "jobs": jobs.recent_jobs(db),
        "tables": list(TABLES),
        "mappings": operations.mapping_names(ws),
        "can_upload": user.role in UPLOAD_ROLES,
        **extra,
    }
    return render_page(request, "pages/imports.html", ctx, user=user, status_code=status_code)


@router.get("/imports")
def imports_page(request: Request, ws: Ws, db: DB, user: ImportReader) -> Response:
    return _page(request, ws, db, user)


@router.post("/imports")
async def upload(
    request: Request,
    ws: Ws,
    db: DB,
    user: ImportWriter,
    background: BackgroundTasks,
    files: Annotated[list[UploadFile], File()],
    table: Annotated[str, Form(max_length=40)] = "",
    mapping: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    # Only the body is awaited here; checking, saving and queueing run on a worker thread.
    uploads = [u for u in await read_uploads(files) if u.content or u.filename != "upload"]
    try:
        job_id = await run_in_threadpool(
            start_job, request, db, user.actor, uploads, table=table or None,
            mapping=mapping or None, source=None,
        )  # fmt: skip
    except (operations.UploadRefused, ImportBusy) as exc:
        status = exc.status if isinstance(exc, operations.UploadRefused) else 409
        error = {"key": exc.key, "params": dict(exc.params)}
        return await run_in_threadpool(
            lambda: _page(request, ws, db, user, status_code=status, upload_error=error)
        )
    background.add_task(request.app.state.jobs.submit, job_id)
    return RedirectResponse(f"/imports/jobs/{job_id}", status_code=303)


@router.get("/imports/jobs/{job_id}")
def job_page(request: Request, job_id: IdPath, db: DB, user: ImportReader) -> Response:
    job = jobs.job_dict(jobs.get_job(db, job_id))
    ctx = {"job": job, "results": job["results"], "running": job["state"] not in jobs.FINISHED}
    return render_page(request, "pages/import_job.html", ctx, user=user)


@router.post("/imports/again")
def upload_again(
    request: Request,
    ws: Ws,
    db: DB,
    user: ImportWriter,
    background: BackgroundTasks,
    upload: Annotated[str, Form(max_length=64)],
    file: Annotated[str, Form(max_length=200)],
    choice: Annotated[Literal["update", "keep_both"], Form()],
    source: Annotated[str, Form(max_length=100)],
    table: Annotated[str, Form(max_length=40)] = "",
    mapping: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """A file refused because its ids belong to another source, imported with the choice made.

    ``update``: under the source that holds those ids, as the same records;
    ``keep_both``: under the source it was refused for, as a different system. The
    form names the source of either choice. It runs as a new import job.
    """
    kept = operations.kept_upload(ws, upload, file)
    try:
        job_id = start_job(
            request, db, user.actor, [kept], table=table or None, mapping=mapping or None,
            source=source, as_new_source=choice == "keep_both",
        )  # fmt: skip
    except (operations.UploadRefused, ImportBusy) as exc:
        status = exc.status if isinstance(exc, operations.UploadRefused) else 409
        error = {"key": exc.key, "params": dict(exc.params)}
        return _page(request, ws, db, user, status_code=status, upload_error=error)
    background.add_task(request.app.state.jobs.submit, job_id)
    return RedirectResponse(f"/imports/jobs/{job_id}", status_code=303)


@router.get("/imports/{batch_id}/rejects")
def rejects_page(
    request: Request,
    batch_id: IdPath,
    ws: Ws,
    user: ImportReader,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    data = operations.rejects_page(ws, batch_id, page, per_page)
    return render_page(request, "pages/rejects.html", {"data": data}, user=user)


@router.get("/imports/{batch_id}/rejects.csv")
def rejects_csv(batch_id: IdPath, ws: Ws, user: ImportReader) -> Response:
    rows = operations.all_rejects(ws, batch_id)
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\r\n")
    fields = ["source_file", "row", "column", "value", "rule"]
    writer.writerow(fields)
    for r in rows:
        writer.writerow([r[f] for f in fields])
    # BOM: Excel on Chinese Windows opens UTF-8 CSV correctly only with it.
    return download(("\ufeff" + buf.getvalue()).encode("utf-8"), f"rejects-{batch_id}.csv", CSV)
