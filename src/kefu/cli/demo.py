"""``kefu demo``: write the export files of a demo courier customer-service centre."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import OutputFormat, console, emit, err_console

# The generator's defaults and formats, restated so that `kefu --help` need not import
# the generator (tests/cli/test_startup.py holds them equal).
DEFAULT_AGENTS = 120
DEFAULT_MONTHS = 3
DEFAULT_SEED = 1111
DEFAULT_START = "2026-09"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


@app.command()
def demo(
    agents: Annotated[int, typer.Option(help="Agents in the centre (10 per team).")] = (
        DEFAULT_AGENTS
    ),
    months: Annotated[int, typer.Option(help="Months of data.")] = DEFAULT_MONTHS,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files.")] = (
        DEFAULT_SEED
    ),
    out: Annotated[Path, typer.Option(help="Folder the export files are written to.")] = Path(
        "demo-exports"
    ),
    start: Annotated[str, typer.Option(help="First month, e.g. 2026-09.")] = DEFAULT_START,
    export_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="csv: the realistic mix (CSV in UTF-8 and GBK, xlsx); parquet: typed Parquet.",
        ),
    ] = ExportFormat.csv,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--summary", help="Summary as a table for people, or json/csv for scripts."),
    ] = OutputFormat.table,
) -> None:
    """Generate a demo courier centre's exports (all eleven tables) into a folder."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from kefu.demo import exports
    from kefu.demo.generator import generate

    show = fmt is OutputFormat.table and console.is_terminal
    columns = (TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True, disable=not show) as bar:
        task = bar.add_task("days", total=None)
        summary = generate(
            out,
            agents=agents,
            months=months,
            seed=seed,
            start=start,
            fmt=exports.ExportFormat(export_format.value),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    emit(summary.as_rows(), fmt, ["file", "table", "rows", "dirty_rows"], title="Demo exports")
    if fmt is OutputFormat.table:
        total = sum(f.rows for f in summary.files)
        console.print(f"{len(summary.files)} files, {total:,} rows in [bold]{summary.out}[/]")
