"""``kefu import``, ``kefu rejects`` and ``kefu compact``: bring exports into the fact store."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kefu.cli import app
from kefu.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    cli_actor,
    console,
    emit,
    err_console,
    open_workspace,
    term_text,
)
from kefu.errors import KefuError, NotFound, UsageError

if TYPE_CHECKING:
    from rich.progress import TaskID

    from kefu.ingest import FileResult
    from kefu.workspace import Workspace

# The pipeline (and with it pyarrow, DuckDB, SQLAlchemy) is imported inside the commands:
# every other command, and `kefu --help`, starts without it.

SUMMARY = ["file", "table", "batch", "status", "rows_read", "accepted", "rejected", "skipped",
           "new", "changed", "unchanged"]  # fmt: skip
# What --dry-run reports besides the summary: the ids another source holds, first rows.
PREVIEW = ["source", "other_source", "other_sources", "sample", "sample_rejects"]


def expand(paths: list[Path]) -> list[Path]:
    """Files to import, folders expanded; rosters (agents) first so the rest can check agents."""
    from kefu.ingest.readers import SUFFIXES
    from kefu.ingest.recognize import table_from_name

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            files += [f for f in found if not f.name.startswith((".", "~$"))]
        elif p.exists():
            files.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    return sorted(files, key=lambda f: (table_from_name(f) != "agents", str(f)))


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (csv, tsv, txt, xlsx, parquet, json, jsonl, zip)."),
    ],
    table: Annotated[
        str | None, typer.Option(help="Canonical table (default: from the file name or headers).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help="System the records come from (default: the mapping profile's source, "
            "else the table's last source, else 'default')."
        ),
    ] = None,
    mapping: Annotated[
        str | None, typer.Option(help="Mapping profile (workspace or built-in).")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Worksheet of an .xlsx (default: the first).")
    ] = None,
    as_new_source: Annotated[
        bool,
        typer.Option(
            "--as-new-source",
            help="Load ids that another source already holds as records of a different system.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Only say what the import would do (new, changed, unchanged, rejected, "
            "under another source); write nothing.",
        ),
    ] = False,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Import exports; bad rows are rejected with a reason, the rest loads (see `kefu rejects`).
    \f
    Long only by its options' declarations: Typer reads them from the signature.
    """
    from kefu.ingest.mapping import load_profile
    from kefu.ingest.pipeline import ImportInterrupted
    from kefu.store.tables import table as lookup_table

    with open_workspace(home) as ws:
        # Usage errors (a table or profile that does not exist) stop before any file is read.
        if table is not None:
            lookup_table(table)
        if mapping is not None:
            load_profile(mapping, ws.mappings_dir)
        files = expand(paths)
        # Every file's profile is settled before any is imported: a question stops the lot.
        mappings: dict[Path, str | None] = (
            dict.fromkeys(files, mapping) if mapping else _recognised(ws, files, table, sheet, fmt)
        )
        with _stopped_by_sigterm():
            try:
                results, failures = _import_all(
                    ws, files, table, source, mappings, sheet, fmt, as_new_source, dry_run
                )
            except (KeyboardInterrupt, ImportInterrupted):
                # The import under way was undone (its batch abandoned); earlier files stay.
                err_console.print(
                    "[bold red]error:[/] interrupted; the file being imported was not loaded",
                    highlight=False, soft_wrap=True,
                )  # fmt: skip
                raise typer.Exit(ImportInterrupted.exit_code) from None
    _report(results, failures, fmt, dry_run)
    if failures:
        raise typer.Exit(1)


def _report(
    results: list[dict[str, Any]], failures: list[str], fmt: OutputFormat, dry_run: bool
) -> None:
    """What the import did, per file: a table for people, rows for scripts; then the errors."""
    from kefu.ingest.pipeline import capped_rejects

    if fmt is OutputFormat.table:
        _summary_table([r for r in results if r["status"] == "imported"])
        for r in results:
            if r["status"] in ("already imported", "preview"):
                console.print(f"{term_text(r['file'])}: {term_text(r['message'])}", highlight=False)
                _preview_rejects(r)
            elif r["status"] == "imported" and r["rejects_kept"] < r["rejected"]:
                console.print(
                    f"{term_text(r['file'])}: {capped_rejects(r['rejected'], r['rejects_kept'])}",
                    highlight=False,
                )
        for message in failures:
            err_console.print(f"[bold red]error:[/] {term_text(message)}", highlight=False)
    else:
        emit(results, fmt, [*SUMMARY, "message", *(PREVIEW if dry_run else [])])


