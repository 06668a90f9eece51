"""Importing a file (or a list of records) into the fact store, atomically and versioned.

Usage::

    from kefu.ingest import import_file
    result = import_file(ws, Path("contacts_2026-10.csv"))
    result.accepted, result.rejected, result.new, result.changed
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import duckdb
from sqlalchemy import insert

from kefu import audit
from kefu.errors import KefuError
from kefu.ingest import batches, sources
from kefu.ingest.limits import Limits, check
from kefu.ingest.mapping import Compiler, Profile, latest_first, load_profile, norm_header
from kefu.ingest.outcome import Checked, FileResult, reject_rows
from kefu.ingest.parsing import SQL_TYPES, ident, lit
from kefu.ingest.readers import RawFile, Unreadable, read_raw, scan_raw, unreadable_csv
from kefu.ingest.recognize import table_from_headers, table_from_name
from kefu.ingest.validate import (
    SEP,
    TOO_LONG,
    checked_sql,
    duplicates_sql,
    final_sql,
    judged_sql,
    mapped_sql,
    plan,
    raw_cell,
    unknown_agents_sql,
)
from kefu.store import notices
from kefu.store.appdb import utcnow
from kefu.store.catalog import BatchState, ImportBatch, ImportReject
from kefu.store.tables import TABLES, Kind, Table
from kefu.store.tables import table as lookup_table

if TYPE_CHECKING:
    from kefu.workspace import Workspace

Progress = Callable[[str], None]
QUICK_DIGEST_SECONDS = 0.5
_counter = itertools.count()


class ImportInterrupted(KefuError):
    """The import was stopped (Ctrl-C, SIGTERM, or its DuckDB query interrupted)."""

    exit_code = 130
    key = "pages.imports.interrupted"

    def __init__(self, file_name: str) -> None:
        self.params = {"file": file_name}
        super().__init__(f"{file_name}: the import was interrupted; nothing of it was loaded")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Digest:
    """The SHA-256 identifying an import's content, possibly still being worked out.

    A file's is computed in a background thread (hashlib releases the GIL on large
    updates), so hashing a multi-gigabyte export overlaps with reading it.
    """

    def __init__(self) -> None:
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def known(cls, value: str) -> Digest:
        d = cls()
        d._value = value
        return d

    @classmethod
    def of_file(cls, path: Path, sheet: str | None) -> Digest:
        d = cls()

        def work() -> None:
            try:
                value = sha256_file(path)
                # Another sheet of the same workbook is other content.
                d._value = (
                    hashlib.sha256(f"{value}:{sheet}".encode()).hexdigest() if sheet else value
                )
            except BaseException as exc:  # handed to the caller of value()
                d._error = exc

        d._thread = threading.Thread(target=work, name="kefu-digest", daemon=True)
        d._thread.start()
        return d

    def value(self) -> str:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def ready(self, wait: float) -> bool:
        """Whether the value is known, after waiting up to ``wait`` seconds for it."""
        if self._thread is not None:
            self._thread.join(wait)
            return not self._thread.is_alive()
        return True


class _Session:
    """A private in-memory DuckDB for one import that spills to its own folder when large."""

    def __init__(self, ws: Workspace) -> None:
        self.already: int | None = None  # the batch that already holds this content
        self.dir = ws.home / "tmp" / f"import-{os.getpid()}-{next(_counter)}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(":memory:")
        self.con.execute(f"SET temp_directory = {lit(str(self.dir / 'spill'))}")
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        # IN lists become joins otherwise, and a join gives up the file's row order; and
        # a cell's cleaned text, written inline where needed (validate.text_of), must
        # not be hoisted into a column built for every row.
        self.con.execute("SET disabled_optimizers = 'in_clause,common_subexpressions'")
        self.con.execute(f"SET memory_limit = {lit(ws.settings.duckdb_memory_limit or '2GB')}")
        if ws.settings.duckdb_threads:
            self.con.execute(f"SET threads = {int(ws.settings.duckdb_threads)}")

    def watch(self, ws: Workspace, digest: Digest, table_name: str, source: str) -> None:
        """Stop the import's work as soon as the digest shows the content is imported."""

        def work() -> None:
            try:
                done = batches.find_committed(ws, table_name, source, digest.value())
                if done is not None:
                    self.already = done
                    self.con.interrupt()
            except Exception:  # only a shortcut: the import checks again before it writes
                pass

        threading.Thread(target=work, name="kefu-already", daemon=True).start()

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def import_file(
    ws: Workspace,
    path: Path | str,
    *,
    table: str | None = None,
    source: str | None = None,
    mapping: str | None = None,
    sheet: str | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
    as_new_source: bool = False,
    dry_run: bool = False,
) -> FileResult:
    """Import one export file; raises :class:`KefuError` if the file cannot be read.

    Rows that break a rule are rejected (kept in the reject log); the rest are
    published together as one batch. Re-importing identical content is a no-op.
    The records' source is chosen by :func:`kefu.ingest.sources.resolve`; a file
    whose ids another source holds is refused (:class:`~kefu.ingest.sources.SourceCollision`)
    unless ``as_new_source`` says it comes from a different system.

    With ``dry_run`` the file goes through every check and comparison but nothing
    is written (catalog, facts, rejects, remembered source): the answer is a
    :class:`kefu.ingest.preview.Preview` of what the import would do.
    """
    path = Path(path)
    profile = load_profile(mapping, ws.mappings_dir) if mapping else None
    if profile and table and profile.table != table:
        raise KefuError(f"mapping '{profile.name}' is for table {profile.table}, not {table}")
    name = (lookup_table(table).name if table else None) or (profile.table if profile else None)
    sheet = sheet or (profile.sheet if profile else None)
    # The digest of a big export takes seconds: it is worked out while the file is read.
    digest = Digest.of_file(path, sheet) if path.is_file() else Digest.known("")
    job = _FileImport(ws, path, profile, sheet, digest, source, mapping,
                      actor or audit.cli_actor(), progress or (lambda _msg: None),
                      check_sources=not as_new_source, dry_run=dry_run)  # fmt: skip
    if dry_run:
        # A preview writes nothing, so it neither waits for nor blocks an import.
        return job.run(name)
    with batches.import_lock(ws):
        batches.cleanup_abandoned(ws, job.actor)
        return job.run(name)


