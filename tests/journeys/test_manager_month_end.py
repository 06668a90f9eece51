"""The manager's month end: late complaints in, rejects read, scored, published, pay out.

November is scored but not published. The feedback system sends a late export
of November complaints as GBK CSV (Excel on Chinese Windows): three new
complaints against the demo agent, made from rows of the demo's own 投诉.csv,
and two broken rows. The manager uploads it, reads why the two were refused,
uploads the same file again by mistake (nothing new, nothing moves), scores
November, publishes it and downloads the pay table, which matches the results
application page line by line. Then the manager scores the fourth quarter from
the overview and opens the demo agent's quarter sheet: its total is the mean of
October's and November's totals.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from kefu import scoring
from tests.journeys.conftest import PUBLISHED, UNDER_WAY, Centre, Person
from tests.journeys.files import read_csv, upheld_cs_complaints, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

LATE = 3  # new complaints in the late export


def _late_export(centre: Centre, agent: str, folder: Path) -> Path:
    """Three new upheld complaints against ``agent`` on 28 November, then two broken rows."""
    demo = read_csv(centre.export("complaints")[0])
    # The late system's numbers (TS-B…) cannot be any of the demo's own (TS + date + sequence).
    november = [r for r in demo if r["投诉时间"].startswith(UNDER_WAY)][:LATE]
    rows = [
        {**r, "投诉单号": f"TS-B2026112800{n:04d}", "被投诉坐席": agent, "通话ID": "",
         "投诉时间": f"2026-11-28 10:0{n}:00", "投诉原因": "服务态度", "严重程度": "一般",
         "是否客服责任": "是", "处理状态": "成立"}
        for n, r in enumerate(november, start=1)
    ]  # fmt: skip
    rows.append({**rows[0], "投诉单号": "TS-B20261128009998", "投诉时间": "2026-11-31 09:00:00"})
    rows.append({**rows[0], "投诉单号": "TS-B20261128009999", "处理状态": "待定"})
    return write_csv(folder / "投诉_2026-11补报.csv", rows, encoding="gbk")


def _counted(person: Person, agent: str) -> int:
    """The upheld customer-service complaints the sheet counts (the complaint rate's numerator)."""
    person.page.goto(f"/agents/{agent}/records?indicator=complaint_rate&period={UNDER_WAY}")
    return round(float(person.text("#records-numerator").replace(",", "")))


def _upload(person: Person, path: Path) -> str:
    page = person.page
    page.goto("/imports")
    page.set_input_files("#up-files", str(path))
    page.select_option("#up-table", "complaints")
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    row = page.locator("tr", has_text=path.name).first
    row.wait_for()
    return str(row.inner_text())


def test_manager_month_end(centre: Centre, desktop: Person, tmp_path: Path) -> None:
    agent = centre.template.agent
    page = desktop.page
    late = _late_export(centre, agent, tmp_path)
    in_file = len(upheld_cs_complaints(read_csv(centre.export("complaints")[0]), agent, UNDER_WAY))

    desktop.log_in("manager")
    assert _counted(desktop, agent) == in_file

    # The late export: 5 rows read, 3 accepted and new, 2 rejected.
    first = _upload(desktop, late).split("\t")
    assert [c.strip() for c in first[1:7]] == ["投诉", "已导入", "5", "3", "2", "3"], first
    page.locator("tr", has_text=late.name).first.get_by_role("link", name="2").click()
    page.wait_for_selector("#rejects-table")
    rejects = [
        [c.strip() for c in r.split("\t")]
        for r in page.inner_text("#rejects-table tbody").splitlines()
    ]
    # Rows are the file's lines (the header is line 1): the broken rows are lines 5 and 6,
    # each under the file's own header and with its reason in Chinese.
    assert [(r[0], r[1], r[2]) for r in rejects] == [
        ("5", "投诉时间", "2026-11-31 09:00:00"),
        ("6", "处理状态", "待定"),
    ]
    assert [r[3] for r in rejects] == ["不是日期时间（如 2026-10-01 08:00:05）", "不是可识别的取值"]
    assert all(r[3] for r in rejects), "every refused row says why"

    # The same file again: nothing new, nothing changed.
    again = _upload(desktop, late).split("\t")
    # (columns: file, table, status, read, accepted, rejected, new, changed)
    assert (again[6].strip(), again[7].strip()) == ("0", "0"), again

    # Score November: the three late complaints count once.
    page.goto(f"/?period={UNDER_WAY}")
    with page.expect_navigation():
        page.click("#score-button", no_wait_after=True)  # the navigation waits
    assert _counted(desktop, agent) == in_file + LATE

    # Not published yet: no pay table.
    page.goto(f"/applications/pay.xlsx?period={UNDER_WAY}")
    assert "尚未发布，不能导出绩效工资表" in desktop.text("#pay-refused")

    page.goto(f"/?period={UNDER_WAY}")
    with page.expect_navigation():
        page.click("#publish-button", no_wait_after=True)  # the navigation waits
    assert "已发布" in desktop.text(".run-status")

    page.goto(f"/applications?period={UNDER_WAY}")
    shown = {}
    for tr in page.locator("#applications tbody tr").all():
        cells = [c.strip() for c in tr.inner_text().split("\t")]
        agent_id = tr.locator("td").first.get_attribute("data-value")
        grade, *reason = cells[3].splitlines()
        # e.g. 强制分布:全中心 24 人中总分排第 3 名,A 等名额 5 人
        assert reason, f"{agent_id}'s grade {grade} says why"
        shown[agent_id] = (cells[1], cells[2], grade, cells[4])
    with page.expect_download() as got:
        page.click("#download-pay-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "班组", "总分", "等级", "绩效系数")
    in_workbook = {
        r[0]: (r[2], f"{r[3]:,.2f}", r[4], f"{r[5]:.2f}") for r in rows[1:]
    }  # fmt: skip
    assert in_workbook == shown
    assert len(in_workbook) == 24

    # The day's monitor: follow an agent's name to their sheet, drill into a figure, keep
    # only the records it leaves out and download them.
    page.goto("/monitor")
    assert "团队" in page.inner_text("#monitor-teams thead")
    name = page.locator("#monitor-agents td a").first
    who = name.inner_text().strip()
    with page.expect_navigation():
        name.click()
    assert who in desktop.text("h1")
    with page.expect_navigation():
        page.locator("a.drill").first.click()
    assert "/records?" in page.url
    with page.expect_navigation():
        page.click('.record-filters a[data-counted="not_counted"]')
    chip = '.record-filters a[data-counted="not_counted"] .chip-count'
    left_out = int(desktop.text(chip).replace(",", ""))
    with page.expect_download() as got:
        page.click("#records-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    records = list(book.worksheets[0].iter_rows(values_only=True))
    assert records[0][:4] == ("数据表", "记录编号", "计入分子", "计入分母")
    assert len(records) - 1 == left_out
    assert all(r[2] == "否" and r[3] == "否" for r in records[1:])

    # The fourth quarter, scored from the overview and opened like a month.
    page.goto(f"/?period={UNDER_WAY}")
    page.select_option("#score-cycle-period", "2026-Q4")
    with page.expect_navigation():
        page.click("#score-cycle-button", no_wait_after=True)  # the navigation waits
    assert "period=2026-Q4" in page.url
    assert "已评分" in desktop.text(".run-status")
    months = [scoring.agent_result(centre.ws, m, agent).total for m in (PUBLISHED, UNDER_WAY)]
    page.goto(f"/agents/{agent}?period=2026-Q4")
    assert desktop.text("#period-select option:checked").startswith("2026-Q4")
    assert desktop.text("#sheet-total") == f"{sum(months) / 2:,.2f}"
    assert page.locator("#sheet-table").count() == 1
