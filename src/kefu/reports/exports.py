"""One call from a workspace to an export file: what the CLI and the web app use.

export = build_export(ws, "2026-10", ExportFormat.PDF, agent="A001")
Path(export.filename).write_bytes(export.data)   # or a download response:
# Response(export.data, media_type=export.media_type,
#          headers={"Content-Disposition": export.content_disposition})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from kefu.errors import UsageError
from kefu.periods import Period
from kefu.reports.csvfile import appraisal_csv
from kefu.reports.explain import explained
from kefu.reports.labels import check_locale
from kefu.reports.meta import ReportMeta
from kefu.reports.pdf import agent_sheet_pdf, populations, team_sheets_pdf
from kefu.reports.source import histories, load_results, report_meta, team_values
from kefu.reports.xlsx import appraisal_workbook
from kefu.scoring.result_model import AgentResult
from kefu.workspace import Workspace


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"
    CSV = "csv"


MEDIA_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class Export:
    data: bytes
    filename: str
    format: ExportFormat
    period: str
    team: str | None
    agent: str | None
    agents: int
    meta: ReportMeta

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def content_disposition(self) -> str:
        """An attachment header that survives Chinese file names (RFC 6266 / 5987)."""
        ascii_name = self.filename.encode("ascii", "replace").decode().replace("?", "_")
        return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.filename)}"

    def audit_record(self) -> dict[str, Any]:
        """What an audit entry of this export should say (without the destination)."""
        return {
            "format": str(self.format),
            "team": self.team,
            "agent": self.agent,
            "agents": self.agents,
            "status": self.meta.status,
            "run": self.meta.run,
        }


def export_filename(period: str, team: str | None, agent: str | None, fmt: ExportFormat) -> str:
    """``appraisal-2026-10-A001.pdf``: period and scope, safe on every file system."""
    scope = agent or team or "centre"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in scope)
    return f"appraisal-{period}-{safe}.{fmt}"


def _pdf(
    ws: Workspace,
    period: Period,
    results: Sequence[AgentResult],
    meta: ReportMeta,
    agent: str | None,
    locale: str,
    published: bool,
) -> tuple[list[dict[str, Any]], bytes]:
    """The agent sheet (one agent) or one page per agent, with history and team figures.

    Returns the rows as explained (each grade explains itself, bonus and penalty
    read as arithmetic) and the PDF.
    """
    everyone = load_results(ws, period, published=published)
    rows = explained(ws, everyone, results, locale)
    teams = {r.get("team") for r in rows}
    values = team_values(ws, period, [r for r in everyone if r.get("team") in teams])
    past = histories(ws, period, [str(r["agent_id"]) for r in rows], published=published)
    if agent is not None:
        (result,) = rows
        return rows, agent_sheet_pdf(
            result,
            meta,
            locale=locale,
            tz=ws.timezone,
            history=past.get(agent),
            team_average=values.get(str(result.get("team"))),
            population=populations(everyone)[agent],
        )
    return rows, team_sheets_pdf(
        rows,
        meta,
        locale=locale,
        tz=ws.timezone,
        histories=past,
        team_averages=values,
        population=everyone,
    )


def build_export(
    ws: Workspace,
    period: Period | str,
    fmt: ExportFormat | str,
    *,
    team: str | None = None,
    agent: str | None = None,
    locale: str = "zh-CN",
    published: bool = False,
) -> Export:
    """Render the period's results (all, one team or one agent) as ``fmt``.

    A PDF for one agent carries the last six months of totals, the team's own
    indicator values and mean total, and head counts beside the ranks; a PDF
    for a team or the centre has one page per agent. ``published=True`` uses
    only the published run (for pay and HR).
    """
    if team is not None and agent is not None:
        raise UsageError("give a team or an agent, not both")
    try:
        fmt = ExportFormat(fmt)
    except ValueError:
        raise UsageError(f"unknown export format '{fmt}'; use xlsx, pdf or csv") from None
    check_locale(locale)
    the_period = period if isinstance(period, Period) else Period.parse(period)
    rows = load_results(ws, the_period, team=team, agent=agent, published=published)
    meta = report_meta(ws, the_period, rows, published=published)
    if fmt is ExportFormat.XLSX:
        everyone = load_results(ws, the_period, published=published)
        whole = team is None and agent is None
        data = appraisal_workbook(
            explained(ws, everyone, rows, locale), meta, locale=locale, whole_centre=whole
        )
    elif fmt is ExportFormat.CSV:
        data = appraisal_csv(rows, meta, locale=locale)
    else:
        _, data = _pdf(ws, the_period, rows, meta, agent, locale, published)
    return Export(
        data=data,
        filename=export_filename(the_period.label, team, agent, fmt),
        format=fmt,
        period=the_period.label,
        team=team,
        agent=agent,
        agents=len(rows),
        meta=meta,
    )
