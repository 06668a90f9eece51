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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kefu.reports.csvfile import appraisal_csv
    from kefu.reports.exports import Export, ExportFormat, build_export
    from kefu.reports.labels import LOCALES
    from kefu.reports.meta import ReportMeta, ScorecardMeta, scorecard_meta_from
    from kefu.reports.pdf import agent_sheet_pdf, team_sheets_pdf
    from kefu.reports.xlsx import appraisal_workbook

# Loaded on first use, so importing one light submodule (an enum, the labels) does
# not import the whole package (the CLI's start-up depends on it).
_HOMES = {
    "Export": "kefu.reports.exports",
    "ExportFormat": "kefu.reports.exports",
    "LOCALES": "kefu.reports.labels",
    "ReportMeta": "kefu.reports.meta",
    "ScorecardMeta": "kefu.reports.meta",
    "agent_sheet_pdf": "kefu.reports.pdf",
    "appraisal_csv": "kefu.reports.csvfile",
    "appraisal_workbook": "kefu.reports.xlsx",
    "build_export": "kefu.reports.exports",
    "scorecard_meta_from": "kefu.reports.meta",
    "team_sheets_pdf": "kefu.reports.pdf",
}

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


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'kefu.reports' has no attribute {name!r}")
