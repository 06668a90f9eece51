"""Exports of the appraisal: the table as Excel and CSV, the agent sheet as PDF.

Every renderer is a pure function of scoring results (the dicts of
``kefu.scoring.results``), the scorecard metadata (:class:`ReportMeta`) and a
locale, returning bytes; :mod:`kefu.reports.source` reads those inputs from a
workspace, and :func:`build_export` does both in one call for the CLI and the
web app's download buttons.

    from kefu.reports import build_export
    export = build_export(ws, "2026-10", "xlsx", team="一组")
    export.data, export.filename, export.media_type, export.content_disposition
"""

from __future__ import annotations

from kefu.reports.csvfile import appraisal_csv
from kefu.reports.exports import Export, ExportFormat, build_export
from kefu.reports.labels import LOCALES
from kefu.reports.meta import ReportMeta, ScorecardMeta, scorecard_meta_from
from kefu.reports.pdf import agent_sheet_pdf, team_sheets_pdf
from kefu.reports.xlsx import appraisal_workbook

__all__ = [
    "LOCALES",
    "Export",
    "ExportFormat",
    "ReportMeta",
    "ScorecardMeta",
    "agent_sheet_pdf",
    "appraisal_csv",
    "appraisal_workbook",
    "build_export",
    "scorecard_meta_from",
    "team_sheets_pdf",
]
