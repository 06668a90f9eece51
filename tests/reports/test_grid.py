"""Plain-table downloads: numbers stay numbers, integers integers, formulas stay text."""

from __future__ import annotations

import csv
import io

import openpyxl

from kefu.reports.grid import grid_csv, grid_xlsx

HEADERS = ["姓名", "超时工单", "首次响应时长(秒)"]
ROWS = [["=SUM(A1:A9)", 72, 2736.0], ["张三", 3, 12.5], [None, None, None]]


def test_csv_has_a_bom_neutralised_text_and_integers_without_decimals() -> None:
    data = grid_csv(HEADERS, ROWS)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [HEADERS, ["'=SUM(A1:A9)", "72", "2736"], ["张三", "3", "12.5"], ["", "", ""]]


def test_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers() -> None:
    sheet = openpyxl.load_workbook(
        io.BytesIO(grid_xlsx("每日监控 2026-11-11", HEADERS, ROWS))
    ).active
    assert sheet.title == "每日监控 2026-11-11"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert rows[1] == ["=SUM(A1:A9)", 72, 2736]
    assert sheet["A2"].data_type == "s"
    assert rows[2] == ["张三", 3, 12.5]


def test_sheet_names_lose_the_characters_excel_refuses() -> None:
    book = openpyxl.load_workbook(io.BytesIO(grid_xlsx("a/b:c" + "x" * 40, ["h"], [])))
    assert book.active.title == ("a b c" + "x" * 40)[:31]
