"""The pay export: per agent of a published period, 工号 姓名 班组 总分 等级 绩效系数."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from kefu.reports.payroll import NotPublished, payroll_csv, payroll_rows, payroll_workbook
from kefu.workspace import Workspace
from tests.web.appraisal_data import build

# Hand-made rows (as kefu.scoring.applications gives them); the second name is a formula.
ROWS = [
    {"agent_id": "A1", "name": "张三", "team": "一组", "total": 86.125, "grade": "A",
     "pay_coefficient": 1.2},
    {"agent_id": "A2", "name": "=HYPERLINK(\"http://x\",\"y\")", "team": "二组", "total": 59.994,
     "grade": "D", "pay_coefficient": 0.5},
]  # fmt: skip


def test_the_workbook_has_one_row_per_agent_with_rounded_totals() -> None:
    book = openpyxl.load_workbook(io.BytesIO(payroll_workbook(ROWS, "2026-10")))
    sheet = book.worksheets[0]
    assert sheet.title == "绩效工资 2026-10"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("工号", "姓名", "班组", "总分", "等级", "绩效系数"),
        # 86.125 → 86.13 and 59.994 → 59.99 (half-up to the cent, as the appraisal table)
        ("A1", "张三", "一组", 86.13, "A", 1.2),
        ("A2", '=HYPERLINK("http://x","y")', "二组", 59.99, "D", 0.5),
    ]
    # The formula-like name is text with Excel's quote prefix, not a formula.
    assert sheet["B3"].data_type == "s" and sheet["B3"].quotePrefix


def test_the_csv_has_a_bom_english_headers_and_neutralised_text() -> None:
    data = payroll_csv(ROWS, locale="en")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["Agent ID", "Name", "Team", "Total", "Grade", "Pay coefficient"],
        ["A1", "张三", "一组", "86.13", "A", "1.2"],
        ["A2", '\'=HYPERLINK("http://x","y")', "二组", "59.99", "D", "0.5"],
    ]


def test_only_a_published_period_gives_pay_rows(ws: Workspace) -> None:
    build(ws)  # 2026-09 published, 2026-10 scored only
    # 2026-09 totals 60 (C: 0.8), 20 and 0 (D: 0.5) with the default scorecard
    got = [(r["agent_id"], r["grade"], r["pay_coefficient"]) for r in payroll_rows(ws, "2026-09")]
    assert got == [("A1", "C", 0.8), ("A2", "D", 0.5), ("A3", "D", 0.5)]
    with pytest.raises(NotPublished):
        payroll_rows(ws, "2026-10")
