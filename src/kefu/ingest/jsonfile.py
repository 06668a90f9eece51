"""Reading JSON exports — JSON Lines, a JSON document, a zip holding either — as text.

The records become the same ``raw`` relation the CSV reader makes (see
:mod:`kefu.ingest.readers`): ``__row``, one VARCHAR column ``c<i>`` per header,
``__shape`` (always NULL). Nested objects become dotted headers
(``{"Agent": {"Id": "a1"}}`` → ``Agent.Id``), a list of scalars comma-joined text,
a list holding objects its compact JSON text. Every value is text, as a CSV cell
is: numbers keep their JSON spelling (``1.50`` stays ``1.50``), ``true``/``false``
are words, ``null`` is empty.

Row numbers: a JSON Lines record is numbered by its line in the file (blank lines
count, as an editor shows them), so a reject names the line to look at; a
record of a JSON document by its position in the list (1 for the first).

The values are parsed in Python, not by DuckDB's ``read_json``: DuckDB parses a
number into a double and writes it back in its own spelling (``1e3`` → ``1000.0``,
``1.50`` → ``1.5``, ``-0`` → ``0``), which would change the text a reject shows
and an id made of digits. Records are streamed in chunks of
:data:`CHUNK_ROWS` to Parquet files in the import's own folder, which DuckDB then
reads as one table (by column name: later records may bring new keys); memory
holds one chunk. A zip member is streamed from the archive, never extracted.
"""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb

from kefu.ingest.encoding import Unreadable
from kefu.ingest.limits import Limits, check
from kefu.ingest.parsing import ident, lit

JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
FORMATS = ("jsonl", "json")
# Suffixes of a zip member that can be read; a .txt member holding one JSON object
# per line is JSON Lines (Qiyu's session.txt), any other a CSV.
MEMBER_SUFFIXES = {".json", ".jsonl", ".ndjson", ".txt", ".csv", ".tsv"}
CHUNK_ROWS = 50_000
_PEEK_BYTES = 1 << 16


@dataclass
class _Columns:
    """Headers in order of first appearance, each with its raw column name and widest cell."""

    names: dict[str, str] = field(default_factory=dict)  # header → c<i>
    widest: dict[str, int] = field(default_factory=dict)  # header → bytes of its longest cell

    def add(self, header: str) -> str:
        if header not in self.names:
            self.names[header] = f"c{len(self.names)}"
            self.widest[header] = 0
        return self.names[header]


def scalar_text(value: Any) -> str | None:
    """A JSON value as the text a CSV cell would hold (numbers arrive as their text)."""
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        items = [scalar_text(v) for v in value]
        return ",".join(i for i in items if i is not None) or None
    text = str(value)
    return text if text != "" else None


def flatten(record: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    """(dotted header, text) for every leaf of ``record``.

    >>> dict(flatten({"Agent": {"Id": "a1", "H": {"L1": "x"}}, "tags": ["p", "q"], "n": 2}))
    {'Agent.Id': 'a1', 'Agent.H.L1': 'x', 'tags': 'p,q', 'n': '2'}
    """
    for key, value in record.items():
        header = f"{prefix}{key}"
        if isinstance(value, dict):
            if value:
                yield from flatten(value, header + ".")
            else:
                yield header, None
        else:
            yield header, scalar_text(value)


def _loads(text: str) -> Any:
    # Numbers as their own text: an id or an amount reads as it was written.
    return json.loads(text, parse_int=str, parse_float=str, parse_constant=str)


def _short(exc: json.JSONDecodeError) -> str:
    return f"{exc.msg} at column {exc.colno}"


def read_json_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tmp_dir: Path,
    *,
    format: str | None = None,
    records: str | None = None,
    member: str | None = None,
    encoding: str | None = None,
    limits: Limits = Limits(),
) -> list[str]:
    """Make the JSON export ``path`` (or its zip ``member``) the ``raw`` relation of ``con``.

    Returns the headers. :class:`Unreadable` says why a file cannot be read, naming
    the line of a broken JSON Lines record.
    """
    label = path.name if member is None else f"{path.name}:{member}"
    suffix = Path(member or "").suffix.lower() if member else path.suffix.lower()
    with _opened(path, member) as binary:
        kind = format or _shape(binary.read(_PEEK_BYTES), suffix)
    with _opened(path, member) as binary:
        text = io.TextIOWrapper(binary, encoding=encoding or "utf-8-sig", newline="")
        rows = _json_lines(text, label) if kind == "jsonl" else _document(text, label, records)
        columns = _write_chunks(rows, tmp_dir, label, limits)
    _define(con, tmp_dir, columns)
    return list(columns.names)