@dataclass
class _FileImport:
    """One file's import once its options are settled (see :func:`import_file`)."""

    ws: Workspace
    path: Path
    profile: Profile | None
    sheet: str | None
    digest: Digest
    source: str | None
    mapping: str | None
    actor: str
    say: Progress
    check_sources: bool
    dry_run: bool

    def done(self, result: FileResult, source: str) -> FileResult:
        return result if self.dry_run else _remembered(self.ws, result, source)

    def run(self, name: str | None) -> FileResult:
        ws, path, profile = self.ws, self.path, self.profile
        name = name or table_from_name(path)
        src = sources.resolve(ws, self.source, profile, name) if name else ""
        if name and self.digest.ready(QUICK_DIGEST_SECONDS):
            # Small files are hashed at once: known content costs nothing to skip.
            done = batches.find_committed(ws, name, src, self.digest.value())
            if done is not None:
                return self.done(_already(path.name, name, done), src)
        session = _Session(ws)
        try:
            if name:
                session.watch(ws, self.digest, name, src)
            self.say("reading")
            raw = self.read(session, name)
            if name is None:
                name = table_from_headers(path, raw.headers)
                src = sources.resolve(ws, self.source, profile, name)
                session.watch(ws, self.digest, name, src)
            result = _load(ws, session, TABLES[name], raw, profile, path.name, src, self.digest,
                           self.mapping, self.actor, self.say, check_sources=self.check_sources,
                           dry_run=self.dry_run)  # fmt: skip
            return self.done(result, src)
        except duckdb.InterruptException:
            if session.already is None or name is None:
                raise ImportInterrupted(path.name) from None
            return self.done(_already(path.name, name, session.already), src)
        except RuntimeError as exc:
            # DuckDB stops a query on Ctrl-C (or SIGTERM, where a handler raises) with this.
            if "interrupted" not in str(exc).lower():
                raise
            raise ImportInterrupted(path.name) from None
        finally:
            session.close()

    def read(self, session: _Session, name: str | None) -> RawFile:
        profile = self.profile
        raw = read_raw(
            session.con,
            self.path,
            session.dir,
            encoding=profile.encoding if profile else None,
            delimiter=profile.delimiter if profile else None,
            sheet=self.sheet,
            known=known_headers(name, profile),
            # Collapsing rows orders them by row number inside the projection.
            positional=profile is None or (profile.collapse is None and profile.dedupe is None),
            tz=(profile.timezone if profile and profile.timezone else None) or self.ws.timezone,
            limits=Limits.of(self.ws.settings),
            format=profile.format if profile else None,
            records=profile.records if profile else None,
            member=profile.member if profile else None,
        )
        if profile and profile.dedupe:
            return keep_latest(session.con, raw, profile)
        return raw


