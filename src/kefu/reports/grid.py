"""A plain table (headers and rows) as a CSV or xlsx download.

The monitor's day and a figure's records are downloaded as they are shown: one header
row in the reader's language, then one row per agent or record. Numbers stay numbers
(an integer is written as an integer), text from imported data is neutralised against
formula injection by :mod:`kefu.reports.safe`.

    >>> grid_csv(["姓名", "超时工单"], [["=1+1", 3]]).decode("utf-8-sig").splitlines()
    ['姓名,超时工单', "'=1+1,3"]
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kefu.reports.safe import csv_writer, workbook, write_text
from kefu.reports.xlsx import display_width

BOM = "\ufeff"
Cell = str | int | float | Decimal | bool | None

# Sheet names may not hold these characters and are at most 31 long (Excel's rules).
_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def _number(value: Cell) -> int | float | None:
    if value is None or isinstance(value, bool | str):
        return None
    number = float(value)
    return int(number) if isinstance(value, int) or number.is_integer() else number


def grid_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM (Excel on Chinese Windows reads it), CRLF lines."""
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\r\n")  # neutralises formula-like text
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_number(v) if _number(v) is not None else v for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def grid_xlsx(
    sheet_name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    kinds: Sequence[str] | None = None,
) -> bytes:
    """One sheet: a bold header row (frozen, with a filter), then the rows.

    ``kinds`` gives each column's kind: "text" (always written as neutralised text),
    "number" (two decimals) or "integer"; without it a number is written as it is.
    """
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
    sheet = wb.add_worksheet(sheet_name.translate(_NOT_IN_SHEET_NAMES)[:31] or "Sheet1")
    widths = [display_width(h) for h in headers]
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h, head)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            kind = kinds[c] if kinds is not None else None
            number = None if kind == "text" else _number(value)
            if kind in formats:
                if number is None:
                    sheet.write_blank(r, c, None, formats[kind])
                else:
                    sheet.write_number(r, c, number, formats[kind])
            elif number is not None:
                sheet.write_number(r, c, number, text)
            else:
                shown = "" if value is None else str(value)
                write_text(sheet, r, c, shown, text, quoted)
                widths[c] = max(widths[c], display_width(shown))
    for c, w in enumerate(widths):
        sheet.set_column(c, c, min(w + 2, 60))
    sheet.freeze_panes(1, 0)
    if rows and headers:
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    wb.close()
    return out.getvalue()


def cell_value(value: Any) -> Cell:
    """A value as a grid cell (dates and other objects as their text)."""
    if value is None or isinstance(value, str | int | float | Decimal | bool):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
