"""``kefu report``: the appraisal table as Excel or CSV, appraisal sheets as PDF."""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kefu import audit
from kefu.cli import app
from kefu.cli.common import HomeOption, console, open_workspace
from kefu.errors import UsageError
from kefu.periods import Period
from kefu.reports import agent_sheet_pdf, appraisal_csv, appraisal_workbook, team_sheets_pdf
from kefu.reports.labels import LOCALES, check_locale
from kefu.reports.pdf import populations
from kefu.reports.source import histories, load_results, report_meta, team_values


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    pdf = "pdf"
    csv = "csv"


def _default_out(period: Period, team: str | None, agent: str | None, fmt: ReportFormat) -> Path:
    scope = agent or team or "centre"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in scope)
    return Path(f"appraisal-{period.label}-{safe}.{fmt}")


def _write_atomically(path: Path, data: bytes) -> None:
    # A reader (or a crash) never sees half a file: write beside it, then rename.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def report(
    period: Annotated[
        str, typer.Option("--period", "-p", help="2026-10, 2026-Q4 or 2026 (must be scored).")
    ],
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="xlsx: appraisal table; pdf: appraisal sheets; csv."),
    ] = ReportFormat.xlsx,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default appraisal-<period>-<scope>.<fmt>)."
        ),
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team.")] = None,
    agent: Annotated[str | None, typer.Option("--agent", help="Only this agent (工号).")] = None,
    locale: Annotated[
        str, typer.Option("--locale", help=f"Language of the export: {', '.join(LOCALES)}.")
    ] = "zh-CN",
    published: Annotated[
        bool,
        typer.Option("--published", help="Use the published results only (for pay and HR)."),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Export a scored period: the appraisal table (xlsx, csv) or appraisal sheets (pdf).

    A PDF for one agent (--agent) carries the last six months of totals, the
    team's values and head counts; a PDF for a team (or the whole centre) has
    one page per agent. Results not yet published are marked as a draft.
    """
    if team is not None and agent is not None:
        raise UsageError("give --team or --agent, not both")
    check_locale(locale)
    the_period = Period.parse(period)
    ws = open_workspace(home)
    try:
        everyone = load_results(ws, the_period, published=published)
        rows = load_results(ws, the_period, team=team, agent=agent, published=published)
        meta = report_meta(ws, the_period, rows, published=published)
        if fmt is ReportFormat.xlsx:
            data = appraisal_workbook(rows, meta, locale=locale)
        elif fmt is ReportFormat.csv:
            data = appraisal_csv(rows, meta, locale=locale)
        else:
            teams = {r.get("team") for r in rows}
            values = team_values(ws, the_period, [r for r in everyone if r.get("team") in teams])
            ids = [str(r["agent_id"]) for r in rows]
            past = histories(ws, the_period, ids, published=published)
            if agent is not None:
                (result,) = rows
                data = agent_sheet_pdf(
                    result,
                    meta,
                    locale=locale,
                    history=past.get(agent),
                    team_average=values.get(str(result.get("team"))),
                    population=populations(everyone)[agent],
                )
            else:
                data = team_sheets_pdf(
                    rows,
                    meta,
                    locale=locale,
                    histories=past,
                    team_averages=values,
                    population=everyone,
                )
        target = out or _default_out(the_period, team, agent, fmt)
        _write_atomically(target, data)
        # Appraisal exports carry personal pay data: who took which, and when, is kept.
        with ws.db.transaction() as s:
            audit.record(
                s,
                audit.cli_actor(),
                "report.export",
                "period",
                the_period.label,
                after={
                    "format": str(fmt),
                    "team": team,
                    "agent": agent,
                    "agents": len(rows),
                    "published": published,
                    "status": meta.status,
                    "run": meta.run,
                    "file": str(target),
                },
            )
    finally:
        ws.close()
    draft = " (draft: not published)" if meta.is_draft else ""
    console.print(f"Wrote {len(rows)} agent(s) of {the_period.label} to [bold]{target}[/]{draft}")
