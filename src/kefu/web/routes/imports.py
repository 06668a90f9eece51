"""Imports ``/imports``: upload exports, see each file's summary, list and download rejects."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Query, Request, UploadFile
from fastapi import Path as FastPath
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kefu.errors import KefuError, NotFound
from kefu.ingest import recognize, suggest, wizard
from kefu.ingest.batches import ImportBusy
from kefu.ingest.mapping import load_profile
from kefu.reports.safe import csv_writer
from kefu.store.tables import TABLES, Kind
from kefu.users.roles import Principal, Role
from kefu.web import import_text, jobs
from kefu.web.access import IMPORT_READ_ROLES, UPLOAD_ROLES, ImportReader, ImportWriter
from kefu.web.api.imports import read_uploads, start_job
from kefu.web.deps import DB, Ws, require_roles
from kefu.web.nav import NavItem
from kefu.web.pages import CSV, download, render_page
from kefu.web.params import IdPath, PageQuery
from kefu.web.templating import translator
from kefu.web.views import operations
from kefu.web.views.models import BatchPublic

if TYPE_CHECKING:
    from kefu.workspace import Workspace

router = APIRouter()
#: Undoing an import changes what every figure it touched says: managers and admins.
RETRACT_ROLES = (Role.admin, Role.manager)

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
        "can_retract": user.role in RETRACT_ROLES,
        "file_label": lambda name, t=translator(request, user): import_text.file_label(name, t),
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
        if not mapping and len(uploads) == 1:
            # 自动识别: one file's headers choose its profile, as `kefu import` does.
            mapping = await run_in_threadpool(_recognised, ws, uploads[0], table or None)
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


def _recognised(ws: Workspace, upload: operations.Upload, table: str | None) -> str:
    """The profile one uploaded file's headers call for ('' for none); several refuse it."""
    import tempfile

    operations.check_upload([upload], table=table)
    with tempfile.TemporaryDirectory(prefix="kefu-upload-") as tmp:
        # The name only (it may name the table: 花名册.csv), made safe for a file system.
        base = Path(upload.filename.replace("\\", "/")).name
        path = Path(tmp) / (re.sub(r"[^\w.\-]+", "_", base).strip("._")[:120] or "upload")
        path.write_bytes(upload.content)
        try:
            found = recognize.recognise_file(ws, path, table=table)
        except KefuError:
            return ""  # the import itself says why the file cannot be read
    if found.ambiguous:
        names = ", ".join(c.name for c in found.candidates)
        raise operations.UploadRefused(
            400, f"{upload.filename}: the headers fit several mapping profiles ({names}); "
            "choose one, or use the import wizard", "wizard.error.several",
            file=upload.filename, profiles=names,
        )  # fmt: skip
    return found.profile.name if found.profile else ""


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
    t, table = translator(request, user), data["batch"].table
    for r in data["rejects"]:
        r["header"] = import_text.header(table, r["column"], r["raw"], t)
        r["header_is_data"] = r["header"] in (r["raw"] or {})  # the file's own words
        r["reason"] = import_text.reason(t, table, r["column"], r["rule"])
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


# -- the import wizard ---------------------------------------------------------------
# Upload → detected table and profile → column mapping (unknown layouts) → preview →
# save the mapping as a workspace profile → import by the upload job. Every step is
# kept server-side (kefu.ingest.wizard); a wizard is its uploader's only (404 otherwise).

WizardId = Annotated[str, FastPath(min_length=32, max_length=32, pattern="^[0-9a-f]{32}$")]


def _wizard_page(
    request: Request, user: ImportWriter, w: wizard.Wizard, status_code: int = 200,
    **extra: object,
) -> Response:  # fmt: skip
    spec = TABLES.get(w.table or "")
    ctx = {
        "w": w,
        "tables": list(TABLES),
        "columns": [
            {"name": c.name, "required": c.required, "choice": w.mapping.get(c.name, ""),
             "consts": list(c.canonical_values) if c.kind is Kind.ENUM else []}
            for c in (spec.columns if spec else ())
        ],
        "sample_columns": list(spec.names) if spec else [],
        "suggested_name": _profile_name_for(w.file),
        **extra,
    }  # fmt: skip
    return render_page(request, "pages/import_wizard.html", ctx, user=user,
                       status_code=status_code)  # fmt: skip


