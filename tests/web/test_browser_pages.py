"""Real Chromium on the appraisal pages: charts drawn, sorting, drill-down, downloads,
uploads, language switch, and each role's view (one small scored workspace)."""

from __future__ import annotations

import io

import openpyxl
import pyotp
import pytest

from kefu.users.roles import Role
from tests.web.appraisal_data import build
from tests.web.conftest import LiveServer
from tests.web.support import PASSWORD, add_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Opaque pixels drawn on a chart's canvas (0 = nothing rendered).
PAINTED = """el => {
  const c = el.querySelector('canvas');
  if (!c) { return 0; }
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
  return n;
}"""


def _log_in(page, username: str, secret: str | None = None, at=None) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    if secret:
        page.wait_for_selector("#code")
        page.fill("#code", totp_code(secret, at))
        page.click("button[type=submit].btn-primary")
    page.wait_for_selector(".usermenu summary")


def _painted(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"{selector}[data-rendered=true] canvas")
    return int(page.eval_on_selector(selector, PAINTED))


def test_manager_from_overview_to_records(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    ws = live_server.web.ws
    build(ws)
    add_user(ws, "mgr", Role.manager)
    _log_in(page, "mgr")
    page.goto("/?period=2026-10")
    assert page.inner_text("h1").startswith("中心概览")
    assert _painted(page, "#grade-chart") > 500
    assert page.locator(".kpi .chart canvas").count() >= 10

    page.click("#team-ranking a:text('T1')")
    page.wait_for_selector("#team-table")
    first = lambda: page.inner_text("#team-table tbody tr:first-child td:first-child")  # noqa: E731
    assert "张三" in first()
    total_head = page.locator("#team-table th", has_text="总分")
    total_head.click()  # ascending: the lower total (李四, 40) first
    assert "李四" in first()
    with page.expect_download() as info:
        page.click("#download-team")
    assert info.value.suggested_filename == "T1-2026-10.xlsx"
    with open(info.value.path(), "rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()))
    assert "T1" in book.sheetnames

    page.click("#team-table a:text('张三')")
    page.wait_for_selector("#sheet-table")
    assert _painted(page, "#radar-chart") > 500
    assert _painted(page, "#trend-chart") > 200
    with page.expect_navigation():
        page.click("#sheet-table a.drill")
    assert "/agents/A1/records" in page.url
    assert page.inner_text("#records-total") == "3"
    assert page.locator("#records-table tbody tr").count() == 3

    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    # one table per kind of record, headed by its kind: the columns start at the record
    assert page.inner_text("#records-table h2").startswith("Contacts")
    assert page.inner_text("#records-table thead").startswith("Record ID")
    page.goto("/?period=2026-10")
    assert page.inner_text("h1").startswith("Centre overview")


def test_each_role_sees_its_part(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    ws = live_server.web.ws
    build(ws)
    add_user(ws, "a1", Role.agent, agent_id="A1")
    add_user(ws, "sup", Role.supervisor, teams=["T2"])
    add_user(ws, "qa", Role.qa)
    secret = pyotp.random_base32()
    add_user(ws, "hr", Role.hr, totp_secret=secret)

    # the agent lands on their own sheet; another agent's sheet does not exist for them
    _log_in(page, "a1")
    page.goto("/")
    page.wait_for_selector("#sheet-table")
    assert "/agents/A1" in page.url
    assert page.request.get("/agents/A2").status == 404
    page.context.clear_cookies()

    # the supervisor's overview is their team
    _log_in(page, "sup")
    page.goto("/?period=2026-10")
    assert "T2" in page.inner_text("h1")
    assert page.locator("#team-ranking tbody tr").count() == 1
    page.context.clear_cookies()

    # QA uploads an export and sees its summary
    _log_in(page, "qa")
    page.goto("/imports")
    page.set_input_files(
        "#up-files",
        files=[{"name": "花名册.csv", "mimeType": "text/csv",
                "buffer": "工号,姓名,班组,职场,入职日期\nA7,孙八,T2,S1,2026-03-01\n".encode()}],
    )  # fmt: skip
    page.select_option("#up-table", "agents")
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    # The upload answers with its job's page, which refreshes itself until the import is done.
    assert "/imports/jobs/" in page.url
    page.wait_for_selector("#upload-results")
    summary = page.inner_text("#upload-results")
    assert "花名册.csv" in summary and "已导入" in summary
    page.context.clear_cookies()

    # HR sees the published month only, with the applications
    _log_in(page, "hr", secret, live_server.web.clock())
    page.goto("/applications")
    assert page.locator("#period-select option").all_inner_texts()[0].startswith("2026-09")
    assert page.locator("#applications tbody tr").count() == 3
