"""Formula-injection neutralisation for text that came from imported data.

Names, teams, sites, reasons… come from exports that anyone upstream may have
typed into. A cell text starting with ``=``, ``+``, ``-``, ``@``, tab, carriage
return or NUL is a formula to Excel and LibreOffice once the cell is edited or
the CSV is opened (OWASP "CSV injection"). The exports therefore:

- in xlsx, always write text with ``write_string`` (never ``write``, which
  turns ``=…`` into a formula), and give dangerous text the *quote prefix*
  style, Excel's own marker for "typed with a leading apostrophe", so editing
  the cell keeps it text while its value stays exactly what was imported;
- in CSV, prefix dangerous text with ``'`` (there is no other way to say
  "text" in CSV);
- write numbers as numbers (a negative number is not text and is safe).

Every CSV and workbook Kefu writes is made here — :func:`csv_writer` and
:func:`workbook` — so no writer can forget (tests/reports/test_safe.py checks
that no other module builds one). Only the demo's synthetic source exports,
which stand for the vendors' files before Kefu imports them, write raw.

    >>> csv_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> csv_cell(-3.5)
    -3.5
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\0")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(DANGEROUS_FIRST)


def csv_cell(value: Any) -> Any:
    """A CSV field: numbers unchanged, dangerous text prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if is_dangerous(text) else text


def write_text(
    sheet: Worksheet,
    row: int,
    col: int,
    value: Any,
    fmt: Format | None = None,
    quoted: Format | None = None,
) -> None:
    """Write ``value`` as text, never as a formula.

    ``quoted`` is the same format as ``fmt`` with ``quote_prefix`` set; it is
    used for dangerous text.
    """
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
        return
    text = str(value)
    sheet.write_string(row, col, text, quoted if is_dangerous(text) and quoted else fmt)


def _field(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if is_dangerous(value) else value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every text field is neutralised (numbers pass unchanged)."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([_field(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **options: Any) -> SafeCsvWriter:
    """The one way Kefu writes CSV: ``csv_writer(buf, lineterminator="\\r\\n")``."""
    return SafeCsvWriter(out, **options)


def workbook(target: Any, **options: Any) -> Workbook:
    """The one way Kefu starts a workbook: no string ever becomes a formula, number or link.

    Write text cells with :func:`write_text` and a ``quote_prefix`` format.
    """
    return xlsxwriter.Workbook(
        target,
        {
            **options,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
