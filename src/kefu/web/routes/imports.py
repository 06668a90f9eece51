"""Imports ``/imports``: upload exports, see each file's summary, list and download rejects."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from kefu.ingest.tables import TABLES
from kefu.reports.safe import csv_writer
from kefu.web import operations
from kefu.web.access import IMPORT_READ_ROLES, UPLOAD_ROLES, ImportReader, ImportWriter
from kefu.web.api.imports import read_uploads
from kefu.web.deps import Ws
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, download, render_page
from kefu.web.params import IdPath, PageQuery

router = APIRouter()

nav = [NavItem("pages.nav.imports", "/imports", frozenset(IMPORT_READ_ROLES))]


def _page(request: Request, ws: Ws, user: ImportReader, **extra: object) -> Response:
    ctx = {
        "batches": operations.list_batches(ws),
        "tables": list(TABLES),
        "mappings": operations.mapping_names(ws),
        "can_upload": user.role in UPLOAD_ROLES,
        **extra,
    }
    return render_page(request, "pages/imports.html", ctx, user=user)


@router.get("/imports")
def imports_page(request: Request, ws: Ws, user: ImportReader) -> Response:
    return _page(request, ws, user)


@router.post("/imports")
async def upload(
    request: Request,
    ws: Ws,
    user: ImportWriter,
    files: Annotated[list[UploadFile], File()],
    table: Annotated[str, Form(max_length=40)] = "",
    mapping: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    uploads = [u for u in await read_uploads(files) if u.content or u.filename != "upload"]
    results = operations.import_uploads(ws, user, uploads, table=table or None,
                                        mapping=mapping or None)  # fmt: skip
    return _page(request, ws, user, results=results)


@router.post("/imports/again")
def upload_again(
    request: Request,
    ws: Ws,
    user: ImportWriter,
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
    form names the source of either choice.
    """
    kept = operations.kept_upload(ws, upload, file)
    results = operations.import_uploads(
        ws, user, [kept], table=table or None, mapping=mapping or None, source=source,
        as_new_source=choice == "keep_both",
    )  # fmt: skip
    return _page(request, ws, user, results=results)


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