@contextmanager
def _opened(path: Path, member: str | None) -> Iterator[IO[bytes]]:
    if member is None:
        with path.open("rb") as f:
            yield f
        return
    with zipfile.ZipFile(path) as archive, archive.open(member) as m:
        yield m


def _shape(head: bytes, suffix: str) -> str:
    """``jsonl`` or ``json`` for a file whose profile does not say: by suffix, then content.

    A ``.json`` (or a zip's ``.txt``) whose first line is a whole JSON object followed by
    more content is JSON Lines; anything else is one JSON document.
    """
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    first, _, rest = head.removeprefix(codecs.BOM_UTF8).partition(b"\n")
    try:
        one = json.loads(first.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return "json"
    return "jsonl" if isinstance(one, dict) and rest.strip() else "json"


def _json_lines(text: IO[str], label: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            record = _loads(line)
        except json.JSONDecodeError as exc:
            raise Unreadable(f"{label}: line {number}: not valid JSON ({_short(exc)})") from None
        except UnicodeDecodeError:
            raise Unreadable(f"{label}: line {number}: not UTF-8 text") from None
        if not isinstance(record, dict):
            raise Unreadable(f"{label}: line {number}: not a JSON object (one record per line)")
        yield number, record


def _document(
    text: IO[str], label: str, records: str | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        doc = _loads(text.read())
    except json.JSONDecodeError as exc:
        raise Unreadable(
            f"{label}: line {exc.lineno}: not valid JSON ({_short(exc)}); a file of one "
            "record per line is read as JSON Lines (format: jsonl)"
        ) from None
    except UnicodeDecodeError:
        raise Unreadable(f"{label}: not UTF-8 text (JSON is UTF-8)") from None
    items = records_at(doc, records, label)
    for i, record in enumerate(items, start=1):
        if not isinstance(record, dict):
            raise Unreadable(f"{label}: record {i} is not a JSON object")
        yield i, record


def records_at(doc: Any, records: str | None, label: str) -> list[Any]:
    """The list of records in a JSON document: at the dotted path ``records``, else the
    document itself if a list, else the top-level object's only list of objects."""
    if records:
        node = doc
        for i, key in enumerate(records.split(".")):
            if not isinstance(node, dict) or key not in node:
                where = ".".join(records.split(".")[:i]) or "the top level"
                raise Unreadable(f"{label}: no key '{key}' under {where} (records: {records})")
            node = node[key]
        if not isinstance(node, list):
            raise Unreadable(f"{label}: '{records}' is not a list of records")
        return node
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        lists = [
            k for k, v in doc.items() if isinstance(v, list) and all(isinstance(x, dict) for x in v)
        ]
        if len(lists) == 1:
            return list(doc[lists[0]])
        if not lists:
            return [doc]  # one record on its own
        raise Unreadable(
            f"{label}: the records could be under any of {', '.join(lists)}; "
            "name the list in the profile (records: Key.Path)"
        )
    raise Unreadable(f"{label}: not a JSON array or object of records")


def _write_chunks(
    rows: Iterator[tuple[int, dict[str, Any]]], tmp_dir: Path, label: str, limits: Limits
) -> _Columns:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = _Columns()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    for old in tmp_dir.glob("json-*.parquet"):  # a file read before in this folder
        old.unlink()
    chunk: list[tuple[int, dict[str, str | None]]] = []
    written = count = 0

    def flush() -> None:
        nonlocal written
        if not chunk:
            return
        data = {"__row": pa.array([n for n, _ in chunk], pa.int64())}
        for header, name in columns.names.items():
            cells = [r.get(header) for _, r in chunk]
            if any(c is not None for c in cells):
                data[name] = pa.array(cells, pa.string())
        pq.write_table(pa.table(data), tmp_dir / f"json-{written:05d}.parquet")
        written += 1
        chunk.clear()

    for number, record in rows:
        count += 1
        check(label, "rows", count, limits.rows)
        cells = dict(flatten(record))
        for header, value in cells.items():
            columns.add(header)
            if value is not None and len(value) * 4 > limits.cell_bytes:
                size = len(value.encode("utf-8"))
                check(label, "cell_bytes", size, limits.cell_bytes, column=header)
        check(label, "columns", len(columns.names), limits.columns)
        chunk.append((number, cells))
        if len(chunk) >= CHUNK_ROWS:
            flush()
    flush()
    if count == 0:
        raise Unreadable(f"{label}: the file holds no records")
    return columns


def _define(con: duckdb.DuckDBPyConnection, tmp_dir: Path, columns: _Columns) -> None:
    files = lit(str(tmp_dir / "json-*.parquet"))
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({files}, union_by_name = true)")
    present = {str(r[0]) for r in described.fetchall()}
    # A key no record of a chunk has is missing from that chunk's file; a key only
    # null throughout is in no file at all.
    cols = ", ".join(
        f"{ident(name) if name in present else 'CAST(NULL AS VARCHAR)'} AS {ident(name)}"
        for name in columns.names.values()
    )
    con.execute(
        f"CREATE OR REPLACE VIEW raw AS SELECT __row, {cols}, CAST(NULL AS VARCHAR) AS __shape "
        f"FROM read_parquet({files}, union_by_name = true)"
    )
    con.execute("CREATE OR REPLACE VIEW raw_numbered AS SELECT * FROM raw")


def zip_members(path: Path) -> list[str]:
    """The members of a zip export that a reader can read (folders and others left out)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable(f"{path.name}: not a readable zip archive ({exc})") from None
    return [n for n in names if Path(n).suffix.lower() in MEMBER_SUFFIXES]


def zip_member(path: Path, member: str | None) -> str:
    """The member to read: the one named (``member:``), else the only readable one."""
    readable = zip_members(path)
    if member is not None:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        if member not in names:
            raise Unreadable(
                f"{path.name}: no member '{member}' in the archive; it holds: {', '.join(names)}"
            )
        return member
    if len(readable) == 1:
        return readable[0]
    if not readable:
        raise Unreadable(f"{path.name}: the archive holds no .json, .jsonl, .txt or .csv file")
    raise Unreadable(
        f"{path.name}: the archive holds {', '.join(readable)}; name the one to read "
        "in the profile (member: NAME)"
    )


def member_is_json(path: Path, member: str, format: str | None) -> bool:
    """Whether the zip member is JSON: by ``format``, its suffix, or a ``.txt`` whose
    first non-blank character opens an object or a list."""
    if format in FORMATS:
        return True
    suffix = Path(member).suffix.lower()
    if suffix in JSON_SUFFIXES:
        return True
    if suffix != ".txt":
        return False
    with zipfile.ZipFile(path) as archive, archive.open(member) as f:
        head = f.read(_PEEK_BYTES).removeprefix(codecs.BOM_UTF8).lstrip()
    return head[:1] in (b"{", b"[")


def extract_member(path: Path, member: str, tmp_dir: Path) -> Path:
    """A CSV member copied out to the import's own folder (removed with it), for DuckDB."""
    import shutil

    tmp_dir.mkdir(parents=True, exist_ok=True)
    target = tmp_dir / f"member-{Path(member).name}"
    with zipfile.ZipFile(path) as archive, archive.open(member) as src, target.open("wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    return target


def text_is_json_lines(path: Path) -> bool:
    """Whether a ``.txt`` file holds JSON Lines (its first line one JSON object)."""
    with path.open("rb") as f:
        first = f.readline(_PEEK_BYTES).removeprefix(codecs.BOM_UTF8).strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first.decode("utf-8")), dict)
    except (ValueError, UnicodeDecodeError):
        return False
