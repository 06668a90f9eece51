"""Options and output shared by every command."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

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
    return Workspace.open(home)


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
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else _plain(r.get(c)) for c in columns])
        (out or sys.stdout).write(buf.getvalue())
        return
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for r in rows:
        table.add_row(*("" if r.get(c) is None else str(_plain(r.get(c))) for c in columns))
    console.print(table)


def json_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=_plain)
