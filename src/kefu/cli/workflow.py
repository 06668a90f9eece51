"""``kefu audit``: read and export the audit trail (it cannot be changed from here or anywhere)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from kefu.cli import app
from kefu.cli.common import FormatOption, HomeOption, OutputFormat, console, emit, open_workspace
from kefu.errors import UsageError

# kefu.workflow.trail's cap, restated so that start-up need not import SQLAlchemy
# (tests/cli/test_startup.py holds them equal).
MAX_ROWS = 100_000

SHOWN = ("id", "at", "actor", "action", "object_type", "object_id", "before", "after")


def parse_since(value: str, tz: str) -> datetime:
    """``2026-11-01`` (the local day's start) or an ISO 8601 moment (naive = local)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), ZoneInfo(tz))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since '{value}' is not a date (2026-11-01) or a time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    out = dict(entry)
    for key in ("before", "after"):
        value = out[key]
        out[key] = None if value is None else json.dumps(value, ensure_ascii=False, default=str)
    return out


@app.command("audit")
def audit_command(
    home: HomeOption = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day (YYYY-MM-DD) or moment on.")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user.")] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="An action (appeal.uphold) or a family (appeal)."),
    ] = None,
    object_type: Annotated[
        str | None, typer.Option("--object-type", help="e.g. appeal, review, scoring_run.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many entries.")] = (
        MAX_ROWS
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write a .csv or .xlsx file instead of printing."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The audit trail: every write with who, when, what, before and after (oldest first)."""
    from kefu.workflow import trail

    with open_workspace(home) as ws:
        rows = trail.entries(
            ws,
            since=None if since is None else parse_since(since, ws.timezone),
            actor=actor,
            action=action,
            object_type=object_type,
            limit=limit,
        )
    if output is not None:
        suffix = output.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise UsageError("--output must name a .csv or .xlsx file")
        output.write_bytes(trail.to_xlsx(rows) if suffix == ".xlsx" else trail.to_csv(rows))
        console.print(f"{len(rows)} audit entries written to {output}")
        return
    emit([_row(r) for r in rows], fmt, SHOWN, title="audit")
