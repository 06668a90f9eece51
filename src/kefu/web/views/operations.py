"""What the imports, scorecards, monitor and scoring-control pages do, shared with the API.

Uploads are written to the workspace's uploads folder under a fresh name and
imported with :func:`kefu.ingest.import_file`; scorecard versions are
validated with every issue reported at its key path; making a version active
writes it into the workspace's scorecards folder in place of the file it
supersedes.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kefu.errors import KefuError, NotFound, UsageError
from kefu.periods import Grain, Period
from kefu.scoring.models import ScorecardVersion
from kefu.scoring.registry import (
    record_version,
    workspace_scorecards,
)
from kefu.scoring.scorecard import Scorecard, ScorecardInvalid, load_scorecard
from kefu.store.catalog import ImportBatch, ImportReject
from kefu.store.tables import TABLES
from kefu.users.roles import Principal, Role
from kefu.web.views.models import BatchPublic, RunActionPublic, ScorecardVersionPublic
from kefu.workspace import Workspace

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ALLOWED_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xls",
    ".parquet",
    ".json",
    ".jsonl",
    ".ndjson",
    ".zip",
)


# -- imports ------------------------------------------------------------------------
def batch_dict(b: ImportBatch) -> BatchPublic:
    return BatchPublic(
        id=b.id,
        table=b.table_name,
        source=b.source,
        source_file=b.source_file,
        mapping=b.mapping,
        state=b.state,
        rows_read=b.rows_read,
        accepted=b.accepted,
        rejected=b.rejected,
        new=b.new,
        changed=b.changed,
        unchanged=b.unchanged,
        period_start=b.period_start,
        period_end=b.period_end,
        created_at=b.created_at,
        created_by=b.created_by,
    )


def list_batches(ws: Workspace, limit: int = 200) -> list[BatchPublic]:
    with ws.db.session() as s:
        found = s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
        return [batch_dict(b) for b in found]


def rejects_page(
    ws: Workspace, batch_id: int, page: int = 1, per_page: int = 100
) -> dict[str, Any]:
    if page < 1 or not 1 <= per_page <= 1000:
        raise UsageError("page must be ≥ 1 and per_page between 1 and 1000")
    with ws.db.session() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(f"no import batch {batch_id}")
        total = s.scalar(
            select(func.count()).select_from(ImportReject).where(ImportReject.batch_id == batch_id)
        )
        found = s.scalars(
            select(ImportReject)
            .where(ImportReject.batch_id == batch_id)
            .order_by(ImportReject.row, ImportReject.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        rows = [
            {
                "source_file": r.source_file,
                "row": r.row,
                "column": r.column,
                "value": r.value,
                "rule": r.rule,
                # The row as read (its own headers): the page names the column as the file did.
                "raw": r.raw,
            }
            for r in found
        ]
        return {
            "batch": batch_dict(batch),
            "rejects": rows,
            "page": page,
            "per_page": per_page,
            "total": int(total or 0),
            "pages": max(1, -(-int(total or 0) // per_page)),
        }


def all_rejects(ws: Workspace, batch_id: int) -> list[dict[str, Any]]:
    first = rejects_page(ws, batch_id, 1, 1000)
    rows = list(first["rejects"])
    for page in range(2, first["pages"] + 1):
        rows += rejects_page(ws, batch_id, page, 1000)["rejects"]
    return rows


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", base).strip("._") or "upload"
    return base[:120]


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


class UploadRefused(KefuError):
    """An upload that cannot become an import job (HTTP ``status``); nothing was saved."""

    def __init__(self, status: int, message: str, key: str, **params: Any) -> None:
        super().__init__(message)
        self.status = status
        self.key = key
        self.params = params


def check_upload(files: list[Upload], *, table: str | None = None) -> None:
    """Refuse at once what no import could read: no file, an unknown table, a wrong type."""
    if not files:
        raise UploadRefused(422, "choose at least one file to upload", "imports.no_file")
    if table and table not in TABLES:
        raise UploadRefused(
            422, f"unknown table '{table}'; the tables are: {', '.join(TABLES)}",
            "imports.unknown_table", table=table, tables=", ".join(TABLES),
        )  # fmt: skip
    for f in files:
        name = _safe_name(f.filename)
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            raise UploadRefused(
                415, f"{name}: only CSV, Excel, Parquet, JSON and zip exports can be imported",
                "imports.wrong_type", file=name,
            )  # fmt: skip
        if len(f.content) > MAX_UPLOAD_BYTES:
            raise UploadRefused(
                413, f"{name}: the file is larger than 200 MB", "imports.too_large", file=name
            )


def save_uploads(ws: Workspace, files: list[Upload]) -> list[dict[str, str]]:
    """Keep each upload under its content's SHA-256; the job imports it from there, and a
    file refused because its ids belong to another source can be imported again by digest."""
    saved = []
    for f in files:
        name = _safe_name(f.filename)
        path = _keep_upload(ws, hashlib.sha256(f.content).hexdigest(), name, f.content)
        saved.append({"name": name, "path": str(path.relative_to(ws.home))})
    return saved


def import_saved(
    ws: Workspace,
    actor: str,
    name: str,
    path: Path,
    *,
    table: str | None = None,
    mapping: str | None = None,
    source: str | None = None,
    as_new_source: bool = False,
    progress: Any = None,
) -> dict[str, Any]:
    """Import one saved upload; a file that cannot be read gets its error as summary.

    A file refused because its ids belong to another source is ``refused`` with its
    digest (``upload``), so the page can offer to import it again with a choice.
    """
    from kefu.ingest import import_file
    from kefu.ingest.sources import SourceCollision

    try:
        result = import_file(
            ws, path, table=table or None, source=source or None, mapping=mapping or None,
            actor=actor, progress=progress, as_new_source=as_new_source,
        )  # fmt: skip
    except SourceCollision as exc:
        refused = _failed(name, exc.message, exc.key, dict(exc.params))
        refused.update(status="refused", table=exc.table, upload=path.parent.name, mapping=mapping)
        return refused
    except KefuError as exc:
        return _failed(name, exc.message, exc.key, dict(exc.params))
    return {**result.as_dict(), "file": name, "ok": True}


UPLOAD_DIGEST = re.compile(r"[0-9a-f]{64}")


def _keep_upload(ws: Workspace, digest: str, name: str, content: bytes) -> Path:
    folder = ws.uploads_dir / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.is_file():
        # Written whole under another name first: two uploads of one file share the path.
        tmp = folder / f".{secrets.token_hex(8)}.part"
        tmp.write_bytes(content)
        os.replace(tmp, path)
    return path


def kept_upload(ws: Workspace, digest: str, name: str) -> Upload:
    """An upload kept by :func:`save_uploads`, to import it again with another choice."""
    safe = _safe_name(name)
    path = ws.uploads_dir / digest / safe
    if not UPLOAD_DIGEST.fullmatch(digest) or safe != name or not path.is_file():
        raise NotFound("that upload is no longer kept; choose the file again")
    return Upload(name, path.read_bytes())


def _failed(
    name: str, message: str, key: str | None = None, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    # ``message_key``: the page shows the message in its own language where it can.
    return {
        "file": name, "table": None, "batch": None, "status": "failed", "rows_read": 0,
        "accepted": 0, "rejected": 0, "skipped": 0, "new": 0, "changed": 0, "unchanged": 0,
        "message": message, "message_key": key, "message_params": params or {}, "ok": False,
        "rejects_kept": 0,
    }  # fmt: skip


def mapping_names(ws: Workspace) -> list[str]:
    from importlib import resources

    names = set()
    folder = ws.mappings_dir
    if folder.is_dir():
        names |= {p.stem for p in folder.glob("*.yaml")}
    builtin = resources.files("kefu.ingest").joinpath("profiles")
    names |= {p.name[:-5] for p in builtin.iterdir() if p.name.endswith(".yaml")}
    return sorted(names)


# -- scorecards ---------------------------------------------------------------------
def active_hashes(ws: Workspace) -> set[str]:
    return {c.content_hash for c in workspace_scorecards(ws).all}


def version_dict(v: ScorecardVersion, active: set[str]) -> ScorecardVersionPublic:
    return ScorecardVersionPublic(
        id=v.id,
        name=v.name,
        version=v.version,
        content_hash=v.content_hash,
        saved_at=v.saved_at,
        saved_by=v.saved_by,
        active=v.content_hash in active,
    )


def list_versions(ws: Workspace) -> list[ScorecardVersionPublic]:
    with ws.db.transaction() as s:
        # The scorecards in use are versions too, even before anyone saved them.
        for card in workspace_scorecards(ws).all:
            record_version(s, card, None)
    active = active_hashes(ws)
    with ws.db.session() as s:
        found = s.scalars(select(ScorecardVersion).order_by(ScorecardVersion.id.desc()))
        return [version_dict(v, active) for v in found]


def get_version(ws: Workspace, version_id: int) -> ScorecardVersion:
    with ws.db.session() as s:
        found = s.get(ScorecardVersion, version_id)
    if found is None:
        raise NotFound(f"no scorecard version {version_id}")
    return found


def check_scorecard(text: str) -> tuple[Scorecard | None, list[dict[str, str]]]:
    """The scorecard, or every issue with its key path (nothing saved)."""
    try:
        return load_scorecard(text if "\n" in text else text + "\n"), []
    except ScorecardInvalid as exc:
        return None, [
            {"path": i.path, "message": i.message, "key": i.key, "params": dict(i.params or {})}
            for i in exc.issues
        ]


def add_version(
    ws: Workspace, user: Principal, text: str
) -> tuple[ScorecardVersionPublic | None, list[dict[str, str]]]:
    """Store a new scorecard version (not yet active); issues when it is invalid."""
    user.require(Role.admin, Role.manager)
    card, issues = check_scorecard(text)
    if card is None:
        return None, issues
    with ws.db.transaction() as s:
        v = record_version(s, card, f"web:{user.actor}")
        return version_dict(v, active_hashes(ws)), []


def activate_version(ws: Workspace, user: Principal, version_id: int) -> ScorecardVersionPublic:
    """Make a stored version the one scoring uses, replacing the file it supersedes.

    A version replaces the workspace file of the same scorecard name, or, for
    the default scorecard (no ``applies_to``), the current default file.
    """
    from kefu.scoring.activation import activate_version as activate

    user.require(Role.admin, Role.manager)
    done = activate(ws, version_id, actor=f"web:{user.actor}")
    return version_dict(done.version, active_hashes(ws))


def target_suggestions(ws: Workspace, months: int = 6) -> dict[str, Any]:
    from kefu.scoring.targets import history_values, suggest

    if not 1 <= months <= 36:
        raise UsageError("months must be between 1 and 36")
    card = workspace_scorecards(ws).default
    try:
        values, labels = history_values(ws, card, months)
    except KefuError as exc:
        return {"scorecard": card.name, "months": [], "rows": [], "message": exc.message}
    return {
        "scorecard": card.name,
        "months": labels,
        "rows": suggest(card, values),
        "message": None,
    }


# -- scoring control ----------------------------------------------------------------
def score(ws: Workspace, user: Principal, period: str) -> RunActionPublic:
    from kefu.scoring import score_period

    user.require(Role.admin, Role.manager)
    p = _month_or_cycle(period)
    run = score_period(ws, p, actor=f"web:{user.actor}")
    return RunActionPublic(period=p.label, run_id=run.id, state=run.state, agents=run.agents)


def publish(ws: Workspace, user: Principal, period: str) -> RunActionPublic:
    from kefu.scoring import publish as publish_run

    user.require(Role.admin, Role.manager)
    p = _month_or_cycle(period)
    run = publish_run(ws, p, actor=f"web:{user.actor}")
    return RunActionPublic(period=p.label, run_id=run.id, state=run.state, agents=run.agents)


def _month_or_cycle(label: str) -> Period:
    try:
        p = Period.parse(label)
    except (ValueError, KefuError) as exc:
        raise UsageError(f"'{label}' is not a period (use 2026-10, 2026-Q4 or 2026)") from exc
    if p.grain is Grain.DAY:
        raise UsageError("score a month, quarter or year")
    return p
