from __future__ import annotations

import pytest

from kefu.errors import UsageError
from kefu.reports.exports import Export, ExportFormat, build_export, export_filename
from kefu.reports.meta import ReportMeta


def test_file_names_name_the_period_and_scope() -> None:
    assert (
        export_filename("2026-10", None, None, ExportFormat.XLSX) == "appraisal-2026-10-centre.xlsx"
    )
    assert export_filename("2026-10", "一组/夜班", None, ExportFormat.PDF) == (
        "appraisal-2026-10-一组_夜班.pdf"
    )
    assert export_filename("2026-Q4", None, "A001", ExportFormat.CSV) == (
        "appraisal-2026-Q4-A001.csv"
    )


def test_download_header_carries_a_chinese_name_safely(meta: ReportMeta) -> None:
    export = Export(b"", "appraisal-2026-10-一组.xlsx", ExportFormat.XLSX, "2026-10", "一组",
                    None, 0, meta)  # fmt: skip
    header = export.content_disposition
    assert header.startswith('attachment; filename="appraisal-2026-10-__.xlsx"')
    assert "filename*=UTF-8''appraisal-2026-10-%E4%B8%80%E7%BB%84.xlsx" in header
    assert export.media_type.startswith("application/vnd.openxmlformats")


def test_unknown_format_and_double_scope_are_usage_errors(ws) -> None:
    with pytest.raises(UsageError, match="unknown export format 'docx'"):
        build_export(ws, "2026-10", "docx")
    with pytest.raises(UsageError, match="not both"):
        build_export(ws, "2026-10", "xlsx", team="一组", agent="A1")
