"""``kefu report``: the appraisal table as Excel or CSV, appraisal sheets as PDF."""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import HomeOption, cli_actor, console, open_workspace

# kefu.reports' formats and locales, restated so that `kefu --help` need not import the
# reports (tests/cli/test_startup.py holds them equal).
LOCALES = ("zh-CN", "en")


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"
    CSV = "csv"


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
        ExportFormat,
        typer.Option("--format", "-f", help="xlsx: appraisal table; pdf: appraisal sheets; csv."),
    ] = ExportFormat.XLSX,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default appraisal-<period>-<scope>.<format>)."
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
    from kefu import audit
    from kefu.reports.exports import ExportFormat as Format
    from kefu.reports.exports import build_export

    with open_workspace(home) as ws:
        export = build_export(
            ws,
            period,
            Format(fmt.value),
            team=team,
            agent=agent,
            locale=locale,
            published=published,
        )
        target = out or Path(export.filename)
        _write_atomically(target, export.data)
        # Appraisal exports carry personal pay data: who took which, and when, is kept.
        with ws.db.transaction() as s:
            audit.record(
                s,
                cli_actor(),
                "report.export",
                "period",
                export.period,
                after={**export.audit_record(), "published": published, "file": str(target)},
            )
    draft = " (draft: not published)" if export.meta.is_draft else ""
    console.print(f"Wrote {export.agents} agent(s) of {export.period} to [bold]{target}[/]{draft}")
