from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.reports.csvfile import appraisal_csv
from kefu.reports.safe import DANGEROUS_FIRST, csv_cell, csv_writer, is_dangerous
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


# -- one writer for every file ---------------------------------------------------

# Constructors of a CSV or workbook writer; only kefu.reports.safe may call them.
_WRITERS = {("csv", "writer"), ("csv", "DictWriter"), ("xlsxwriter", "Workbook")}
# The demo's synthetic *source* exports stand for the vendors' own files before
# import: they must keep every value as a vendor system writes it.
_RAW_ALLOWED = {"kefu/reports/safe.py", "kefu/demo/exports.py"}


def _writer_calls(path: Path) -> list[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in _WRITERS:
                found.append(f"{owner.id}.{node.func.attr} at line {node.lineno}")
        if isinstance(node, ast.ImportFrom) and node.module in ("csv", "xlsxwriter"):
            names = {a.name for a in node.names}
            if names & {"writer", "DictWriter", "Workbook"}:
                found.append(f"from {node.module} import {sorted(names)} at line {node.lineno}")
    return found


def test_every_csv_and_workbook_in_src_is_written_through_the_neutraliser() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    offenders = {}
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        if rel not in _RAW_ALLOWED and (calls := _writer_calls(path)):
            offenders[rel] = calls
    assert not offenders, f"use kefu.reports.safe.csv_writer / workbook instead: {offenders}"


def test_safe_csv_writer_neutralises_text_and_keeps_numbers() -> None:
    buf = io.StringIO()
    csv_writer(buf, lineterminator="\n").writerow(["+cmd|' /C calc'!A0", -3, None, "张伟", "-1"])
    assert buf.getvalue() == "'+cmd|' /C calc'!A0,-3,,张伟,'-1\n"


def test_audit_workbook_text_cells_keep_formulas_as_quoted_text() -> None:
    from datetime import UTC, datetime

    from kefu.workflow import trail

    row = {c: None for c in trail.COLUMNS}
    row.update(id=1, at=datetime(2026, 11, 2, tzinfo=UTC), actor="=cmd|' /C calc'!A0",
               action="user.update", object_type="user", object_id="@SUM(1+1)")  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(trail.to_xlsx([row])))
    sheet = book.active
    cells = [c for c in sheet[2] if isinstance(c.value, str) and c.value[:1] in "=@"]
    assert {c.value for c in cells} == {"=cmd|' /C calc'!A0", "@SUM(1+1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
