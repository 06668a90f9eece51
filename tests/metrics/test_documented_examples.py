"""The worked examples of docs/indicators.md, imported and computed: the docs cannot drift.

Each example's records tables are imported in order (one import per table, as a
user would import the files), then every row of its figures tables is computed
and compared with the figure the page prints, to the digits it prints.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kefu.ingest import import_records
from kefu.metrics import Figure, compute
from kefu.store.tables import TABLES
from kefu.workspace import Workspace
from tests.markdown import DOCS, Example, code, examples

PAGE = (DOCS / "indicators.md").read_text(encoding="utf-8")
EXAMPLES = examples(PAGE)
ZONE = ZoneInfo("Asia/Shanghai")
# A records table is recognised by its first column, its table's key.
TABLE_BY_KEY = {spec.key[0]: name for name, spec in TABLES.items()}
FIGURE_COLUMNS = ["indicator", "for", "numerator", "denominator", "sample", "value", "status"]


def _records(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{k: (v if v else None) for k, v in row.items()} for row in rows]


def _as_of(example: Example) -> datetime | None:
    text = example.settings.get("as of")
    if not text:
        return None
    local = datetime.fromisoformat(text).replace(tzinfo=ZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def _level_key(cell: str) -> tuple[str, str]:
    if cell == "centre":
        return "centre", "centre"
    for level in ("team", "site"):
        if cell.startswith(level + " "):
            return level, cell[len(level) + 1 :]
    return "agent", cell


def _agrees(actual: float | None, printed: str) -> bool:
    """Whether ``actual`` is ``printed`` to the digits printed (— and null: no value)."""
    if printed in ("—", "null"):
        return actual is None
    if actual is None:
        return False
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(actual - float(printed)) <= 0.5 * 10**-decimals + 1e-9


def _load(ws: Workspace, example: Example) -> list[dict[str, str]]:
    """Import the example's records; return its figure rows."""
    figures = []
    for n, rows in enumerate(example.tables):
        first = next(iter(rows[0]))
        if first == "indicator":
            assert list(rows[0]) == FIGURE_COLUMNS
            figures += rows
            continue
        table = TABLE_BY_KEY[first]
        result = import_records(
            ws, table, _records(rows), source="default", label=f"{example.name}-{n}.csv",
            actor="test",
        )  # fmt: skip
        assert result.rejected == 0, f"{example.name}, {table}: {result.message}"
    return figures


def test_the_page_has_an_example_per_dimension():
    names = {e.name for e in EXAMPLES}
    assert {"efficiency-contacts", "efficiency-tickets", "quality", "satisfaction",
            "development", "fairness", "roll-up", "current-version"} <= names  # fmt: skip
    for e in EXAMPLES:
        assert "period" in e.settings, e.name


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_worked_example_gives_the_printed_figures(tmp_path: Path, example: Example) -> None:
    ws = Workspace.init(tmp_path / "ws", timezone="Asia/Shanghai")
    try:
        rows = _load(ws, example)
        assert rows, f"{example.name} prints no figure"
        wrong = []
        for row in rows:
            level, key = _level_key(row["for"])
            ind = code(row["indicator"])
            found: list[Figure] = compute(
                ws, example.settings["period"], level=level, indicators=[ind], keys=[key],
                as_of=_as_of(example),
            )  # fmt: skip
            (f,) = found
            status = row["status"].split(",")[0].strip()
            same = (
                _agrees(f.numerator, row["numerator"])
                and _agrees(f.denominator, row["denominator"])
                and str(f.sample) == row["sample"]
                and _agrees(f.value, row["value"])
                and str(f.status) == status
                and f.provisional == ("provisional" in row["status"])
            )
            if not same:
                wrong.append((ind, row["for"], row, f))
        assert not wrong, "\n".join(f"{i} for {k}: page {r}, engine {f}" for i, k, r, f in wrong)
    finally:
        ws.close()