def keep_latest(con: duckdb.DuckDBPyConnection, raw: RawFile, profile: Profile) -> RawFile:
    """Leave in ``raw`` one row per ``dedupe.by`` key, its latest delivery.

    ``raw.rows`` still counts every row read, so the rows left out are counted as
    skipped. The rows are copied once: ``raw`` and ``raw_numbered`` may be views of
    each other, and both must now show the kept rows only.
    """
    assert profile.dedupe is not None and raw.header_rows is None
    partition, order = latest_first(Compiler(profile.name, raw.columns), profile.dedupe)
    scan_raw(con, "CREATE TABLE raw_delivered AS SELECT * FROM raw_numbered", raw.rescan)
    con.execute(
        "CREATE OR REPLACE VIEW raw AS SELECT * FROM raw_delivered "
        f"QUALIFY row_number() OVER ({partition} {order}) = 1"
    )
    con.execute("CREATE OR REPLACE VIEW raw_numbered AS SELECT * FROM raw")
    # Copied, the rows need no second scan of the file.
    return dataclasses.replace(raw, rescan=None)


def import_records(
    ws: Workspace,
    table_name: str,
    records: Sequence[Mapping[str, Any]],
    *,
    source: str,
    label: str,
    actor: str,
) -> FileResult:
    """Import canonical records (e.g. a corrected QA evaluation) through the same checks.

    Values are Python objects or text; naive datetimes are UTC (the stored form),
    aware ones are converted. ``label`` is recorded as the ``source_file``.
    """
    import pyarrow as pa

    spec = lookup_table(table_name)
    unknown = sorted({k for r in records for k in r} - set(spec.names))
    if unknown:
        raise KefuError(f"{table_name} has no column(s) {', '.join(unknown)}")
    texts = {c: [_as_text(r.get(c)) for r in records] for c in spec.names}
    digest = hashlib.sha256(
        json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    with batches.import_lock(ws):
        batches.cleanup_abandoned(ws, actor)
        session = _Session(ws)
        try:
            data = {"__row": pa.array(range(2, len(records) + 2), pa.int64())}
            data |= {f"c{i}": pa.array(texts[c], pa.string()) for i, c in enumerate(spec.names)}
            arrow = pa.table(data)  # noqa: F841 - read by DuckDB's replacement scan
            session.con.execute(
                "CREATE TABLE raw AS SELECT *, CAST(NULL AS VARCHAR) AS __shape FROM arrow"
            )
            session.con.execute("CREATE VIEW raw_numbered AS SELECT * FROM raw")
            raw = RawFile(
                headers=list(spec.names),
                columns={c: f"c{i}" for i, c in enumerate(spec.names)},
                rows=len(records),
                excel=False,
            )
            # Kefu's own records (a correction, a plan item) name the source they belong
            # to: there is no choice of source to check, nor one to remember.
            return _load(ws, session, spec, raw, None, label, source, Digest.known(digest),
                         None, actor, lambda _msg: None, check_sources=False)  # fmt: skip
        finally:
            session.close()


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def known_headers(table_name: str | None, profile: Profile | None) -> frozenset[str]:
    """Header spellings that mark a file's header row (see :func:`readers.header_index`)."""
    specs = [TABLES[table_name]] if table_name else list(TABLES.values())
    known = {norm_header(s) for spec in specs for c in spec.columns for s in (c.name, *c.aliases)}
    if profile is not None:
        known |= {norm_header(s) for s in profile.referenced_headers()}
    return frozenset(known)


def _remembered(ws: Workspace, result: FileResult, source: str) -> FileResult:
    """``result``, once its source is kept as the table's source for the next import."""
    sources.remember(ws, result.table, source)
    return result


def _already(file: str, table_name: str, batch_id: int) -> FileResult:
    return FileResult(
        file=file, table=table_name, batch=batch_id, status="already imported",
        message=f"already imported (batch {batch_id})",
    )  # fmt: skip


def _roster_sql(ws: Workspace, spec: Table) -> str | None:
    if not spec.known_agent or "agent_id" not in spec.names:
        return None
    files = [str(p) for p in ws.facts.committed_files("agents")]
    if not files:
        return None
    retracted = ws.facts.retracted_filter("agents")
    return f"SELECT DISTINCT agent_id FROM read_parquet({_list(files)}) WHERE true{retracted}"


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(lit(i) for i in items) + "]"


def _load(
    ws: Workspace,
    session: _Session,
    spec: Table,
    raw: RawFile,
    profile: Profile | None,
    file_name: str,
    source: str,
    digest: Digest,
    mapping: str | None,
    actor: str,
    say: Progress,
    *,
    check_sources: bool,
    dry_run: bool = False,
) -> FileResult:
    c = _check(ws, session, spec, raw, profile, file_name, source, say)
    # The authoritative check: the content may have been imported already.
    done = batches.find_committed(ws, spec.name, source, digest.value())
    if done is not None:
        return _already(file_name, spec.name, done)
    if dry_run:
        from kefu.ingest import preview

        return preview.of_session(ws, session.con, spec, c, file_name, source)
    if check_sources and c.new:
        found = sources.collisions(ws, session.con, spec, source)
        if found:
            # Refused before a batch is reserved: nothing to undo, nothing in the catalog.
            raise sources.SourceCollision(file_name, spec.name, source, found[0])
    return _commit(ws, session.con, spec, c, file_name, source, digest, mapping, actor, say)


def _check(
    ws: Workspace,
    session: _Session,
    spec: Table,
    raw: RawFile,
    profile: Profile | None,
    file_name: str,
    source: str,
    say: Progress,
) -> Checked:
    """Parse and check every row, then compare it with the stored version of its key."""
    con = session.con
    say("validating")
    raw, rows_read = _parse(ws, session, spec, raw, profile, file_name)
    roster = _roster_sql(ws, spec)
    unknown = False
    if roster is not None:
        con.execute(f"CREATE TABLE unknown_agents AS {unknown_agents_sql(roster)}")
        unknown = bool((con.execute("SELECT count(*) FROM unknown_agents").fetchone() or (0,))[0])
    con.execute(f"CREATE VIEW judged AS {judged_sql(unknown_agents=unknown)}")
    # Distinct hashes first; the exact count only runs when they leave a doubt.
    duplicates = all(
        (con.execute(duplicates_sql(spec, exact=exact)).fetchone() or (0,))[0] > 0
        for exact in (False, True)
    )
    # Without duplicate keys no window is needed, and a view reads the table as is.
    kind = "TABLE" if duplicates else "VIEW"
    con.execute(f"CREATE {kind} checked AS {final_sql(spec, duplicates=duplicates)}")
    _compare_versions(ws, con, spec, source)
    counts = con.execute(
        "SELECT count(*), count(*) FILTER (__rejected), count(*) FILTER (__status = 'new'), "
        "count(*) FILTER (__status = 'changed'), count(*) FILTER (__status = 'unchanged') "
        "FROM versioned"
    ).fetchone()
    assert counts is not None
    kept, rejected, new, changed, unchanged = (int(x) for x in counts)
    return Checked(raw, rows_read, kept, rejected, new, changed, unchanged)


def _parse(
    ws: Workspace,
    session: _Session,
    spec: Table,
    raw: RawFile,
    profile: Profile | None,
    file_name: str,
) -> tuple[RawFile, int]:
    """The first pass over the file (see :func:`_first_pass`); the raw file as scanned."""
    con = session.con
    tz = (profile.timezone if profile and profile.timezone else None) or ws.timezone
    formats = profile.formats if profile else {}
    limits = Limits.of(ws.settings)

    def projection(raw: RawFile) -> str:
        p = plan(spec, raw, profile, file_name)
        con.execute(f"CREATE OR REPLACE VIEW mapped AS {mapped_sql(spec, p)}")
        return checked_sql(spec, p, tz, formats, excel=raw.excel, cell_bytes=limits.cell_bytes)

    checked = projection(raw)
    if raw.header_rows is not None and not keeps_order(con, checked):
        # Only a plain scan, projection and filter keep the file's order; anything else
        # (a mapping expression DuckDB answers with a join…) reads numbered rows instead.
        if raw.stream is not None:
            raw.stream.materialise()
        con.execute("CREATE OR REPLACE VIEW raw AS SELECT * FROM raw_numbered")
        (count,) = scan_raw(con, "SELECT count(*) FROM raw", raw.rescan).fetchone() or (0,)
        raw = dataclasses.replace(raw, header_rows=None, rows=int(count), stream=None)
        checked = projection(raw)
    rows_read = _first_pass(con, checked, raw, session.dir / "checked.parquet", file_name)
    check(file_name, "rows", rows_read, limits.rows)
    _check_cells(con, spec, raw, file_name, limits)
    return raw, rows_read


def _commit(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    c: Checked,
    file_name: str,
    source: str,
    digest: Digest,
    mapping: str | None,
    actor: str,
    say: Progress,
) -> FileResult:
    """Reserve a batch, write its records and publish it with its rejects in one go."""
    limits = Limits.of(ws.settings)
    batch_id = batches.reserve(
        ws, table=spec.name, source=source, source_file=file_name, sha256=digest.value(),
        mapping=mapping, actor=actor,
    )  # fmt: skip
    try:
        say("writing")
        files = _write(ws, con, spec, batch_id, source, file_name) if c.new + c.changed else []
        period = _period(con, spec, ws.timezone)
        rejects = reject_rows(con, c.raw, batch_id, file_name, limits.rejects, limits.cell_bytes)
        result = FileResult(
            file=file_name, table=spec.name, batch=batch_id, rows_read=c.rows_read,
            accepted=c.kept - c.rejected, rejected=c.rejected, skipped=c.rows_read - c.kept,
            new=c.new, changed=c.changed, unchanged=c.unchanged,
            message=_reject_summary(rejects, c.rejected), rejects_kept=len(rejects),
        )  # fmt: skip
        say("publishing")
        _publish(ws, batch_id, result, files, period, rejects, actor)
    except BaseException:
        batches.abandon(ws, batch_id, spec.name)
        raise
    return result


ORDERED_OPERATORS = frozenset({"READ_CSV", "PROJECTION", "FILTER"})


def keeps_order(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    """Whether DuckDB's plan for ``sql`` emits rows in the order its scan reads them."""

    def operators(node: dict[str, Any]) -> Iterator[str]:
        yield node["name"]
        for child in node.get("children", []):
            yield from operators(child)

    (_, plan_json) = con.execute(f"EXPLAIN (FORMAT json) {sql}").fetchone() or ("", "[]")
    return all(op in ORDERED_OPERATORS for node in json.loads(plan_json) for op in operators(node))


def _first_pass(
    con: duckdb.DuckDBPyConnection, checked: str, raw: RawFile, target: Path, file_name: str
) -> int:
    """Parse and check every row in one streaming pass into ``target``; the data rows read.

    Leaves the view ``checked_base`` (kept rows, numbered) over the written file. The
    pass keeps the file's order, so a positional scan is numbered by its row in
    ``target``; nothing of the file is held in memory.
    """
    if raw.stream is not None:
        raw.stream.open()
    # Only a positional scan needs its output in file order; once every row carries its
    # number, DuckDB may write in any order (it writes faster so). Nothing reads the
    # stored files in their order: every query that shows records sorts them.
    con.execute(f"SET preserve_insertion_order = {lit(raw.header_rows is not None)}")
    # LZ4: the file is read once, right after, from the same disk; zstd's better
    # ratio cost more CPU than the smaller file saved (30 M GBK rows: 59.5 s -> 56 s).
    copy = f"COPY ({checked}) TO {lit(str(target))} (FORMAT parquet, COMPRESSION lz4_raw)"
    try:
        scan_raw(con, copy, raw.rescan)
    except BaseException as exc:
        if raw.stream is not None:
            raw.stream.close(failed=True)
        if isinstance(exc, duckdb.InvalidInputException):
            # A positional scan meets a malformed CSV only here, not when it is opened.
            raise unreadable_csv(file_name, exc) from None
        raise
    if raw.stream is not None:
        raw.stream.close(failed=False)
    con.execute("SET preserve_insertion_order = false")
    scan = f"read_parquet({lit(str(target))}, file_row_number = true)"
    if raw.header_rows is None:
        assert raw.rows is not None
        con.execute(
            f"CREATE VIEW checked_base AS SELECT * EXCLUDE (__keep, file_row_number) "
            f"FROM {scan} WHERE __keep"
        )
        return raw.rows
    data = f"file_row_number >= {raw.header_rows}"
    con.execute(
        "CREATE VIEW checked_base AS SELECT CAST(file_row_number + 1 AS BIGINT) AS __row, "
        f"* EXCLUDE (__keep, file_row_number) FROM {scan} WHERE {data} AND __keep"
    )
    (rows,) = con.execute(f"SELECT count(*) FROM {scan} WHERE {data}").fetchone() or (0,)
    if rows == 0:
        raise Unreadable(
            f"{file_name}: the file has a header but no data rows "
            f"(headers: {', '.join(raw.headers)})"
        )
    return int(rows)


def _check_cells(
    con: duckdb.DuckDBPyConnection, spec: Table, raw: RawFile, file_name: str, limits: Limits
) -> None:
    """Refuse the file if a cell it would store is over ``limits.cell_bytes``.

    Only text is stored as it came: the text columns of accepted rows (measured in the
    pass, see :func:`checked_sql`) and every cell of a rejected row, measured here;
    both look only at the rows the pass rejected.
    """
    if raw.excel:  # every cell was measured as the sheet was read
        return
    found = con.execute(
        "SELECT __err FROM checked_base WHERE "
        f"starts_with(split_part(__err, chr(31), 2), {lit(TOO_LONG)}) LIMIT 1"
    ).fetchone()
    if found is not None:
        column, rule = found[0].split(SEP, 1)
        size = int(rule.removeprefix(TOO_LONG))
        check(file_name, "cell_bytes", size, limits.cell_bytes, column=column)
    cells = list(raw.columns.items())
    row = con.execute(
        f"SELECT {', '.join(f'max(strlen({ident(raw_cell(c))}))' for _, c in cells)} "
        "FROM checked_base WHERE __err IS NOT NULL"
    ).fetchone()
    for (header, _), longest in zip(cells, row or (), strict=True):
        check(file_name, "cell_bytes", int(longest or 0), limits.cell_bytes, column=header)


def _compare_versions(
    ws: Workspace, con: duckdb.DuckDBPyConnection, spec: Table, source: str
) -> None:
    files = [str(p) for p in ws.facts.committed_files(spec.name)]
    if not files:
        con.execute(
            "CREATE VIEW versioned AS SELECT *, CASE WHEN __rejected THEN NULL ELSE 'new' END "
            "AS __status FROM checked"
        )
        return
    keys = [ident("v_" + k) for k in spec.key]
    stored_keys = ", ".join(ident(k) for k in spec.key)
    # The current version of each key from this source, compared value by value: exact
    # (no hash collisions) and free on a first import, which has nothing to compare with.
    current = (
        f"SELECT {', '.join(ident(c) for c in spec.names)} "
        f"FROM read_parquet({_list(files)}, union_by_name = true) "
        f"WHERE source = {lit(source)}{ws.facts.retracted_filter(spec.name)} "
        f"QUALIFY row_number() OVER (PARTITION BY {stored_keys} ORDER BY batch_id DESC) = 1"
    )
    on = " AND ".join(f"h.{k} = cur.{ident(kk)}" for k, kk in zip(keys, spec.key, strict=True))
    same = " AND ".join(
        f"h.{ident('v_' + c.name)} IS NOT DISTINCT FROM "
        f"CAST(cur.{ident(c.name)} AS {SQL_TYPES[c.kind]})"
        for c in spec.columns
    )
    con.execute(
        f"CREATE TABLE versioned AS SELECT h.*, CASE WHEN h.__rejected THEN NULL "
        f"WHEN cur.{ident(spec.key[0])} IS NULL THEN 'new' "
        f"WHEN {same} THEN 'unchanged' ELSE 'changed' END AS __status "
        f"FROM checked AS h LEFT JOIN ({current}) AS cur "
        f"ON NOT h.__rejected AND {on}"
    )


def _write(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    batch_id: int,
    source: str,
    file_name: str,
) -> list[str]:
    tmp = ws.facts.tmp_file(spec.name, batch_id)
    final = ws.facts.batch_file(spec.name, batch_id)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    cols = ", ".join(
        f"CAST({ident('v_' + c.name)} AS {SQL_TYPES[c.kind]}) AS {ident(c.name)}"
        for c in spec.columns
    )
    derived, joined = _derived_sql(con, spec)
    con.execute(
        f"COPY (SELECT {cols}, {lit(source)} AS source, CAST({batch_id} AS BIGINT) AS batch_id, "
        f"{lit(file_name)} AS source_file, __row AS source_row{derived} "
        f"FROM versioned{joined} WHERE __status IN ('new', 'changed')) "
        f"TO {lit(str(tmp))} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
    )
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    return [str(final.relative_to(ws.facts.root))]


def _derived_sql(con: duckdb.DuckDBPyConnection, spec: Table) -> tuple[str, str]:
    """The derived columns of the records written (a survey comment's sentiment) as SQL.

    Each distinct comment is scored once, in Python, and joined back by its text.
    """
    if spec.name != "surveys":
        return "", ""
    import pyarrow as pa

    from kefu.ingest import sentiment

    texts = con.execute(
        "SELECT DISTINCT CAST(v_comment AS VARCHAR) FROM versioned "
        "WHERE __status IN ('new', 'changed') AND v_comment IS NOT NULL"
    ).fetchall()
    comments = [t for (t,) in texts]
    scored = pa.table(
        {"__s_comment": pa.array(comments, pa.string()),
         "__s_score": pa.array(sentiment.scores(comments), pa.float64())}
    )  # fmt: skip
    con.register("__sentiment", scored)
    return (
        f", __s_score AS sentiment, {lit(sentiment.model_version())} AS sentiment_model",
        " LEFT JOIN __sentiment ON __s_comment = CAST(v_comment AS VARCHAR)",
    )


# Other dates a record counts on besides its period column, so the stale range covers them:
# a ticket's closure counts for operations by closed_at, and a ticket without due_at is
# due its SLA hours after creation (a week covers any SLA setting in use).
# (column, days added)
PERIOD_ALSO: dict[str, tuple[tuple[str, int], ...]] = {
    "tickets": (("created_at", 0), ("closed_at", 0), ("created_at", 7)),
}


def _period(
    con: duckdb.DuckDBPyConnection, spec: Table, tz: str
) -> tuple[date | None, date | None]:
    """Local dates spanned by the new and changed records (scores there become stale)."""
    col = spec.column(spec.period_column)
    exprs = [ident("v_" + col.name)]
    for name, days in PERIOD_ALSO.get(spec.name, ()):
        exprs.append(f"({ident('v_' + name)} + INTERVAL {days} DAY)")
    row = con.execute(
        f"SELECT least({', '.join(f'min({e})' for e in exprs)}), "
        f"greatest({', '.join(f'max({e})' for e in exprs)}) "
        "FROM versioned WHERE __status IN ('new', 'changed')"
    ).fetchone()
    if not row or row[0] is None:
        return None, None
    if col.kind is Kind.DATE:
        return row[0], row[1]
    # Local time is monotonic in the instant, so converting the extremes is enough
    # (a zone lookup per record would cost more than the whole validation).
    zone = ZoneInfo(tz)
    first, last = (v.replace(tzinfo=UTC).astimezone(zone).date() for v in row)
    return first, last


def _reject_summary(rejects: list[dict[str, Any]], rejected: int, shown: int = 3) -> str:
    """The first reasons in one line, for callers that show a single message."""
    if not rejected:
        return ""
    parts = [
        f"row {r['row']}" + (f" {r['column']}" if r["column"] else "") + f": {r['rule']}"
        for r in rejects[:shown]
    ]
    more = f" (and {rejected - shown:,} more)" if rejected > shown else ""
    text = f"{rejected:,} row(s) rejected — " + "; ".join(parts) + more
    if len(rejects) < rejected:
        text += f"; {capped_rejects(rejected, len(rejects))}"
    return text


def capped_rejects(rejected: int, kept: int) -> str:
    """What the CLI says when the reject log holds only the first rejected rows."""
    return (
        f"the reject log keeps the first {kept:,} of the {rejected:,} rejected rows "
        "(setting import_max_rejects)"
    )


def _publish(
    ws: Workspace,
    batch_id: int,
    result: FileResult,
    files: list[str],
    period: tuple[date | None, date | None],
    rejects: list[dict[str, Any]],
    actor: str,
) -> None:
    with ws.db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        if batch is None or batch.state != BatchState.PENDING:
            raise KefuError(f"import batch {batch_id} was cleaned up before it could be published")
        batch.rows_read, batch.accepted, batch.rejected = (
            result.rows_read, result.accepted, result.rejected,
        )  # fmt: skip
        batch.new, batch.changed, batch.unchanged = result.new, result.changed, result.unchanged
        batch.period_start, batch.period_end = period
        batch.files = files
        batch.state = BatchState.COMMITTED
        batch.committed_at = utcnow()
        if rejects:
            s.execute(insert(ImportReject), rejects)
        audit.record(
            s, actor, "import.commit", "import_batch", batch_id,
            after={k: v for k, v in result.as_dict().items() if k != "message"},
        )  # fmt: skip
        if rejects:
            notices.emit(s, notices.EventKind.IMPORT_REJECTS, {"batch_id": batch_id,
                         "table": result.table, "file": result.file, "rows_read": result.rows_read,
                         "accepted": result.accepted, "rejected": result.rejected,
                         "actor": actor}, actor=actor)  # fmt: skip
