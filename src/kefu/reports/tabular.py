"""One header row and one row per line, as CSV and as an xlsx sheet, formula-safe.

The shared shape of the payroll-side exports (applications, revisions): columns are
declared once with both languages' headers and whether they hold text or numbers, and
written by :mod:`kefu.reports.grid` (text neutralised, numbers kept numbers).

    cols = (Column("agent_id", "工号", "Agent ID"), Column("total", "总分", "Total", "number"))
    data = table_csv(cols, [{"agent_id": "A1", "total": 91.5}], locale="zh-CN")
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kefu.reports.grid import BOM, Cell, grid_xlsx
from kefu.reports.labels import check_locale
from kefu.reports.safe import csv_writer


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    #: "text" (neutralised), "number" (two decimals) or "integer".
    kind: str = "text"

    def header(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en


def _number(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else float(value)


def _cells(columns: Sequence[Column], row: Mapping[str, Any]) -> list[Cell]:
    return [row.get(c.key) if c.kind == "text" else _number(row.get(c.key)) for c in columns]


def table_csv(
    columns: Sequence[Column], rows: Sequence[Mapping[str, Any]], *, locale: str = "zh-CN"
) -> bytes:
    """CSV bytes: UTF-8 with BOM (Excel opens Chinese right), CRLF lines."""
    check_locale(locale)
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\r\n")  # neutralises formula-like text
    writer.writerow([c.header(locale) for c in columns])
    writer.writerows(_cells(columns, r) for r in rows)
    return (BOM + buf.getvalue()).encode("utf-8")


def table_workbook(
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    sheet_name: str,
    *,
    locale: str = "zh-CN",
) -> bytes:
    """An xlsx workbook of one sheet: a frozen, filtered header row and the rows."""
    check_locale(locale)
    return grid_xlsx(
        sheet_name,
        [c.header(locale) for c in columns],
        [_cells(columns, r) for r in rows],
        kinds=[c.kind for c in columns],
    )