def _profile_name_for(file_name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(file_name).stem.lower()).strip("-")
    return (stem or "export")[:50]


def _error(
    exc: KefuError, request: Request | None = None, user: Principal | None = None
) -> dict[str, Any]:
    """A refusal for the page: its catalogue id, or the generic one with the message."""
    if isinstance(exc, wizard.MissingColumns) and request is not None:
        # The page names the fields as its mapping screen does, never by their ids.
        t = translator(request, user)
        names = [t(f"wizard.column.{exc.table}.{c}") for c in exc.columns]
        return {"key": exc.key, "params": {"columns": "、".join(names)}}
    if exc.key:
        return {"key": exc.key, "params": dict(exc.params)}
    return {"key": "wizard.error.failed", "params": {"message": exc.message}}


def _roster(ws: Workspace) -> set[str]:
    """The agent ids of the stored roster (empty before one is imported)."""
    con = ws.duckdb()
    try:
        ids = ws.facts.table(con, "agents").select("agent_id").distinct().to_pyarrow()
    finally:
        con.disconnect()
    return {str(v) for v in ids["agent_id"].to_pylist() if v is not None}


def _suggested(ws: Workspace, w: wizard.Wizard) -> dict[str, str]:
    """Choices for the mapping screen: suggestions from the aliases and sample values."""
    if w.table not in TABLES:
        return {}
    found = suggest.suggest(TABLES[w.table], w.headers, w.rows, roster=_roster(ws))
    return {c: wizard.HEADER + s.header for c, s in found.items()}


def _run_preview(ws: Workspace, w: wizard.Wizard) -> None:
    """The dry run of the file with the wizard's profile, mapping or canonical layout."""
    from kefu.ingest import import_file

    mapping = w.profile or (wizard.write_draft(ws, w) if w.mapping else None)
    table = None if mapping else w.table
    p = import_file(ws, wizard.upload_path(ws, w), table=table, mapping=mapping, dry_run=True)
    w.preview = p.as_dict()
    w.step = "preview"
    wizard.save(ws, w)


@router.post("/imports/wizard")
async def wizard_start(
    request: Request, ws: Ws, db: DB, user: ImportWriter, file: Annotated[UploadFile, File()],
) -> Response:  # fmt: skip
    uploads = await read_uploads([file])

    def begin() -> str:
        operations.check_upload(uploads)
        saved = operations.save_uploads(ws, uploads)[0]
        path = ws.home / saved["path"]
        seen = recognize.peek(ws, path, rows=wizard.SAMPLE_ROWS)
        found = recognize.recognise(
            seen.headers, recognize.available_profiles(ws.mappings_dir),
            named_table=recognize.table_from_name(path),
        )  # fmt: skip
        w = wizard.start(ws, owner=user.actor, name=saved["name"], path=path,
                         headers=seen.headers, rows=seen.rows)  # fmt: skip
        w.candidates = [c.name for c in found.candidates]
        w.profile = found.profile.name if found.profile else None
        w.table = found.profile.table if found.profile else found.canonical
        wizard.save(ws, w)
        return w.id

    try:
        wizard_id = await run_in_threadpool(begin)
    except operations.UploadRefused as exc:
        status, error = exc.status, {"key": exc.key, "params": dict(exc.params)}
    except KefuError as exc:
        status, error = 400, _error(exc)
    else:
        return RedirectResponse(f"/imports/wizard/{wizard_id}", status_code=303)
    return await run_in_threadpool(
        lambda: _page(request, ws, db, user, status_code=status, wizard_error=error)
    )


