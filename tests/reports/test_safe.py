from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.reports.csvfile import appraisal_csv
from kefu.reports.safe import DANGEROUS_FIRST, csv_cell, is_dangerous
from kefu.reports.xlsx import appraisal_workbook

INJECTION = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r", "\0"])
def test_every_formula_trigger_is_dangerous(first: str) -> None:
    assert is_dangerous(first + "1+1")
    assert csv_cell(first + "1+1") == "'" + first + "1+1"


def test_ordinary_text_and_numbers_pass_unchanged() -> None:
    assert csv_cell("张伟") == "张伟"
    assert csv_cell("A-001") == "A-001"
    assert csv_cell(-3.5) == -3.5
    assert csv_cell(0) == 0
    assert csv_cell(None) == ""


@given(st.text())
def test_a_csv_cell_never_starts_like_a_formula(value: str) -> None:
    cell = csv_cell(value)
    assert not str(cell).startswith(DANGEROUS_FIRST)
    # Nothing is lost: the original text is the cell minus at most the prefix.
    assert cell in (value, "'" + value)


def _with_injected_names(results: list[dict]) -> list[dict]:
    results[0]["name"] = INJECTION
    results[0]["team"] = "@SUM(A1:A9)"
    results[2]["site"] = "-2+3"
    return results


def test_xlsx_writes_formula_like_text_as_quoted_text(tmp_path, results, meta) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(appraisal_workbook(_with_injected_names(results), meta))
    wb = openpyxl.load_workbook(path)
    team = wb[wb.sheetnames[1]]
    cells = [c for row in team.iter_rows() for c in row if c.value == INJECTION]
    assert cells, "the name is in the team sheet"
    for c in cells:
        assert c.data_type == "s"
        assert c.quotePrefix
    for sheet in wb:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{sheet.title}!{c.coordinate} is a formula"
    # The summary's team line and centre ranking keep the texts as texts too.
    summary = wb[wb.sheetnames[0]]
    values = [c.value for row in summary.iter_rows() for c in row]
    assert INJECTION in values and "@SUM(A1:A9)" in values and "-2+3" in values


def test_csv_prefixes_formula_like_text_with_an_apostrophe(results, meta) -> None:
    data = appraisal_csv(_with_injected_names(results), meta)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:]]
    assert "'" + INJECTION in names
    assert "'@SUM(A1:A9)" in [r[2] for r in rows[1:]]
    assert "'-2+3" in [r[3] for r in rows[1:]]
    assert INJECTION not in names
