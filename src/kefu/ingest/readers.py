"""Reading an export into DuckDB as text: CSV/TSV, Excel ``.xlsx`` and Parquet.

Every reader creates the relation ``raw`` on the given DuckDB connection with
``__row`` (the row number a spreadsheet shows: header = 1), one VARCHAR column
``c<i>`` per header, and ``__shape`` (why a CSV row's field count is wrong, or
NULL). Encodings are detected on a sample, never assumed, and non-UTF-8 text is
converted as it is read (:mod:`kefu.ingest.encoding`).

A CSV file is never copied into memory: ``raw`` is a view that scans it. Numbering
rows in a scan makes DuckDB read on one core, so a CSV read ``positional`` gives a
``raw`` without ``__row`` that scans in parallel; its rows come out in file order,
and the caller numbers them by position once they are written (a Parquet file's
row number; see :attr:`RawFile.header_rows`). ``raw_numbered`` always has ``__row``.

CSV is read as RFC 4180 has it: a quoted field may hold delimiters, doubled quotes and
line breaks, and a row's number counts records, not lines. DuckDB's parallel scan
cannot pad short rows of a file whose quoted fields hold line breaks; such a file is
read again on one core (:attr:`RawFile.rescan`). Converted text is cut into pieces
only between records: a line feed is one when an even number of quotes precede it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import duckdb

from kefu.ingest import encoding as encodings
from kefu.ingest import jsonfile
from kefu.ingest.encoding import (
    ICONV_NAMES,
    SAMPLE_BYTES,
    Stream,
    Unreadable,
    detect_encoding,
    last_record_end,
    plain_name,
    sample_utf8,
    transcode,
)
from kefu.ingest.limits import Limits, check
from kefu.ingest.parsing import fixed_offset_since, ident, lit

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
SUFFIXES = CSV_SUFFIXES | jsonfile.JSON_SUFFIXES | {".xlsx", ".parquet", ".zip"}
SPARE_COLUMNS = 4
HEADER_SEARCH_ROWS = 20
# A null string no export contains, so that DuckDB's padding of short rows (NULL)
# can be told apart from empty cells ('').
_NEVER = "\x01kefu-null\x01"


@dataclass(frozen=True)
class RawFile:
    headers: list[str]
    columns: dict[str, str]  # original header → SQL identifier in ``raw``
    rows: int | None  # data rows; None when only known after a positional scan
    excel: bool  # numbers in date/time columns are Excel serials
    encoding: str | None = None
    # Positional ``raw`` (no ``__row``): how many of its first rows are title and header
    # lines; row i (0-based) of the scan is spreadsheet row i + 1. None: ``raw`` has __row.
    header_rows: int | None = None
    # Converted while read (positional only): ``raw`` reads a sample until it is opened.
    stream: Stream | None = None
    # Redefines ``raw`` and ``raw_numbered`` to scan on one core (see the module notes);
    # False if they already do. None: not a CSV read by DuckDB.
    rescan: Callable[[], bool] | None = None


class DuplicateHeader(Unreadable):
    """Two columns with the same header: which one is meant cannot be known."""

    key = "pages.imports.duplicate_header"

    def __init__(self, file_name: str, header: str, first: int, second: int) -> None:
        self.params = {"file": file_name, "header": header, "first": first, "second": second}
        super().__init__(
            f"{file_name}: the column header '{header}' appears twice, in columns {first} "
            f"and {second}; rename one of them"
        )


def quoted_newlines(exc: BaseException) -> bool:
    """Whether DuckDB's parallel CSV scan gave up on line breaks inside quoted fields."""
    return isinstance(exc, duckdb.Error) and "quoted new lines" in str(exc)