@router.get("/imports/wizard/{wizard_id}")
def wizard_step(request: Request, wizard_id: WizardId, ws: Ws, user: ImportWriter) -> Response:
    w = wizard.load(ws, wizard_id, user.actor)
    return _wizard_page(request, user, w)


@router.post("/imports/wizard/{wizard_id}/choose")
def wizard_choose(
    request: Request,
    wizard_id: WizardId,
    ws: Ws,
    user: ImportWriter,
    choice: Annotated[str, Form(max_length=120)],
    table: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """``profile:<name>`` (a fitting profile), ``canonical`` (the file's own headers) or
    ``map`` (map the columns by hand, for ``table``)."""
    w = wizard.load(ws, wizard_id, user.actor)
    if choice.startswith("profile:") and choice[8:] in {*w.candidates, w.profile}:
        profile = load_profile(choice[8:], ws.mappings_dir)
        w.profile, w.table, w.mapping = profile.name, profile.table, {}
    elif choice == "canonical" and w.table in TABLES and not w.candidates:
        w.profile, w.mapping = None, {}
    elif choice == "map" and table in TABLES:
        w.profile, w.table = None, table
        w.mapping = w.mapping if w.mapping and w.step == "map" else _suggested(ws, w)
        w.step = "map"
        wizard.save(ws, w)
        return RedirectResponse(f"/imports/wizard/{w.id}", status_code=303)
    else:
        return _wizard_page(request, user, w, status_code=400,
                            error={"key": "wizard.error.choose", "params": {}})  # fmt: skip
    try:
        _run_preview(ws, w)
    except KefuError as exc:
        w.step = "detect"
        wizard.save(ws, w)
        return _wizard_page(request, user, w, status_code=400, error=_error(exc))
    return RedirectResponse(f"/imports/wizard/{w.id}", status_code=303)


@router.post("/imports/wizard/{wizard_id}/map")
async def wizard_map(request: Request, wizard_id: WizardId, ws: Ws, user: ImportWriter) -> Response:
    """The column mapping typed on the mapping screen: kept first, then checked and previewed."""
    form = await request.form()

    def step() -> Response:
        w = wizard.load(ws, wizard_id, user.actor)
        spec = TABLES.get(w.table or "")
        if spec is None:
            return _wizard_page(request, user, w, status_code=400,
                                error={"key": "wizard.error.no_table", "params": {}})  # fmt: skip
        typed = {c: str(form.get(f"col_{c}", ""))[:300] for c in spec.names}
        w.mapping = {c: v for c, v in typed.items() if v}
        w.step, w.profile, w.saved_as = "map", None, None
        wizard.save(ws, w)  # never lost, whatever the checks below say
        try:
            wizard.profile_yaml(w)
            _run_preview(ws, w)
        except KefuError as exc:
            return _wizard_page(request, user, w, status_code=400, error=_error(exc, request, user))
        return RedirectResponse(f"/imports/wizard/{w.id}", status_code=303)

    return await run_in_threadpool(step)


@router.post("/imports/wizard/{wizard_id}/back")
def wizard_back(wizard_id: WizardId, ws: Ws, user: ImportWriter) -> Response:
    """From the preview back to the mapping screen (the typed mapping as it was)."""
    w = wizard.load(ws, wizard_id, user.actor)
    w.step = "map" if w.mapping else "detect"
    wizard.save(ws, w)
    return RedirectResponse(f"/imports/wizard/{w.id}", status_code=303)


@router.post("/imports/wizard/{wizard_id}/save")
def wizard_save(
    request: Request,
    wizard_id: WizardId,
    ws: Ws,
    user: ImportWriter,
    name: Annotated[str, Form(max_length=80)],
) -> Response:
    w = wizard.load(ws, wizard_id, user.actor)
    if not w.mapping or w.step not in ("preview", "saved"):
        return _wizard_page(request, user, w, status_code=400,
                            error={"key": "wizard.error.preview_first", "params": {}})  # fmt: skip
    try:
        wizard.save_profile(ws, w, name)
    except KefuError as exc:
        return _wizard_page(request, user, w, status_code=400, error=_error(exc), typed_name=name)
    return RedirectResponse(f"/imports/wizard/{w.id}", status_code=303)


@router.post("/imports/wizard/{wizard_id}/import")
def wizard_import(
    request: Request,
    wizard_id: WizardId,
    ws: Ws,
    db: DB,
    user: ImportWriter,
    background: BackgroundTasks,
) -> Response:
    w = wizard.load(ws, wizard_id, user.actor)
    if w.step not in ("preview", "saved") or (w.mapping and w.saved_as is None):
        return _wizard_page(request, user, w, status_code=400,
                            error={"key": "wizard.error.save_first", "params": {}})  # fmt: skip
    path = wizard.upload_path(ws, w)
    upload = operations.Upload(w.file, path.read_bytes())
    mapping = wizard.mapping_for_import(ws, w)
    try:
        job_id = start_job(request, db, user.actor, [upload],
                           table=None if mapping else w.table, mapping=mapping,
                           source=None)  # fmt: skip
    except (operations.UploadRefused, ImportBusy) as exc:
        status = exc.status if isinstance(exc, operations.UploadRefused) else 409
        return _wizard_page(request, user, w, status_code=status,
                            error={"key": exc.key, "params": dict(exc.params)})  # fmt: skip
    background.add_task(request.app.state.jobs.submit, job_id)
    return RedirectResponse(f"/imports/jobs/{job_id}", status_code=303)


# -- retracting a batch ----------------------------------------------------------------

RetractUser = Annotated[Principal, Depends(require_roles(*RETRACT_ROLES))]


def _relying_periods(ws: Workspace, batch_id: int) -> list[dict[str, Any]]:
    """The periods whose latest scores used the batch: they become stale when it goes."""
    from sqlalchemy import select

    from kefu.scoring.models import ScoringRun

    latest: dict[str, ScoringRun] = {}
    with ws.db.session() as s:
        for run in s.scalars(select(ScoringRun).order_by(ScoringRun.id)):
            latest[run.period] = run
    return [
        {"period": p, "published": r.state == "published"}
        for p, r in sorted(latest.items())
        if batch_id in (r.batch_ids or [])
    ]


def _batch(ws: Workspace, batch_id: int) -> BatchPublic:
    from kefu.store.catalog import ImportBatch

    with ws.db.session() as s:
        b = s.get(ImportBatch, batch_id)
        if b is None:
            raise NotFound(f"no import batch {batch_id}")
        return operations.batch_dict(b)


@router.get("/imports/{batch_id}/retract")
def retract_page(request: Request, batch_id: IdPath, ws: Ws, user: RetractUser) -> Response:
    """The confirmation step: which batch, and which periods' scores become stale."""
    ctx = {"batch": _batch(ws, batch_id), "periods": _relying_periods(ws, batch_id)}
    return render_page(request, "pages/import_retract.html", ctx, user=user)


@router.post("/imports/{batch_id}/retract")
def retract(request: Request, batch_id: IdPath, ws: Ws, db: DB, user: RetractUser) -> Response:
    from kefu.ingest.retract import RetractRefused, retract_batch

    batch = _batch(ws, batch_id)
    periods = _relying_periods(ws, batch_id)
    try:
        retract_batch(ws, batch_id, actor=user.actor)
    except (RetractRefused, ImportBusy) as exc:
        status = 409
        error = {"key": exc.key, "params": dict(exc.params)}
        ctx = {"batch": batch, "periods": periods, "error": error}
        return render_page(request, "pages/import_retract.html", ctx, user=user,
                           status_code=status)  # fmt: skip
    notice = {"key": "imports.retract.done", "params": {"batch": batch_id}}
    stale = ", ".join(p["period"] for p in periods)
    return _page(request, ws, db, user, retracted=notice, stale=stale)
