"""What an import produced: the outcome of a file, its checked relation, its reject rows.

Shared by the import itself (pipeline) and its dry run (preview), which both
report in these terms.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kefu.ingest.limits import check
from kefu.ingest.parsing import ident
from kefu.ingest.readers import RawFile, scan_raw
from kefu.ingest.validate import raw_cell

if TYPE_CHECKING:
    import duckdb


@dataclass
class FileResult:
    """What one import did; ``status`` is ``imported`` or ``already imported``."""

    file: str
    table: str
    batch: int | None
    status: str = "imported"
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    message: str = ""
    # Rejected rows kept one by one in the reject log (at most import_max_rejects).
    rejects_kept: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Checked:
    """A file parsed and checked in its session: the relation ``versioned`` and its counts."""

    raw: RawFile
    rows_read: int
    kept: int
    rejected: int
    new: int
    changed: int
    unchanged: int


def reject_rows(
    con: duckdb.DuckDBPyConnection,
    raw: RawFile,
    batch_id: int,
    file_name: str,
    most: int,
    limit_bytes: int,
) -> list[dict[str, Any]]:
    """The first ``most`` rejected rows for the reject log (the rest are only counted)."""
    cells = list(raw.columns.values())
    kept = ", ".join(ident(raw_cell(c)) for c in cells)
    rows = con.execute(
        f"SELECT __row, __err_col, __err_value, __err_rule, {kept} FROM versioned "
        f"WHERE __rejected ORDER BY __row LIMIT {int(most)}"
    ).fetchall()
    texts = {r[0]: r[4:] for r in rows}
    # The first pass keeps the cells of rows it rejects; a repeated key is only found
    # later, so those rows' cells are read again from the file.
    missing = [row for row, cells_ in texts.items() if all(v is None for v in cells_)]
    if missing:
        if raw.stream is not None:
            raw.stream.materialise()
        found = scan_raw(
            con,
            f"SELECT __row, {', '.join(ident(c) for c in cells)} FROM raw_numbered "
            "WHERE __row IN (SELECT unnest(?))",
            raw.rescan,
            [missing],
        ).fetchall()
        texts.update((r[0], r[1:]) for r in found)
        for cells_ in (r[1:] for r in found):  # these rows were rejected after the pass
            for header, value in zip(raw.columns, cells_, strict=True):
                size = len(value.encode()) if value else 0
                check(file_name, "cell_bytes", size, limit_bytes, column=header)
    headers = list(raw.columns)
    return [
        {
            "batch_id": batch_id,
            "source_file": file_name,
            "row": row[0],
            "column": row[1],
            "value": row[2],
            "rule": row[3][:200],
            "raw": dict(zip(headers, texts[row[0]], strict=True)),
        }
        for row in rows
    ]
