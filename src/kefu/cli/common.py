"""Options and output shared by every command.

Kept light: every command module imports it at start-up (``kefu --help`` included),
so the workspace, the reports and rich's tables are imported where they are used.
"""

from __future__ import annotations

import io
import json
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from kefu.workspace import Workspace

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="KEFU_HOME",
        help="Workspace folder (default ./kefu-data, or $KEFU_HOME).",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table for people; json or csv for scripts.")
]

console = Console()
err_console = Console(stderr=True)


def open_workspace(home: Path | None) -> Workspace:
    from kefu.workspace import Workspace

    return Workspace.open(home)


def cli_actor() -> str:
    """Who acts in the audit trail when a command changes something (``cli:<user>``)."""
    from kefu.audit import cli_actor as actor

    return actor()


# Bidirectional overrides reorder what the terminal shows ("Trojan Source").
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def term_text(value: Any) -> str:
    """``value`` as inert terminal text: every command shows data through this.

    Names, files and messages come from imported data. Control characters
    (escape sequences that recolour, retitle or clear the terminal) become a
    space or vanish, and rich markup (``[/bold]``, ``[link=…]``) is escaped so
    it prints as typed instead of styling the output or failing the command.

    >>> term_text("[/bold]\x1b[31m张三")
    '\\[/bold][31m张三'
    """
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ch in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc" or ch in _BIDI:
            continue
        else:
            out.append(ch)
    return escape("".join(out))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    columns: Sequence[str] | None = None,
    *,
    title: str | None = None,
    out: Any = None,
) -> None:
    """Print ``rows`` as a rich table, JSON (a list of objects) or CSV."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt is OutputFormat.json:
        text = json.dumps(
            [{c: _plain(r.get(c)) for c in columns} for r in rows],
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        (out or sys.stdout).write(text + "\n")
        return
    if fmt is OutputFormat.csv:
        from kefu.reports.safe import csv_writer

        buf = io.StringIO()
        writer = csv_writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_plain(r.get(c)) for c in columns])
        (out or sys.stdout).write(buf.getvalue())
        return
    from rich.table import Table

    table = Table(title=term_text(title) if title else None, show_lines=False)
    for c in columns:
        table.add_column(term_text(c))
    for r in rows:
        table.add_row(*(term_text(_plain(r.get(c))) for c in columns))
    console.print(table)


def json_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=_plain)
