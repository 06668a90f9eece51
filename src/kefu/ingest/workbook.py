"""What an ``.xlsx`` sheet would cost to unpack, found before it is unpacked.

The reader (calamine) builds a sheet's whole used range in memory, every empty
cell included: one cell at ``XFD1048576`` in a 2 KB file asks for 17 billion. So
before reading, the sheet's XML is streamed once (not kept): its unpacked size
(from the zip directory, then as actually inflated), its declared ``<dimension>``,
and the extent its rows and cells really reach. A cell or row without an ``r``
attribute follows the previous one, so each counts as one more column or row: the
extent found is never smaller than the one the reader will build.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kefu.ingest.limits import Limits, check

CHUNK = 16 << 20
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")


@dataclass(frozen=True)
class Extent:
    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def span(self) -> str:
        return f"A1:{column_name(self.columns)}{self.rows}"


def column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16384."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_name(number: int) -> str:
    out = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out or "A"


def _attributes(tag: bytes) -> dict[bytes, bytes]:
    # Attribute names without their namespace prefix (r:id → id).
    return {k.split(b":")[-1]: v for k, v in _ATTRIBUTE.findall(tag)}


def sheet_member(book: zipfile.ZipFile, sheet: str | None) -> tuple[str, str] | None:
    """(sheet name, zip member) of ``sheet`` (default: the first); None if not found."""
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    targets = {}
    for tag in _REL.findall(rels):
        attrs = _attributes(tag)
        if b"Id" in attrs and b"Target" in attrs:
            targets[attrs[b"Id"]] = attrs[b"Target"].decode()
    for tag in _SHEET.findall(workbook):
        attrs = _attributes(tag)
        name = attrs.get(b"name", b"").decode("utf-8", "replace")
        if sheet is not None and name != sheet:
            continue
        target = targets.get(attrs.get(b"id", b""))
        if target is None:
            return None
        if target.startswith("/"):
            return name, target.lstrip("/")
        return name, posixpath.normpath(posixpath.join("xl", target))
    return None


class _Tags:
    """Counters of one sheet's rows and cells, for the tag names its XML uses.

    Counting literal bytes is fast; a regular expression runs only where the counts
    show a tag written otherwise than spreadsheet programs write it (``r`` first).
    """

    def __init__(self, prefix: bytes) -> None:
        self.row, self.cell = b"<" + prefix + b"row", b"<" + prefix + b"c"
        row, cell = re.escape(self.row), re.escape(self.cell)
        self.rows_r = re.compile(row + rb' r="(\d+)"')
        self.wide = re.compile(cell + rb' r="[A-Z]{2}')
        self.widest = re.compile(cell + rb' r="[A-Z]{3}')
        self.letters = {n: re.compile(cell + rb' r="([A-Z]{%d})[0-9]' % n) for n in (1, 2, 3)}
        self.rows_any = re.compile(row + rb"[\s>/]")
        self.rows_any_r = re.compile(row + rb'\s[^>]*?\br\s*=\s*"(\d+)"')
        self.cells_any = re.compile(cell + rb"[\s>/]")
        self.cells_any_r = re.compile(cell + rb'\s[^>]*?\br\s*=\s*"([A-Z]+)[0-9]')


@dataclass(frozen=True)
class Scan:
    """What one pass over a sheet's XML found."""

    rows: int  # the last row reached (rows without ``r`` counted on top)
    columns: int  # a bound on the last column a reference names: 26, 702 or 16,384
    exact_columns: int  # the last column of references written otherwise (0: none)
    cells_without_r: int
    declared: Extent | None

    def reached(self, columns: int | None = None) -> Extent:
        widest = max(columns if columns is not None else self.columns, self.exact_columns)
        return Extent(self.rows, widest + self.cells_without_r)


