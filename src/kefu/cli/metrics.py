"""``kefu metrics`` and ``kefu explain``: indicator figures and their drill-down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    emit,
    open_workspace,
)
from kefu.errors import UsageError
from kefu.metrics.figures import IndicatorParams, Level
from kefu.periods import Period

FIGURE_COLUMNS = (
    "period",
    "level",
    "key",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "sample",
    "status",
    "provisional",
)

PeriodOption = Annotated[
    str, typer.Option("--period", "-p", help="2026-10-05, 2026-10, 2026-Q4 or 2026.")
]
ScorecardOption = Annotated[
    Path | None,
    typer.Option(
        "--scorecard",
        help="Scorecard YAML whose indicator parameters to use (repeat window, "
        "response targets, SLA hours, rater weights…); default metrics.md defaults.",
        exists=True,
        dir_okay=False,
    ),
]


def _params(scorecard: Path | None) -> IndicatorParams | None:
    if scorecard is None:
        return None
    from kefu.scoring.scorecard import load_scorecard

    return load_scorecard(scorecard).indicator_params()


@app.command()
def metrics(
    period: PeriodOption,
    level: Annotated[Level, typer.Option(help="agent, team, site or centre.")] = Level.AGENT,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", "-i", help="Indicator id (repeatable); default all."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    scorecard: ScorecardOption = None,
    home: HomeOption = None,
) -> None:
    """Compute indicator figures with numerator, denominator and sample."""
    from kefu.metrics.api import compute

    with open_workspace(home) as ws:
        figures = compute(
            ws,
            Period.parse(period),
            level=level,
            indicators=indicator or None,
            params=_params(scorecard),
        )
    rows = [f.as_dict() for f in figures]
    if fmt is OutputFormat.table:
        for r in rows:
            r["value"] = _short(r["value"])
            r["numerator"] = _short(r["numerator"])
            r["denominator"] = _short(r["denominator"])
    # People read period and level in the title; scripts get every column.
    columns = FIGURE_COLUMNS[2:] if fmt is OutputFormat.table else FIGURE_COLUMNS
    emit(rows, fmt, columns, title=f"Indicators {period} ({level})")


def _short(value: float | None) -> str | None:
    return None if value is None else f"{value:.6g}"


@app.command("explain")
def explain_command(
    period: PeriodOption,
    indicator: Annotated[str, typer.Option("--indicator", "-i", help="Indicator id.")],
    agent: Annotated[str | None, typer.Option("--agent", help="Agent id (工号).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Team (班组).")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Site (职场).")] = None,
    fmt: FormatOption = OutputFormat.table,
    scorecard: ScorecardOption = None,
    home: HomeOption = None,
) -> None:
    """Show the records behind one figure, with their source file and row."""
    from kefu.metrics.explain import explain

    chosen = [
        (lvl, key)
        for lvl, key in ((Level.AGENT, agent), (Level.TEAM, team), (Level.SITE, site))
        if key
    ]
    if len(chosen) != 1:
        raise UsageError("give exactly one of --agent, --team or --site")
    level, key = chosen[0]
    with open_workspace(home) as ws:
        ex = explain(
            ws,
            level=level,
            key=key,
            period=Period.parse(period),
            indicator=indicator,
            params=_params(scorecard),
        )
    f = ex.figure
    if fmt is OutputFormat.json:
        payload = {"figure": f.as_dict(), "records": ex.to_rows()}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    if fmt is OutputFormat.table:
        from kefu.cli.common import console, term_text

        console.print(
            f"[bold]{f.indicator}[/] {f.level} {term_text(f.key)} {f.period}: "
            f"value {_short(f.value)} = "
            f"{_short(f.numerator)} / {_short(f.denominator)}, sample {f.sample}, "
            f"{f.status}{' (provisional)' if f.provisional else ''}",
            highlight=False,
        )
    emit(ex.to_rows(), fmt, ex.columns() or ["table", "id"], title="Records")
