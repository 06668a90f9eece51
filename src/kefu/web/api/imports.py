"""``/api/v1/imports``: the import catalog, uploads (as background jobs) and rejects."""

from __future__ import annotations

import os
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from kefu.ingest.batches import lock_busy
from kefu.web import jobs
from kefu.web.access import ImportReader, ImportWriter
from kefu.web.api.results_schemas import BatchPublic, ImportJobPublic, RejectsPublic
from kefu.web.api.schemas import BAD_REQUEST, ERRORS, ErrorBody
from kefu.web.deps import DB, Ws
from kefu.web.errors import api_error
from kefu.web.params import IdPath, PageQuery
from kefu.web.views import operations

router = APIRouter(prefix="/imports", tags=["imports"], responses={**ERRORS, **BAD_REQUEST})


@router.get("", response_model=list[BatchPublic], summary="Import batches, newest first")
def list_imports(
    ws: Ws, user: ImportReader, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[BatchPublic]:
    return operations.list_batches(ws, limit)


async def read_uploads(files: list[UploadFile]) -> list[operations.Upload]:
    out = []
    for f in files:
        content = await f.read(operations.MAX_UPLOAD_BYTES + 1)
        out.append(operations.Upload(f.filename or "upload", content))
    return out


def start_job(
    request: Request,
    db: DB,
    actor: str,
    uploads: list[operations.Upload],
    *,
    table: str | None,
    mapping: str | None,
    source: str | None,
    as_new_source: bool = False,
) -> int:
    """Check, save and queue an upload (on a worker thread); raises what refuses it."""
    ws = request.app.state.ws
    operations.check_upload(uploads, table=table)
    busy = lock_busy(ws)
    # This server's own job thread holding the lock: the new job waits its turn behind it.
    if busy is not None and busy.pid != os.getpid():
        raise busy
    saved = operations.save_uploads(ws, uploads)
    job = jobs.create_job(db, actor, saved, table=table, mapping=mapping, source=source,
                          as_new_source=as_new_source)  # fmt: skip
    return job.id


@router.post(
    "", response_model=ImportJobPublic, status_code=202,
    summary="Upload export files; they are imported by a background job",
    responses={
        202: {"description": "Accepted: poll the job at the Location URL"},
        409: {"model": ErrorBody, "description": "Another import is running (its batch and start)"},
        413: {"model": ErrorBody, "description": "A file is larger than an upload may be"},
        415: {"model": ErrorBody, "description": "A file is not CSV, Excel or Parquet"},
    },
)  # fmt: skip
async def upload(
    request: Request,
    db: DB,
    user: ImportWriter,
    background: BackgroundTasks,
    files: Annotated[list[UploadFile], File(description="CSV, Excel or Parquet exports")],
    table: Annotated[str | None, Form(max_length=40)] = None,
    mapping: Annotated[str | None, Form(max_length=100)] = None,
    source: Annotated[str | None, Form(max_length=100)] = None,
    as_new_source: Annotated[
        bool, Form(description="Load ids another source holds as a different system's records")
    ] = False,
) -> JSONResponse:
    from kefu.ingest.batches import ImportBusy

    uploads = await read_uploads(files)  # the only part on the event loop: awaiting the body
    try:
        job_id = await run_in_threadpool(
            start_job, request, db, user.actor, uploads, table=table, mapping=mapping,
            source=source, as_new_source=as_new_source,
        )  # fmt: skip
    except operations.UploadRefused as exc:
        return api_error(exc.status, exc.message)
    except ImportBusy as exc:
        return api_error(409, exc.message, "import_busy")
    shown = await run_in_threadpool(lambda: jobs.job_dict(jobs.get_job(db, job_id)))
    job = ImportJobPublic(**shown)
    # Handed to the job thread once the response (and so the job row) is committed.
    background.add_task(request.app.state.jobs.submit, job_id)
    url = f"/api/v1/imports/jobs/{job_id}"
    return JSONResponse(job.model_dump(mode="json"), status_code=202, headers={"Location": url})


@router.get("/jobs/{job_id}", response_model=ImportJobPublic, summary="An upload's import job")
def job_status(job_id: IdPath, db: DB, user: ImportReader) -> ImportJobPublic:
    return ImportJobPublic(**jobs.job_dict(jobs.get_job(db, job_id)))


@router.get("/{batch_id}/rejects", response_model=RejectsPublic, summary="Rejected rows")
def rejects(
    batch_id: IdPath,
    ws: Ws,
    user: ImportReader,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RejectsPublic:
    return RejectsPublic(**operations.rejects_page(ws, batch_id, page, per_page))
