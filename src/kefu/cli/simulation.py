"""``kefu scorecard simulate``: a draft scorecard scored over past months, nothing stored."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from kefu.cli.common import HomeOption, OutputFormat, console, emit, err_console, term_text
from kefu.cli.common import open_workspace as _open
from kefu.cli.scoring import _print_issues, scorecard_app
from kefu.errors import UsageError


class SimulationFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Language(StrEnum):
    zh = "zh-CN"
    en = "en"


@scorecard_app.command("simulate")
def scorecard_simulate(
    draft: Annotated[Path, typer.Argument(help="The draft scorecard YAML file.")],
    period: Annotated[
        list[str],
        typer.Option("--period", "-p", help="A month to simulate (2026-10); repeat for more."),
    ],
    fmt: Annotated[
        SimulationFormat,
        typer.Option("--format", "-f", help="table for people; json, csv or xlsx for files."),
    ] = SimulationFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (needed for xlsx)."),
    ] = None,
    with_sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity", help="Also count the grades a ±5-point weight would move (json)."
        ),
    ] = False,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the movers' reasons.")
    ] = Language.zh,
    home: HomeOption = None,
) -> None:
    """Score a draft scorecard against each month's figures beside the scorecard that
    scored it (or the active one). Stores nothing."""
    from kefu.reports.simulation import flat_rows, summary_rows, to_csv, to_xlsx
    from kefu.scoring.scorecard import ScorecardInvalid, load_scorecard
    from kefu.scoring.simulation import sensitivity, simulate
    from kefu.web.views.simulation import explained, reason_text

    if fmt is SimulationFormat.xlsx and output is None:
        raise UsageError("--format xlsx writes a workbook: name it with --output FILE.xlsx")
    try:
        card = load_scorecard(draft)
    except ScorecardInvalid as exc:
        _print_issues(str(draft), exc)
        raise typer.Exit(1) from None
    locale = str(lang)
    with _open(home) as ws:
        sim = simulate(ws, card, period)
        sens = sensitivity(ws, card, period) if with_sensitivity else None
    texts = {(r.agent_id, r.period): reason_text(r, locale) for r in sim.rows}
    rows = flat_rows(sim, texts)
    if fmt is SimulationFormat.xlsx:
        assert output is not None
        output.write_bytes(to_xlsx(sim, rows))
        err_console.print(f"wrote {output}", highlight=False)
        return
    if fmt is SimulationFormat.json:
        data = explained(sim, locale)
        data["sensitivity"] = None if sens is None else sens.to_json()
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt is SimulationFormat.csv:
        text = to_csv(rows)
    else:
        _table(rows, summary_rows(sim), output)
        return
    if output is not None:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {output}", highlight=False)
    else:
        sys.stdout.write(text)


def _table(rows: list[dict[str, Any]], summary: list[dict[str, Any]], output: Path | None) -> None:
    if output is not None:
        raise UsageError("--output writes json, csv or xlsx; choose one with --format")
    movers = [
        {
            "period": r["period"],
            "agent_id": r["agent_id"],
            "name": r["name"],
            "total": f"{_num(r['current_total'])} → {_num(r['draft_total'])}",
            "grade": f"{r['current_grade'] or '-'} → {r['draft_grade'] or '-'}",
            "pay": f"{_num(r['current_pay_coefficient'])} → {_num(r['draft_pay_coefficient'])}",
            "why": r["reason_text"],
        }
        for r in rows
        if r["grade_changed"]
    ]
    emit(summary, OutputFormat.table, title="summary")
    if movers:
        emit(movers, OutputFormat.table, title="agents whose grade changes")
    else:
        console.print(term_text("no grade changes"), highlight=False)


def _num(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
