"""``/api/v1/imports``: the import catalog, uploads and rejects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from kefu.web import operations
from kefu.web.access import ImportReader, ImportWriter
from kefu.web.api.results_schemas import BatchPublic, ImportResultPublic, RejectsPublic
from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import Ws
from kefu.web.params import IdPath, PageQuery

router = APIRouter(prefix="/imports", tags=["imports"], responses={**ERRORS, **BAD_REQUEST})


@router.get("", response_model=list[BatchPublic], summary="Import batches, newest first")
def list_imports(
    ws: Ws, user: ImportReader, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[BatchPublic]:
    return [BatchPublic(**b) for b in operations.list_batches(ws, limit)]


async def read_uploads(files: list[UploadFile]) -> list[operations.Upload]:
    out = []
    for f in files:
        content = await f.read(operations.MAX_UPLOAD_BYTES + 1)
        out.append(operations.Upload(f.filename or "upload", content))
    return out


@router.post(
    "", response_model=list[ImportResultPublic], status_code=201,
    summary="Upload and import one or more export files",
)  # fmt: skip
async def upload(
    ws: Ws,
    user: ImportWriter,
    files: Annotated[list[UploadFile], File(description="CSV, Excel or Parquet exports")],
    table: Annotated[str | None, Form(max_length=40)] = None,
    mapping: Annotated[str | None, Form(max_length=100)] = None,
    source: Annotated[str | None, Form(max_length=100)] = None,
    as_new_source: Annotated[
        bool, Form(description="Load ids another source holds as a different system's records")
    ] = False,
) -> list[ImportResultPublic]:
    uploads = await read_uploads(files)
    done = operations.import_uploads(ws, user, uploads, table=table, mapping=mapping,
                                     source=source, as_new_source=as_new_source)  # fmt: skip
    return [ImportResultPublic(**r) for r in done]


@router.get("/{batch_id}/rejects", response_model=RejectsPublic, summary="Rejected rows")
def rejects(
    batch_id: IdPath,
    ws: Ws,
    user: ImportReader,
    page: PageQuery = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> RejectsPublic:
    return RejectsPublic(**operations.rejects_page(ws, batch_id, page, per_page))