def scan_raw(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    rescan: Callable[[], bool] | None,
    params: list[Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Run ``sql`` over ``raw``; where the parallel scan gives up on quoted line breaks,
    once more after ``rescan`` (see :attr:`RawFile.rescan`)."""
    try:
        return con.execute(sql, params)
    except duckdb.Error as exc:
        if not (quoted_newlines(exc) and rescan is not None and rescan()):
            raise
        return con.execute(sql, params)


def sniff(path: Path, delimiter: str | None) -> tuple[str, int]:
    """(delimiter, most fields on a line) from the first lines of a UTF-8 text file."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        text = f.read(SAMPLE_BYTES)
        if f.read(1):  # more follows: drop the last, possibly cut, record
            text = text[: last_record_end(text)] or text
    candidates = [delimiter] if delimiter else [",", "\t", ";", "|"]
    # Per delimiter: (lines splitting into the usual number (>1) of fields, that number,
    # preference by list order, the most fields on any line).
    scores: list[tuple[int, int, int, int]] = []
    for i, d in enumerate(candidates):
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=d) if r]
        except csv.Error:  # e.g. a field past the csv module's size limit
            continue
        counts = Counter(len(r) for r in rows) or Counter({1: 0})
        usual, lines = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        scores.append((lines if usual > 1 else 0, usual, -i, max(counts)))
    if not scores:
        raise Unreadable(f"{path.name}: not a readable CSV/TSV file")
    best = max(scores)
    return candidates[-best[2]], best[3]


def read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tmp_dir: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    known: frozenset[str] = frozenset(),
    positional: bool = False,
    limits: Limits = Limits(),
) -> RawFile:
    enc = encoding or detect_encoding(path)
    sources = [path]
    stream_as = None
    if enc.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig", "ascii"):
        stream_as = ICONV_NAMES.get(plain_name(enc)) if positional else None
        if stream_as and path.stat().st_size > encodings.STREAM_BYTES and shutil.which("iconv"):
            sources = [sample_utf8(path, enc, tmp_dir / f"sample-{path.stem}.csv")]
        else:
            stream_as = None
            sources = transcode(path, enc, tmp_dir)
    if delimiter is None and path.suffix.lower() == ".tsv":
        delimiter = "\t"
    delim, width = sniff(sources[0], delimiter)
    # Before DuckDB is given a column per field: 10,000 of them cost minutes.
    check(path.name, "columns", width, limits.columns)
    # Converted pieces are read one core each already; a file DuckDB splits itself is
    # read on one core only if its quoted fields hold line breaks (see rescan below).
    serial = [sources != [path]]
    # The dialect is fixed here rather than left to DuckDB's sniffer, which gives up on
    # files whose title lines have fewer fields than the table below them. Spare
    # columns catch rows with more fields than the header.
    columns = ", ".join(f"'column{i}': 'VARCHAR'" for i in range(width + SPARE_COLUMNS))
    opts = [
        "header = false",
        "auto_detect = false",
        f"columns = {{{columns}}}",
        f"delim = {lit(delim)}",
        "quote = '\"'",
        "escape = '\"'",
        "null_padding = true",
        "strict_mode = false",
        f"nullstr = {lit(_NEVER)}",
    ]

    def source_sql(files: list[Path], converted: bool = False) -> str:
        # Several pieces are read as one file, in order.
        listed = "[" + ", ".join(lit(str(p)) for p in files) + "]"
        one_core = ", parallel = false" if serial[0] or converted else ""
        return f"read_csv({listed}, {', '.join(opts)}{one_core})"

    names = [f"column{i}" for i in range(width + SPARE_COLUMNS)]
    top_sql = f"SELECT * FROM {{}} LIMIT {HEADER_SEARCH_ROWS}"
    try:
        try:
            top = con.execute(top_sql.format(source_sql(sources))).fetchall()
        except duckdb.Error as exc:
            if not quoted_newlines(exc) or serial[0]:
                raise
            serial[0] = True
            top = con.execute(top_sql.format(source_sql(sources))).fetchall()
    except duckdb.Error as exc:
        raise unreadable_csv(path.name, exc) from None
    if not top:
        raise Unreadable(f"{path.name}: the file is empty")
    at = header_index([list(r) for r in top], known)
    header_row = top[at]
    # Trailing columns with no header exist only because some row has extra fields.
    width = max((i + 1 for i, h in enumerate(header_row) if h not in (None, "")), default=0)
    if width == 0:
        raise Unreadable(f"{path.name}: the first line has no column headers")
    named = [str(h or f"column{i + 1}") for i, h in enumerate(header_row[:width])]
    headers = distinct(path.name, named)
    extra = names[width:]
    shape_parts = []
    if width > 1:
        # Padding fills every field after the last one present, so checking the last suffices.
        last = ident(names[width - 1])
        shape_parts.append(
            f"WHEN {last} IS NULL THEN 'row has fewer fields than the header ({width})'"
        )
    if extra:
        any_extra = " OR ".join(f"{ident(n)} IS NOT NULL AND {ident(n)} <> ''" for n in extra)
        shape_parts.append(f"WHEN {any_extra} THEN 'row has more fields than the header ({width})'")
    shape = f"(CASE {' '.join(shape_parts)} END)" if shape_parts else "NULL"
    cols = ", ".join(f"{ident(names[i])} AS c{i}" for i in range(width))

    defined: list[tuple[list[Path], bool]] = []

    def define(files: list[Path], positional: bool) -> None:
        defined[:] = [(files, positional)]
        piped = bool(stream_as) and positional
        # ordinality counts records from 1, as a spreadsheet numbers rows.
        if not piped:  # a pipe can be read only once: by raw
            con.execute(
                "CREATE OR REPLACE VIEW raw_numbered AS SELECT CAST(ordinality AS BIGINT) "
                f"AS __row, {cols}, CAST({shape} AS VARCHAR) AS __shape "
                f"FROM {source_sql(files, files != [path])} WITH ORDINALITY "
                f"WHERE ordinality > {at + 1}"
            )
        if positional:
            con.execute(
                f"CREATE OR REPLACE VIEW raw AS SELECT {cols}, CAST({shape} AS VARCHAR) "
                f"AS __shape FROM {source_sql(files, files != [path])}"
            )
        else:
            con.execute("CREATE OR REPLACE VIEW raw AS SELECT * FROM raw_numbered")

    def rescan() -> bool:
        if serial[0]:
            return False
        serial[0] = True
        define(*defined[0])
        return True

    define(sources, positional)
    if positional:
        stream = Stream(path, stream_as, enc, tmp_dir, define) if stream_as else None
        return RawFile(
            headers=headers,
            columns={h: f"c{i}" for i, h in enumerate(headers)},
            rows=None,
            excel=False,
            encoding=enc,
            header_rows=at + 1,
            stream=stream,
            rescan=rescan,
        )
    return _finish(con, path, headers, excel=False, encoding=enc, rescan=rescan, limits=limits)