def _recognised(
    ws: Workspace, files: list[Path], table: str | None, sheet: str | None, fmt: OutputFormat
) -> dict[Path, str | None]:
    """The profile each file's headers call for (None: canonical layout, or unreadable)."""
    from kefu.ingest.recognize import recognise_file

    found: dict[Path, str | None] = {}
    questions: list[str] = []
    say = console if fmt is OutputFormat.table else err_console
    for f in files:
        try:
            r = recognise_file(ws, f, table=table, sheet=sheet)
        except KefuError:
            found[f] = None  # the import itself says why the file cannot be read
            continue
        if r.ambiguous:
            names = "; ".join(c.label for c in r.candidates)
            questions.append(
                f"{f.name}: the headers fit several mapping profiles ({names}); "
                "choose one with --mapping"
            )
        found[f] = r.profile.name if r.profile else None
        if r.profile is not None:
            say.print(f"{term_text(f.name)}: recognised as {term_text(r.profile.label)}",
                      highlight=False, soft_wrap=True)  # fmt: skip
    if questions:
        raise UsageError("\n".join(questions))
    return found


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM stops an import as Ctrl-C does: its DuckDB query ends, its batch is undone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _preview_rejects(r: dict[str, object]) -> None:
    """The first rejected rows of a dry run, one line each (all of them: `kefu rejects`)."""
    shown = r.get("sample_rejects")
    for reject in shown if isinstance(shown, list) else []:
        column = f" {reject['column']}" if reject["column"] else ""
        value = f" '{reject['value']}'" if reject["value"] is not None else ""
        console.print(
            f"  row {reject['row']}{term_text(column)}{term_text(value)}: "
            f"{term_text(reject['rule'])}",
            highlight=False,
        )


def _import_all(
    ws: Workspace,
    files: list[Path],
    table: str | None,
    source: str | None,
    mappings: dict[Path, str | None],
    sheet: str | None,
    fmt: OutputFormat,
    as_new: bool = False,
    dry_run: bool = False,
) -> tuple[list[dict[str, Any]], list[str]]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kefu.ingest.batches import ImportBusy
    from kefu.ingest.pipeline import ImportInterrupted
    from kefu.ingest.sources import SourceCollision

    results: list[dict[str, Any]] = []
    failures: list[str] = []
    actor = cli_actor()
    show = fmt is OutputFormat.table and console.is_terminal
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err_console, transient=True, disable=not show) as bar:  # fmt: skip
        for f in files:
            task = bar.add_task(f"{f.name}: starting")
            try:

                def say(msg: str, t: TaskID = task, n: str = f.name) -> None:
                    bar.update(t, description=f"{n}: {msg}")

                mapping = mappings[f]
                r = ws_import(ws, f, table, source, mapping, sheet, actor, say, as_new, dry_run)
                results.append(r.as_dict())
            except (UsageError, ImportInterrupted, ImportBusy):
                # Another import holds the workspace: say so at once for the whole command.
                raise
            except SourceCollision as exc:
                failures.append(exc.message)
                results.append({"file": f.name, "table": exc.table, "status": "refused",
                                "message": exc.message})  # fmt: skip
            except KefuError as exc:
                failures.append(exc.message)
                results.append({"file": f.name, "status": "unreadable", "message": exc.message})
            finally:
                bar.remove_task(task)
    return results, failures


