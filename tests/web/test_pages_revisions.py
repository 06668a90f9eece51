"""The applications export and the revisions page: files re-read, roles, languages.

On the appraisal data (tests/web/appraisal_data.py), 2026-09 is published with totals
A1 60 (C), A2 20 (D), A3 0 (D). The revision here re-scores 2026-09 with A2's FCR
corrected from 0.65 to 0.80: total 100 × (0.80 − 0.60) / 0.25 = 80, grade B (70–85),
pay coefficient 1.0 (was 0.5); A1 and A3 do not change.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from kefu import scoring
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.scoring.helpers import FakeEngine, fig
from tests.web.appraisal_data import FCR, build
from tests.web.support import Web, make_web

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CORRECTED = {**FCR["2026-09"], "A2": 0.80}


def _revise(ws: Workspace, *, publish: bool) -> None:
    figures = [fig("fcr_rate", v, key=a, period="2026-09") for a, v in CORRECTED.items()]
    scoring.score_period(ws, "2026-09", actor="li.manager", compute=FakeEngine(figures))
    if publish:
        scoring.publish(ws, "2026-09", actor="li.manager")


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_hr_downloads_the_applications_table_with_chinese_headers(app: Web) -> None:
    hr = app.login("hr", Role.hr, totp_secret=SECRET)
    page = hr.get("/applications?period=2026-09")
    assert 'id="download-applications-xlsx"' in page.text and "下载结果应用表" in page.text
    got = hr.get("/applications/applications.xlsx?period=2026-09")
    assert got.status_code == 200
    assert "applications-2026-09.xlsx" in got.headers["content-disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).worksheets[0].values)
    # Training: the one dimension holds all the weight (100); below 60 % of it → training.
    # A1's 60 is not below 60. Plans: grades C and D. Promotion needs A twice: nobody.
    assert rows == [
        ("工号", "姓名", "班组", "职场", "总分", "等级", "绩效系数", "晋升候选", "连续达标月份",
         "建议培训维度", "需改进计划"),
        ("A1", "张三", "T1", "S1", 60, "C", 0.8, None, None, None, "是"),
        ("A2", "李四", "T1", "S1", 20, "D", 0.5, None, None, "响应与解决效率", "是"),
        ("A3", "王五", "T2", "S1", 0, "D", 0.5, None, None, "响应与解决效率", "是"),
    ]  # fmt: skip


def test_applications_csv_in_english_and_unpublished_month_refused(app: Web) -> None:
    mgr = app.login("mgr", Role.manager)
    mgr.post("/lang", data={"locale": "en", "csrf_token": app.csrf(mgr, "/account")})
    lines = _csv(mgr.get("/applications/applications.csv?period=2026-09").content)
    assert lines[0][:7] == ["Agent ID", "Name", "Team", "Site", "Total", "Grade",
                            "Pay coefficient"]  # fmt: skip
    assert lines[2] == ["A2", "李四", "T1", "S1", "20.0", "D", "0.5", "", "", "Efficiency", "yes"]
    refused = mgr.get("/applications/applications.csv?period=2026-10")
    assert refused.status_code == 409 and "text/html" in refused.headers["content-type"]


def test_formula_like_names_are_neutralised_in_the_applications_files(app: Web) -> None:
    add_records(app.ws, "agents", [{"agent_id": "A1", "name": "=HYPERLINK(\"x\")", "team": "T1",
                                    "site": "S1", "hire_date": None}])  # fmt: skip
    figures = [fig("fcr_rate", v, key=a, period="2026-09") for a, v in FCR["2026-09"].items()]
    scoring.score_period(app.ws, "2026-09", actor="t", compute=FakeEngine(figures))
    scoring.publish(app.ws, "2026-09", actor="t")
    hr = app.login("hr", Role.hr, totp_secret=SECRET)
    lines = _csv(hr.get("/applications/applications.csv?period=2026-09").content)
    assert lines[1][1] == '\'=HYPERLINK("x")'
    book = hr.get("/applications/applications.xlsx?period=2026-09").content
    cell = openpyxl.load_workbook(io.BytesIO(book)).worksheets[0]["B2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    assert cell.quotePrefix


def test_revisions_page_says_who_changed_what_and_why(app: Web) -> None:
    _revise(app.ws, publish=True)
    mgr = app.login("mgr", Role.manager)
    assert 'href="/revisions?period=2026-09"' in mgr.get("/applications?period=2026-09").text
    page = mgr.get("/revisions?period=2026-09")
    assert page.status_code == 200
    assert "第 1 次修订" in page.text and "li.manager" in page.text
    assert "指标变动：一次性解决率" in page.text and "李四" in page.text
    assert "张三" not in page.text  # unchanged agents are not listed
    assert "pages.css" in page.text and "admin.css" in page.text


def test_revisions_export_is_one_line_per_changed_agent(app: Web) -> None:
    _revise(app.ws, publish=True)
    admin = app.login("root", Role.admin, totp_secret=SECRET)
    got = admin.get("/revisions.xlsx?period=2026-09")
    assert got.status_code == 200 and "revisions-2026-09.xlsx" in got.headers["content-disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).worksheets[0].values)
    assert rows[0] == (
        "修订号", "运行编号", "状态", "修订时间", "修订人", "工号", "姓名", "原总分",
        "新总分", "原等级", "新等级", "原绩效系数", "新绩效系数", "变更原因",
    )  # fmt: skip
    assert len(rows) == 2
    line = rows[1]
    assert (line[0], line[2], line[4]) == (1, "已发布", "li.manager")
    assert line[5:] == ("A2", "李四", 20, 80, "D", "B", 0.5, 1.0, "指标变动：一次性解决率")
    lines = _csv(admin.get("/revisions.csv?period=2026-09").content)
    assert [x[5] for x in lines[1:]] == ["A2"] and lines[1][9:11] == ["D", "B"]


def test_hr_does_not_see_a_revision_before_it_is_published(app: Web) -> None:
    _revise(app.ws, publish=False)
    hr = app.login("hr", Role.hr, totp_secret=SECRET)
    assert 'id="no-revisions"' in hr.get("/revisions?period=2026-09").text
    assert len(_csv(hr.get("/revisions.csv?period=2026-09").content)) == 1  # the header only
    mgr = app.login("mgr", Role.manager)
    page = mgr.get("/revisions?period=2026-09")
    assert "已计算，待发布" in page.text and "李四" in page.text


def test_revisions_page_in_english_has_no_chinese_outside_the_data(app: Web) -> None:
    import re

    _revise(app.ws, publish=True)
    mgr = app.login("mgr", Role.manager)
    mgr.post("/lang", data={"locale": "en", "csrf_token": app.csrf(mgr, "/account")})
    html = mgr.get("/revisions?period=2026-09").text
    assert "Revision 1" in html and "indicators moved: First-contact resolution" in html
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("李四|中文", "", html))


def test_same_revision_read_twice_gives_the_same_file(app: Web) -> None:
    _revise(app.ws, publish=True)
    mgr = app.login("mgr", Role.manager)
    first = mgr.get("/revisions.csv?period=2026-09").content
    assert mgr.get("/revisions.csv?period=2026-09").content == first
    again = mgr.get("/applications/applications.csv?period=2026-09").content
    assert again == mgr.get("/applications/applications.csv?period=2026-09").content
