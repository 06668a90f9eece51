"""The manager imports a new platform's export through the wizard, then takes it back.

The centre's new feedback platform exports complaints in a layout Kefu has never
seen (English headers, no 投诉单号). The manager uploads it in the import wizard, maps
its columns, reads the preview (three new complaints, nothing rejected, nothing
written yet), saves the mapping as the profile ``feedback-hub`` and imports. After
November is scored again the demo agent's complaint count is three higher. The
manager then retracts the batch — the confirmation names November, whose scores
used it — scores November again, and the count is back where it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kefu.ingest.mapping import load_profile
from tests.journeys.conftest import UNDER_WAY, Centre, Person
from tests.journeys.files import read_csv, upheld_cs_complaints

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

NEW = 3
# The platform's columns → the complaints columns they are mapped to in the wizard.
MAPPING = {
    "complaint_id": "h:CaseNo", "agent_id": "h:Owner", "received_at": "h:OpenedAt",
    "cause": "h:Reason", "attributed": "h:OurFault", "status": "h:Verdict",
}  # fmt: skip


def _export(agent: str, folder: Path) -> Path:
    """Three upheld customer-service complaints against ``agent`` on 27 November."""
    path = folder / "feedback-hub-export.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["CaseNo", "Owner", "OpenedAt", "Reason", "OurFault", "Verdict"])
        for n in range(1, NEW + 1):
            w.writerow([f"FH-{n:05d}", agent, f"2026-11-27 1{n}:00:00", "服务态度", "是", "成立"])
    return path


def _counted(person: Person, agent: str) -> int:
    """The upheld customer-service complaints the sheet counts (the complaint rate's numerator)."""
    person.page.goto(f"/agents/{agent}/records?indicator=complaint_rate&period={UNDER_WAY}")
    return round(float(person.text("#records-numerator").replace(",", "")))


def _score(person: Person) -> None:
    person.page.goto(f"/?period={UNDER_WAY}")
    with person.page.expect_navigation():
        person.page.click("#score-button", no_wait_after=True)  # the navigation waits


def test_manager_imports_new_platform(
    centre: Centre, desktop: Person, phone: Person, tmp_path: Path
) -> None:
    agent = centre.template.agent
    page = desktop.page
    export = _export(agent, tmp_path)
    before = len(upheld_cs_complaints(read_csv(centre.export("complaints")[0]), agent, UNDER_WAY))

    desktop.log_in("manager")
    assert _counted(desktop, agent) == before

    # Upload: the layout is unknown.
    page.goto("/imports")
    page.set_input_files("#wz-file", str(export))
    with page.expect_navigation():
        page.click("#wizard-form button[type=submit]")
    assert "未能识别此文件的格式" in desktop.text("#wizard-unknown")
    page.select_option("#wz-table", "complaints")
    with page.expect_navigation():
        page.click("#wizard-map-start button[type=submit]")

    # The mapping screen names the fields in Chinese; the person picks each column.
    screen = desktop.text("#wizard-map")
    assert "对应各列：投诉" in screen and "投诉单号" in screen and "是否客服责任" in screen
    for column, choice in MAPPING.items():
        page.select_option(f"#col-{column}", choice)
    with page.expect_navigation():
        page.click("#wizard-map-form button[type=submit]")

    # The preview: 3 read, 3 new, nothing rejected, nothing written yet.
    counts = {
        key: desktop.text(f"#wizard-counts [data-count={key}]")
        for key in ("rows_read", "new", "changed", "unchanged", "rejected", "other_source")
    }
    assert counts == {"rows_read": "3", "new": "3", "changed": "0", "unchanged": "0",
                      "rejected": "0", "other_source": "0"}  # fmt: skip
    assert "尚未写入任何数据" in desktop.text("#wizard-preview")
    sample = desktop.text("#wizard-sample")
    assert "FH-00001" in sample and "2026-11-27 11:00:00" in sample and "新增" in sample

    # Save the mapping as a workspace profile: the same YAML the CLI reads.
    page.fill("#wz-name", "feedback-hub")
    with page.expect_navigation():
        page.click("#wizard-save-form button[type=submit]")
    assert "已保存为映射方案“feedback-hub”" in desktop.text("#wizard-saved")
    profile = load_profile("feedback-hub", centre.ws.mappings_dir)
    assert profile.table == "complaints" and profile.columns["complaint_id"] == "CaseNo"

    # The wizard's pages fit a phone's width.
    phone.log_in("manager", landing=page.url.replace(centre.url, ""))
    phone.page.goto(page.url.replace(centre.url, ""))
    assert "导入预览" in phone.text()
    phone.no_sideways_scroll()

    # Import: the job's page follows it to its end.
    with page.expect_navigation():
        page.click("#wizard-import-form button[type=submit]")
    page.wait_for_selector("#job[data-state=done]", timeout=120_000)
    row = page.locator("#upload-results tr", has_text=export.name).first
    cells = [c.strip() for c in row.inner_text().split("\t")]
    assert cells[1:7] == ["投诉", "已导入", "3", "3", "0", "3"], cells

    _score(desktop)
    assert _counted(desktop, agent) == before + NEW

    # Retract: the newest batch, from the imports page, after a confirmation.
    page.goto("/imports")
    batch = page.locator("#batches tbody tr", has_text=export.name).first
    assert "已提交" in batch.inner_text()
    with page.expect_navigation():
        batch.locator("a[id^=retract-]").click()
    assert UNDER_WAY in desktop.text("#retract-periods")
    with page.expect_navigation():
        page.click("#retract-form button[type=submit]")
    assert "已撤回" in desktop.text("#retract-done")
    assert UNDER_WAY in desktop.text("#retract-done")
    assert "已撤回" in page.locator("#batches tbody tr", has_text=export.name).first.inner_text()

    _score(desktop)
    assert _counted(desktop, agent) == before
