"""HR's month: two-factor enrolment, then the published appraisal table as a workbook."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from kefu import scoring
from tests.journeys.conftest import PUBLISHED, UNDER_WAY, Centre, Person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]


def test_hr_downloads_only_the_published_table(centre: Centre, desktop: Person) -> None:
    page = desktop.page
    published = {r["agent_id"]: r for r in scoring.results(centre.ws, PUBLISHED, published=True)}
    desktop.log_in("hr", landing="/applications")  # enrols TOTP on the way
    options = page.locator("#period-select option").all_inner_texts()
    assert any(o.startswith(PUBLISHED) for o in options)
    assert not any(o.startswith(UNDER_WAY) for o in options)

    page.goto("/")
    with page.expect_download() as got:
        page.click("#download-all")
    assert got.value.suggested_filename == f"appraisal-{PUBLISHED}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    cells = [
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for v in row if v is not None
    ]  # fmt: skip
    assert any(PUBLISHED in c for c in cells)
    assert not any(UNDER_WAY in c for c in cells)
    # Every agent of the published month and nobody else (November has one agent more).
    ids = {
        row[0] for sheet in book.worksheets[1:] for row in sheet.iter_rows(values_only=True)
        if row and isinstance(row[0], str) and re.fullmatch(r"KF\d+", row[0])
    }  # fmt: skip
    assert ids == set(published)

    # For payroll: the applications table of the same month, every agent's coefficient.
    page.goto(f"/applications?period={PUBLISHED}")
    with page.expect_download() as got:
        page.click("#download-applications-xlsx")
    assert got.value.suggested_filename == f"applications-{PUBLISHED}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("工号", "姓名", "班组", "职场", "总分", "等级", "绩效系数")
    pay = {row[0]: row[6] for row in rows[1:]}
    assert pay == {a: r["pay_coefficient"] for a, r in published.items()}