def unreadable_csv(file_name: str, exc: duckdb.Error) -> Unreadable:
    first = str(exc).splitlines()[0]
    return Unreadable(f"{file_name}: not a readable CSV/TSV file ({first})")


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return repr(value.total_seconds())
    return str(value)


def read_xlsx(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    sheet: str | None = None,
    known: frozenset[str] = frozenset(),
    limits: Limits = Limits(),
) -> RawFile:
    import pyarrow as pa
    import pyarrow.compute as pc
    from python_calamine import CalamineWorkbook

    from kefu.ingest.workbook import check_sheet

    # Before the reader unpacks the sheet, with every empty cell of its used range.
    check_sheet(path, sheet, limits)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise Unreadable(f"{path.name}: not a readable Excel workbook ({exc})") from None
    if sheet is not None and sheet not in book.sheet_names:
        raise Unreadable(
            f"{path.name}: no sheet '{sheet}'; the sheets are: {', '.join(book.sheet_names)}"
        )
    ws = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
    # The reader's cells are scalars or None (its stubs leave None out).
    rows: list[list[Any]] = ws.to_python(skip_empty_area=True)
    if not rows or not any(c not in (None, "") for c in rows[0]):
        raise Unreadable(f"{path.name}: sheet '{ws.name}' is empty")
    at = header_index(rows[:HEADER_SEARCH_ROWS], known)
    first_row = (ws.start or (0, 0))[0] + 1 + at  # 1-based row of the header
    header = rows[at]
    width = max(i + 1 for i, h in enumerate(header) if h not in (None, ""))
    check(path.name, "columns", width, limits.columns)
    headers = distinct(
        path.name, [_cell_text(h) or f"column{i + 1}" for i, h in enumerate(header[:width])]
    )
    # Blank rows are nothing in a sheet: skipped, not rejected (their numbers stay unused).
    # Counted in C: one stray cell on the last row makes a million blank rows.
    numbers, body = [], []
    for i, r in enumerate(rows[at + 1 :], start=first_row + 1):
        if r.count("") + r.count(None) < len(r):
            numbers.append(i)
            body.append(r)
    del rows
    check(path.name, "rows", len(body), limits.rows)
    data = {"__row": pa.array(numbers, pa.int64())}
    for i in range(width):
        cells = pa.array([_cell_text(r[i]) if i < len(r) else None for r in body], pa.string())
        longest = pc.max(pc.binary_length(cells)).as_py() or 0
        check(path.name, "cell_bytes", longest, limits.cell_bytes, column=headers[i])
        data[f"c{i}"] = cells
    arrow = pa.table(data)  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(
        "CREATE OR REPLACE TABLE raw AS SELECT *, CAST(NULL AS VARCHAR) AS __shape FROM arrow"
    )
    con.execute("CREATE OR REPLACE VIEW raw_numbered AS SELECT * FROM raw")
    return _finish(con, path, headers, excel=True, limits=limits)


