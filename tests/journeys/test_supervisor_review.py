"""The supervisor holds the review still in draft: writes the record, marks it held."""

from __future__ import annotations

import pytest

from kefu.web.i18n import translate
from tests.journeys.conftest import PUBLISHED, Centre, Person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

RECORD = {
    "strengths": "通话开场规范，客户满意度高于班组平均。",
    "gaps": "首次解决率偏低，改址业务常转二线。",
    "measures": "本月跟听改址类来电 5 通，周五前完成知识库考试。",
}


def test_supervisor_holds_the_draft_review(centre: Centre, desktop: Person) -> None:
    page = desktop.page
    desktop.log_in("supervisor", landing="/reviews")
    draft = translate("zh-CN", "wf.review_state.draft")
    row = page.locator("#reviews tbody tr, table tbody tr").filter(has_text=draft).first
    assert PUBLISHED in str(row.inner_text())
    with page.expect_navigation():
        row.get_by_role("link").click()
    assert desktop.text("#review-state") == draft
    assert PUBLISHED in desktop.text("h1")

    for field, text in RECORD.items():
        page.fill(f"#rv-{field}", text)
    with page.expect_navigation():
        page.click("#save-review")
    assert translate("zh-CN", "wf.saved") in desktop.text(".flash")
    with page.expect_navigation():
        page.click("#hold-review")
    assert desktop.text("#review-state") == translate("zh-CN", "wf.review_state.held")
    assert "李主管" in desktop.text("main") or "supervisor" in desktop.text("main")
    # What was written is kept, and the hold button is gone (held once).
    for field, text in RECORD.items():
        assert page.input_value(f"#rv-{field}") == text
    assert page.locator("#hold-review").count() == 0
