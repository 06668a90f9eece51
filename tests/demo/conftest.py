"""A small demo centre generated once per test session, and a reader for its files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from kefu.demo.exports import MIXED
from kefu.demo.generator import DemoSummary, generate

SEED = 7


@pytest.fixture(scope="session")
def autumn(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """12 agents over October and November 2026 (the 11.11 peak and a normal month)."""
    return generate(tmp_path_factory.mktemp("autumn"), agents=12, months=2, start="2026-10",
                    seed=SEED)  # fmt: skip


@pytest.fixture(scope="session")
def contact_rows(autumn: DemoSummary) -> list[dict[str, str | None]]:
    """Every row of the autumn contacts files, as text."""
    return [r for p in files_of(autumn, "contacts") for r in read_export(p).to_pylist()]


def read_export(path: Path) -> pa.Table:
    """An export file as text columns under canonical names (Parquet: typed)."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    layout = next(lay for lay in MIXED.values() if lay.kind != "parquet" and _matches(lay, path))
    canonical = {shown: name for name, shown in layout.headers.items()}
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        header = [canonical.get(h, h) for h in rows[0]]
        cols = list(zip(*rows[1:], strict=True))
        return pa.table(
            {h: pa.array([None if v is None else str(v) for v in col]) for h, col in zip(
                header, cols, strict=True)}
        )  # fmt: skip
    with path.open(encoding=layout.encoding) as f:
        header = f.readline().rstrip("\n").split(",")
    # Everything as text: the tests look at the cells as the file has them.
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True
    )
    options = pacsv.ReadOptions(encoding=layout.encoding)
    table = pacsv.read_csv(path, read_options=options, convert_options=convert)
    return table.rename_columns([canonical.get(h, h) for h in header])


def _matches(layout, path: Path) -> bool:  # type: ignore[no-untyped-def]
    if layout.monthly:
        prefix, suffix = layout.name.split("{month}")
        return path.name.startswith(prefix) and path.name.endswith(suffix)
    return path.name == layout.name


def files_of(summary: DemoSummary, table: str) -> list[Path]:
    return [f.path for f in summary.files if f.table == table]


def column(summary: DemoSummary, table: str, name: str) -> list[str | None]:
    values: list[str | None] = []
    for path in files_of(summary, table):
        values += read_export(path).column(name).to_pylist()
    return values
