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

    >>> csv_cell('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> csv_cell(-3.5)
    -3.5
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
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