def _summary_table(rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    headings = {"file": "file", "table": "table", "batch": "batch", "rows_read": "read",
                "accepted": "accepted", "rejected": "rejected", "skipped": "skipped",
                "new": "new", "changed": "changed", "unchanged": "unchanged"}  # fmt: skip
    if console.width < 110:
        # A narrow terminal gets one sentence per file rather than a table that wraps.
        for r in rows:
            console.print(
                f"[bold]{term_text(r['file'])}[/] → {r['table']} (batch {r['batch']}): "
                f"{r['rows_read']} read, "
                f"{r['accepted']} accepted, {r['rejected']} rejected, {r['skipped']} skipped; "
                f"{r['new']} new, {r['changed']} changed, {r['unchanged']} unchanged",
                highlight=False,
            )
        return
    from rich.table import Table

    table = Table(title="Import", title_justify="left")
    for key, heading in headings.items():
        table.add_column(heading, justify="left" if key in ("file", "table") else "right")
    for r in rows:
        table.add_row(*(term_text(r.get(k, "")) for k in headings))
    console.print(table)


def ws_import(
    ws: Workspace,
    f: Path,
    table: str | None,
    source: str | None,
    mapping: str | None,
    sheet: str | None,
    actor: str | None,
    progress: Callable[[str], None],
    as_new: bool = False,
    dry_run: bool = False,
) -> FileResult:
    from kefu.ingest import import_file

    return import_file(ws, f, table=table, source=source, mapping=mapping, sheet=sheet,
                       actor=actor, progress=progress, as_new_source=as_new,
                       dry_run=dry_run)  # fmt: skip


@app.command()
def rejects(
    batch: Annotated[
        int | None, typer.Option(help="Only this import batch (default: all).")
    ] = None,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Rejected rows with file, row, column, value and rule; --format csv gives a file to fix."""
    from sqlalchemy import select

    from kefu.store.catalog import ImportBatch, ImportReject

    with open_workspace(home) as ws, ws.db.session() as s:
        if batch is not None and s.get(ImportBatch, batch) is None:
            raise NotFound(f"no import batch {batch}")
        q = select(ImportReject).order_by(ImportReject.batch_id, ImportReject.row)
        if batch is not None:
            q = q.where(ImportReject.batch_id == batch)
        found = list(s.scalars(q))
    if fmt is OutputFormat.csv:
        # Original headers first, so the file can be corrected and imported again.
        headers: list[str] = []
        for r in found:
            headers += [h for h in (r.raw or {}) if h not in headers]
        extra = ["row", "column", "value", "rule"]
        rows = [{**(r.raw or {}), "row": r.row, "column": r.column, "value": r.value,
                 "rule": r.rule} for r in found]  # fmt: skip
        emit(rows, fmt, [h for h in headers if h not in extra] + extra)
        return
    rows = [{"batch": r.batch_id, "file": r.source_file, "row": r.row, "column": r.column,
             "value": r.value, "rule": r.rule} for r in found]  # fmt: skip
    if fmt is OutputFormat.json:
        for row, r in zip(rows, found, strict=True):
            row["raw"] = json.loads(json.dumps(r.raw or {}))
        emit(rows, fmt, ["batch", "file", "row", "column", "value", "rule", "raw"])
        return
    emit(rows, fmt, ["batch", "file", "row", "column", "value", "rule"], title="Rejected rows")


@app.command()
def compact(
    table: Annotated[str | None, typer.Option(help="Only this table (default: all).")] = None,
    home: HomeOption = None,
) -> None:
    """Merge each table's batch files into one (every version and its lineage kept)."""
    from kefu.ingest.compact import compact_store

    with open_workspace(home) as ws:
        done = compact_store(ws, table=table, actor=cli_actor())
    for name, (before, after) in done.items():
        console.print(f"{name}: {before} file(s) → {after}")
    if not done:
        console.print("nothing to compact")


@app.command("rederive-sentiment")
def rederive_sentiment(
    force: Annotated[
        bool, typer.Option("--force", help="Score every survey again, even the current ones.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Score stored survey comments with the current sentiment model (after a model change)."""
    from kefu.ingest.sentiment import model_version, rederive

    with open_workspace(home) as ws:
        done = rederive(ws, force=force)
    console.print(
        f"surveys scored by {model_version()}: {done.files} file(s), {done.rows} survey(s) "
        f"rewritten; {done.skipped} file(s) already current",
        highlight=False,
    )
