"""Exports of the appraisal: the table as Excel and CSV, the agent sheet as PDF.

Every renderer is a pure function of scoring results (the dicts of
``kefu.scoring.results``), the scorecard metadata (:class:`ReportMeta`) and a
locale, returning bytes; :mod:`kefu.reports.source` reads those inputs from a
workspace for the CLI and the web app.

    from kefu.reports import appraisal_workbook, appraisal_csv, agent_sheet_pdf
"""

from __future__ import annotations

from kefu.reports.csvfile import appraisal_csv
from kefu.reports.labels import LOCALES
from kefu.reports.meta import ReportMeta, ScorecardMeta, scorecard_meta_from
from kefu.reports.pdf import agent_sheet_pdf, team_sheets_pdf
from kefu.reports.xlsx import appraisal_workbook

__all__ = [
    "LOCALES",
    "ReportMeta",
    "ScorecardMeta",
    "agent_sheet_pdf",
    "appraisal_csv",
    "appraisal_workbook",
    "scorecard_meta_from",
    "team_sheets_pdf",
]
