"""The pay export on the results application page: buttons, files, refusal, roles."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.appraisal_data import build
from tests.web.support import Web, make_web

HR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def test_the_manager_downloads_the_pay_table_of_a_published_month(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    page = client.get("/applications?period=2026-09")
    assert 'id="download-pay-xlsx"' in page.text and "下载绩效工资表" in page.text
    got = client.get("/applications/pay.xlsx?period=2026-09")
    assert got.status_code == 200
    assert "pay-2026-09.xlsx" in got.headers["content-disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).worksheets[0].values)
    # 2026-09: totals 60, 20, 0 → grades C, D, D → coefficients 0.8, 0.5, 0.5
    assert rows == [
        ("工号", "姓名", "班组", "总分", "等级", "绩效系数"),
        ("A1", "张三", "T1", 60, "C", 0.8),
        ("A2", "李四", "T1", 20, "D", 0.5),
        ("A3", "王五", "T2", 0, "D", 0.5),
    ]


def test_an_unpublished_month_is_refused_with_a_message(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    got = client.get("/applications/pay.csv?period=2026-10")
    assert got.status_code == 409
    assert "text/html" in got.headers["content-type"]
    assert "2026-10 尚未发布，不能导出绩效工资表" in got.text
    client.post("/lang", data={"locale": "en", "csrf_token": app.csrf(client, "/account")})
    english = client.get("/applications/pay.xlsx?period=2026-10")
    assert english.status_code == 409 and "has not been published" in english.text


def test_hr_downloads_the_published_csv_and_admin_has_no_button(app: Web) -> None:
    hr = app.login("hr", Role.hr, totp_secret=HR_SECRET)
    got = hr.get("/applications/pay.csv")  # HR's default month is the published 2026-09
    assert got.status_code == 200
    lines = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert lines[0] == ["工号", "姓名", "班组", "总分", "等级", "绩效系数"]
    assert lines[1] == ["A1", "张三", "T1", "60.0", "C", "0.8"]
    admin = app.login("root", Role.admin, totp_secret=HR_SECRET)
    assert "download-pay-xlsx" not in admin.get("/applications?period=2026-09").text
    assert admin.get("/applications/pay.xlsx?period=2026-09").status_code == 403
