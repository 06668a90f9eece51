"""Status labels are true: a published month whose data changed is not called a draft."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kefu import scoring
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import contact, sh
from tests.scoring.helpers import FakeEngine, fig
from tests.web.appraisal_data import FCR, build
from tests.web.support import Web, make_web


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def _import_september_calls(ws: Workspace) -> None:
    # a corrected export touching the published month, imported after it was scored
    add_records(ws, "contacts", [contact("C9", "A1", sh(2026, 9, 8, 10))],
                source_file="calls-2026-09.csv")  # fmt: skip


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _status_cell(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["汇总"]
    return str(sheet.cell(row=3, column=2).value)


def test_published_month_with_data_changed_is_labelled_published_and_stale(app: Web) -> None:
    _import_september_calls(app.ws)
    mgr = app.login("mgr", Role.manager)
    pdf = _pdf_text(mgr.get("/agents/A1/sheet.pdf", params={"period": "2026-09"}).content)
    assert "草稿" not in pdf and "尚未发布" not in pdf
    assert "数据已更新" in pdf
    book = mgr.get("/export/appraisal.xlsx", params={"period": "2026-09"}).content
    assert _status_cell(book).startswith("已发布(数据已更新,需重新评分)")
    page = mgr.get("/agents/A1", params={"period": "2026-09"}).text
    assert "数据已更新，需重新评分" in page


def test_overview_says_when_fresh_figures_meet_old_grades(app: Web) -> None:
    mgr = app.login("mgr", Role.manager)
    assert "cards-stale" not in mgr.get("/", params={"period": "2026-10"}).text
    add_records(app.ws, "contacts", [contact("C10", "A2", sh(2026, 10, 9, 10))],
                source_file="calls-2026-10b.csv")  # fmt: skip
    page = mgr.get("/", params={"period": "2026-10"}).text
    assert 'id="cards-stale"' in page and "数据已更新，需重新评分" in page
    assert mgr.get("/api/v1/overview", params={"period": "2026-10"}).json()["run"]["stale"]


def test_a_pending_revision_is_named_as_such(app: Web) -> None:
    figures = [
        fig("fcr_rate", v + 0.05, key=a, period="2026-09") for a, v in FCR["2026-09"].items()
    ]
    scoring.score_period(app.ws, "2026-09", actor="test", compute=FakeEngine(figures))
    mgr = app.login("mgr", Role.manager)
    body = mgr.get("/api/v1/agents/A1", params={"period": "2026-09"}).json()
    assert body["run"]["status"] == "revision_pending"
    pdf = _pdf_text(mgr.get("/agents/A1/sheet.pdf", params={"period": "2026-09"}).content)
    assert "修订草稿" in pdf and "本期结果尚未发布" not in pdf
    page = mgr.get("/agents/A1", params={"period": "2026-09"}).text
    assert "修订草稿" in page
    # the revision can be published from the overview
    assert 'id="publish-button"' in mgr.get("/", params={"period": "2026-09"}).text
    # HR and the agent still read the published results, labelled published
    hr = app.login("hr", Role.hr, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert hr.get("/api/v1/agents/A1", params={"period": "2026-09"}).json()["run"]["status"] == (
        "published"
    )


def test_grades_explain_themselves_on_the_sheet_team_table_and_workbook(app: Web) -> None:
    mgr = app.login("mgr", Role.manager)
    # A1 in October: fcr 0.80 → total 80 (see tests.web.appraisal_data): B from the 70 line
    sheet = mgr.get("/agents/A1", params={"period": "2026-10"}).text
    assert "总分 80 ≥ B 等分数线 70" in sheet
    assert "−0.00" not in sheet and 'id="penalty-lines">0.00' in sheet
    team = mgr.get("/teams/T1", params={"period": "2026-10"}).text
    assert "总分 80 ≥ B 等分数线 70" in team
    book = openpyxl.load_workbook(
        io.BytesIO(mgr.get("/teams/T1/appraisal.xlsx", params={"period": "2026-10"}).content)
    )
    values = [c.value for r in book["T1"].iter_rows() for c in r]
    assert "等级说明" in values and "总分 80 ≥ B 等分数线 70" in values
    pdf = _pdf_text(mgr.get("/agents/A1/sheet.pdf", params={"period": "2026-10"}).content)
    assert "总分 80 ≥ B 等分数线 70" in pdf.replace("\n", "")