def read_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, tz: str, limits: Limits = Limits()
) -> RawFile:
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise Unreadable(f"{path.name}: not a readable Parquet file ({exc})") from None
    names = distinct(path.name, [r[0] for r in described])
    check(path.name, "columns", len(names), limits.columns)
    cols = ", ".join(
        f"{_parquet_text(ident(n), str(kind), tz)} AS c{i}"
        for i, (n, kind, *_) in enumerate(described)
    )
    # A view: the file is scanned (in parallel, with its own row numbers) when used.
    con.execute(
        "CREATE OR REPLACE VIEW raw AS SELECT CAST(file_row_number + 2 AS BIGINT) AS __row, "
        f"{cols}, CAST(NULL AS VARCHAR) AS __shape "
        f"FROM read_parquet({lit(str(path))}, file_row_number = true)"
    )
    con.execute("CREATE OR REPLACE VIEW raw_numbered AS SELECT * FROM raw")
    return _finish(con, path, names, excel=False, limits=limits)


def _parquet_text(col: str, kind: str, tz: str) -> str:
    """A Parquet value as the text an export would show.

    An instant (TIMESTAMP WITH TIME ZONE) is written as wall-clock time in ``tz``,
    which the timestamp rules read back as exactly that instant. Where the zone's
    offset is fixed, that is arithmetic; rendering through the time-zone library
    instead costs more than all the rest of an import.
    """
    if kind != "TIMESTAMP WITH TIME ZONE":
        return f"CAST({col} AS VARCHAR)"
    with_offset = f"CAST({col} AS VARCHAR)"
    fixed = fixed_offset_since(tz)
    if fixed is None:
        return with_offset
    since, seconds = fixed
    since_us = int((since.replace(tzinfo=UTC) - timedelta(seconds=seconds)).timestamp() * 1e6)
    local = f"CAST(make_timestamp(epoch_us({col}) + {seconds * 1_000_000}) AS VARCHAR)"
    return f"(CASE WHEN epoch_us({col}) >= {since_us} THEN {local} ELSE {with_offset} END)"