def extent(book: zipfile.ZipFile, member: str, limit_bytes: int) -> Scan:
    """One pass over a sheet's XML: the extent its rows and cells reach, its dimension.

    The last column is only bounded by the references' length (exact on a second pass,
    :func:`widest_column`, where the bound would refuse the file).
    """
    max_row = rows_without_r = cells_without_r = 0
    letters = 1
    exact_col = 0
    declared: Extent | None = None
    tags: _Tags | None = None
    read = 0
    tail = b""
    with book.open(member) as f:
        while chunk := f.read(CHUNK):
            read += len(chunk)
            if read > limit_bytes:
                raise _TooBig(read)
            data = tail + chunk
            cut = data.rfind(b"<")
            body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if tags is None:
                root = _ROOT.search(body)
                tags = _Tags(root.group(1) or b"" if root else b"")
                declared = _declared(body)
            rows_r = tags.rows_r.findall(body)
            if body.count(tags.row) > len(rows_r):  # rowBreaks, or rows written otherwise
                rows_r = tags.rows_any_r.findall(body)
                rows_without_r += len(tags.rows_any.findall(body)) - len(rows_r)
            if rows_r:
                max_row = max(max_row, max(map(int, rows_r)))
            if body.count(tags.cell) > body.count(tags.cell + b' r="'):  # <cols>, <cfRule>…
                cells_r = tags.cells_any_r.findall(body)
                cells_without_r += len(tags.cells_any.findall(body)) - len(cells_r)
                if cells_r:
                    exact_col = max(exact_col, max(map(column_number, set(cells_r))))
            if letters < 3 and tags.wide.search(body):
                letters = 3 if tags.widest.search(body) else max(letters, 2)
    bound = {1: 26, 2: 702, 3: 16_384}[letters]
    return Scan(max_row + rows_without_r, bound, exact_col, cells_without_r, declared)


def widest_column(book: zipfile.ZipFile, member: str) -> int:
    """The last column that a cell reference (``r`` first) names."""
    most = 0
    tail = b""
    tags: _Tags | None = None
    with book.open(member) as f:
        while chunk := f.read(CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")
            body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if tags is None:
                root = _ROOT.search(body)
                tags = _Tags(root.group(1) or b"" if root else b"")
            for n in (3, 2, 1):  # the longest references name the last columns
                found = set(tags.letters[n].findall(body))
                if found:
                    most = max(most, max(map(column_number, found)))
                    break
    return most


def _declared(head: bytes) -> Extent | None:
    found = _DIMENSION.search(head)
    if found and found.group(3):
        return Extent(int(found.group(4)), column_number(found.group(3)))
    if found and found.group(2):
        return Extent(int(found.group(2)), column_number(found.group(1) or b"A"))
    return None


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def check_sheet(path: Path, sheet: str | None, limits: Limits) -> None:
    """Refuse a sheet over the caps before it is unpacked (:class:`LimitExceeded`)."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader says the workbook is unreadable
    with book:
        found = sheet_member(book, sheet)
        if found is None:
            return
        name, member = found
        try:
            info = book.getinfo(member)
        except KeyError:
            return
        shared = [i for i in book.infolist() if i.filename.lower() == "xl/sharedstrings.xml"]
        for item in [info, *shared]:
            check(path.name, "sheet_bytes", item.file_size, limits.sheet_bytes, sheet=name)
        try:
            scan = extent(book, member, limits.sheet_bytes)
        except _TooBig as big:  # the directory understated it
            check(path.name, "sheet_bytes", big.size, limits.sheet_bytes, sheet=name)
            raise
        except (zipfile.BadZipFile, OSError, EOFError):
            return
        reached = scan.reached()
        if reached.columns > limits.columns or reached.cells > limits.sheet_cells:
            # The bound from the references' length is not enough: the real last column.
            reached = scan.reached(widest_column(book, member))
        declared = scan.declared
    for seen in (declared, reached):
        if seen is None:
            continue
        check(path.name, "rows", seen.rows - 1, limits.rows)
        check(path.name, "columns", seen.columns, limits.columns)
        check(path.name, "sheet_cells", seen.cells, limits.sheet_cells, sheet=name,
              span=seen.span)  # fmt: skip
