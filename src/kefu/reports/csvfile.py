"""The appraisal table as CSV: UTF-8 with a BOM, so Excel on Chinese Windows reads it.

The same columns as the workbook's team sheets, all agents in one table (team
by team, in team-rank order). Figures are in display units and rounded as the
workbook and the PDF show them (percent, per mille, seconds, points to 2
decimals); the header of each value says its unit. Text from imported data is
neutralised against formula injection (:mod:`kefu.reports.safe`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from kefu.reports.catalogue import Unit
from kefu.reports.formatting import DECIMALS, POINT_DECIMALS, SUFFIX, display_number, round_half_up
from kefu.reports.labels import check_locale
from kefu.reports.meta import ReportMeta
from kefu.reports.safe import csv_cell, csv_writer
from kefu.reports.table import Cell, Column, Kind, cells, columns, sort_key, unit_of

Result = Mapping[str, Any]
BOM = "\ufeff"


def _header(col: Column, locale: str) -> str:
    if col.kind is Kind.VALUE:
        unit = unit_of(col)
        suffix = SUFFIX.get(unit, ("", ""))[0 if locale.startswith("zh") else 1].strip()
        head = f"{col.group} {col.header}"
        return f"{head} ({suffix})" if suffix else head
    if col.group and col.key.startswith("dim:"):
        return col.header
    if col.group:
        return f"{col.group} {col.header}"
    return col.header


def _number(col: Column, cell: Cell) -> Any:
    if cell.value is None:
        return ""
    if col.kind is Kind.VALUE and col.indicator:
        number = display_number(col.indicator, float(cell.value))
        return int(number) if DECIMALS[unit_of(col) or Unit.RATING] == 0 else number
    if col.kind is Kind.RANK:
        return int(cell.value)
    return round_half_up(float(cell.value), POINT_DECIMALS)


def appraisal_csv(results: Sequence[Result], meta: ReportMeta, *, locale: str = "zh-CN") -> bytes:
    """The appraisal table of one period as CSV bytes (UTF-8 with BOM, CRLF lines)."""
    check_locale(locale)
    cols = columns(results, meta, locale)
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\r\n")
    writer.writerow([_header(c, locale) for c in cols])
    ordered = sorted(results, key=lambda r: (str(r.get("team") or ""), *sort_key(r)))
    for result in ordered:
        row = [
            csv_cell(cell.value) if col.kind is Kind.TEXT else _number(col, cell)
            for col, cell in zip(cols, cells(result, cols, meta, locale), strict=True)
        ]
        writer.writerow(row)
    return (BOM + buf.getvalue()).encode("utf-8")
