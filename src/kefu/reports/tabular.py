"""One header row and one row per line, as CSV and as an xlsx sheet, formula-safe.

The shared shape of the payroll-side exports (applications, revisions): columns are
declared once with both languages' headers and whether they hold text or numbers;
text goes through :mod:`kefu.reports.safe`, numbers stay numbers.

    cols = (Column("agent_id", "工号", "Agent ID"), Column("total", "总分", "Total", "number"))
    data = table_csv(cols, [{"agent_id": "A1", "total": 91.5}], locale="zh-CN")
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kefu.reports.labels import check_locale
from kefu.reports.safe import csv_writer, workbook, write_text
from kefu.reports.xlsx import display_width

BOM = "\ufeff"
# Excel refuses sheet names over 31 characters.
SHEET_NAME_MAX = 31


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


def table_csv(
    columns: Sequence[Column], rows: Sequence[Mapping[str, Any]], *, locale: str = "zh-CN"
) -> bytes:
    """CSV bytes: UTF-8 with BOM (Excel opens Chinese right), CRLF lines."""
    check_locale(locale)
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\r\n")  # neutralises formula-like text
    writer.writerow([c.header(locale) for c in columns])
    for r in rows:
        writer.writerow(
            [r.get(c.key) if c.kind == "text" else _number(r.get(c.key)) for c in columns]
        )
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
    headers = [c.header(locale) for c in columns]
    out = io.BytesIO()
    wb = workbook(out, in_memory=True)
    base = {"font_name": "Microsoft YaHei", "font_size": 10}
    head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format(base)
    quoted = wb.add_format({**base, "quote_prefix": True})
    formats = {
        "number": wb.add_format({**base, "num_format": "0.00"}),
        "integer": wb.add_format({**base, "num_format": "0"}),
    }
    sheet = wb.add_worksheet(sheet_name[:SHEET_NAME_MAX])
    widths = [display_width(h) for h in headers]
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h, head)
    for i, r in enumerate(rows, start=1):
        for c, col in enumerate(columns):
            value = r.get(col.key)
            if col.kind == "text":
                write_text(sheet, i, c, value, text, quoted)
                widths[c] = max(widths[c], display_width(str(value or "")))
                continue
            number = _number(value)
            if number is None:
                sheet.write_blank(i, c, None, formats[col.kind])
            else:
                sheet.write_number(i, c, number, formats[col.kind])
    for c, w in enumerate(widths):
        sheet.set_column(c, c, min(w, 60) + 2)
    sheet.freeze_panes(1, 0)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    wb.close()
    return out.getvalue()