def read_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tmp_dir: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    known: frozenset[str] = frozenset(),
    positional: bool = False,
    tz: str = "UTC",
    limits: Limits = Limits(),
    format: str | None = None,
    records: str | None = None,
    member: str | None = None,
) -> RawFile:
    """Make ``path`` the ``raw`` relation of ``con``; :class:`Unreadable` if it cannot.

    ``known`` holds header spellings (normalised) that mark the header row when a
    file has title lines above it. ``positional`` lets a CSV be scanned in parallel
    without row numbers (see the module notes). ``tz`` is the zone naive times are
    read in (instants in a Parquet file are written out in it). A file over one of
    ``limits`` raises :class:`~kefu.ingest.limits.LimitExceeded` (nothing is loaded).
    ``format`` (``jsonl`` / ``json``), ``records`` and ``member`` are a profile's choices
    for JSON and zip exports (:mod:`kefu.ingest.jsonfile`).
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise Unreadable(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise Unreadable(f"{path.name}: the file is empty")
    if suffix == ".zip":
        inner = jsonfile.zip_member(path, member)
        if jsonfile.member_is_json(path, inner, format):
            return read_json(con, path, tmp_dir, format, records, inner, encoding, limits)
        path = jsonfile.extract_member(path, inner, tmp_dir)
        suffix = path.suffix.lower()
    if (
        format in jsonfile.FORMATS
        or suffix in jsonfile.JSON_SUFFIXES
        or (suffix == ".txt" and jsonfile.text_is_json_lines(path))
    ):
        return read_json(con, path, tmp_dir, format, records, None, encoding, limits)
    if suffix in CSV_SUFFIXES:
        return read_csv(
            con, path, tmp_dir, encoding=encoding, delimiter=delimiter, known=known,
            positional=positional, limits=limits,
        )  # fmt: skip
    if suffix == ".xlsx":
        return read_xlsx(con, path, sheet=sheet, known=known, limits=limits)
    if suffix == ".parquet":
        return read_parquet(con, path, tz, limits)
    raise Unreadable(
        f"{path.name}: unsupported file type '{suffix or '(none)'}'; "
        "import .csv, .tsv, .txt, .xlsx, .parquet, .json, .jsonl or .zip"
    )


def read_json(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tmp_dir: Path,
    format: str | None,
    records: str | None,
    member: str | None,
    encoding: str | None,
    limits: Limits,
) -> RawFile:
    """A JSON export (or a zip's JSON member) as ``raw``; see :mod:`kefu.ingest.jsonfile`."""
    if format is not None and format not in jsonfile.FORMATS:
        raise Unreadable(f"{path.name}: unknown format '{format}' (jsonl or json)")
    headers = jsonfile.read_json_file(
        con, path, tmp_dir / "json", format=format, records=records, member=member,
        encoding=encoding, limits=limits,
    )  # fmt: skip
    return _finish(con, path, headers, excel=False, encoding="utf-8", limits=limits)


def header_index(rows: Sequence[Sequence[object]], known: frozenset[str]) -> int:
    """Index of the header among the first rows: the one naming most known columns.

    Exports often start with a title line (报表名称, 导出时间…). Without any known
    header in sight the first row is the header.
    """
    from kefu.ingest.mapping import norm_header

    best, best_score = 0, 0
    for i, row in enumerate(rows):
        score = sum(1 for cell in row if cell not in (None, "") and norm_header(str(cell)) in known)
        if score > best_score:
            best, best_score = i, score
    return best


def _finish(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    headers: list[str],
    *,
    excel: bool,
    encoding: str | None = None,
    rescan: Callable[[], bool] | None = None,
    limits: Limits = Limits(),
) -> RawFile:
    try:
        (rows,) = scan_raw(con, "SELECT count(*) FROM raw", rescan).fetchone() or (0,)
    except duckdb.Error as exc:  # a CSV scanned (not copied) meets a broken row only now
        raise Unreadable(f"{path.name}: not readable ({str(exc).splitlines()[0]})") from None
    check(path.name, "rows", int(rows), limits.rows)
    if rows == 0:
        raise Unreadable(
            f"{path.name}: the file has a header but no data rows (headers: {', '.join(headers)})"
        )
    return RawFile(
        headers=headers,
        columns={h: f"c{i}" for i, h in enumerate(headers)},
        rows=int(rows),
        excel=excel,
        encoding=encoding,
        rescan=rescan,
    )


def distinct(file_name: str, headers: list[str]) -> list[str]:
    """The headers, stripped; :class:`DuplicateHeader` names the first two alike."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers, start=1):
        h = h.strip()
        if h in seen:
            raise DuplicateHeader(file_name, h, seen[h], i)
        seen[h] = i
        out.append(h)
    return out
