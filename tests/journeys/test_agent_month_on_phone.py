"""An agent's month on a phone: the published sheet, a complaint appealed, a review signed.

The demo agent opens Kefu on a 390×844 phone. October is published: the sheet
shows the grade. November is scored but not published: the agent sees that the
month's result is not out yet, and no points or grade. From October's sheet
the agent drills into the complaints behind the complaint rate, appeals the
major one, and acknowledges the review the supervisor held, with a
self-assessment. When November is published, the agent's November sheet shows
the total's change against October (▲ or ▼ and the difference). No page
scrolls sideways.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from kefu import scoring
from kefu.web.i18n import translate
from tests.journeys.conftest import PUBLISHED, UNDER_WAY, Centre, Person
from tests.journeys.files import complaints

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

SELF_ASSESSMENT = "十月份理赔口径答错两次，已复听录音并整理了知识库要点。"


def test_agent_month_on_phone(centre: Centre, phone: Person) -> None:
    agent = centre.template.agent
    page = phone.page
    published = {r["agent_id"]: r for r in scoring.results(centre.ws, PUBLISHED, published=True)}
    mine = complaints(centre.export("complaints")[0], agent, PUBLISHED)
    # The complaint the agent disputes: upheld, caused by customer service, major.
    disputed = next(r for r in mine if r["是否客服责任"] == "是" and r["严重程度"] == "重大")

    phone.log_in("agent", landing="/agents/me")
    phone.no_sideways_scroll()

    page.goto(f"/agents/{agent}?period={PUBLISHED}")
    assert phone.text(".summary .grade") == published[agent]["grade"]
    phone.no_sideways_scroll()
    # The month under way has no result for the agent yet, and the pickers do not offer it.
    page.goto(f"/agents/{agent}?period={UNDER_WAY}")
    shown = phone.text()
    assert "本月结果尚未发布" in shown
    assert page.locator("#sheet-total").count() == 0
    assert page.locator(".summary .grade").count() == 0
    phone.no_sideways_scroll()

    # October's sheet → the records behind the complaint rate.
    page.goto(f"/agents/{agent}?period={PUBLISHED}")
    with page.expect_navigation():
        page.locator("a.drill[href*='indicator=complaint_rate']").click()
    assert disputed["投诉单号"] in phone.text("#records-table")
    phone.no_sideways_scroll()

    # The appeal on that complaint.
    page.goto(f"/appeals?table=complaints&record_id={disputed['投诉单号']}")
    phone.no_sideways_scroll()
    page.select_option("#na-field", "status")
    page.fill("#na-value", "rejected")
    page.fill("#na-reason", "客户投诉的是快递员延误，录音中本人已按流程解释，不属客服责任。")
    with page.expect_navigation():
        page.click("#file-appeal")
    assert disputed["投诉单号"] in phone.text("h1")
    assert phone.text("#appeal-state") == translate("zh-CN", "wf.appeal_state.open")
    phone.no_sideways_scroll()

    # The review the supervisor held: a self-assessment, then acknowledged.
    page.goto("/reviews")
    phone.no_sideways_scroll()
    with page.expect_navigation():
        page.locator("tr", has_text=PUBLISHED).get_by_role("link").first.click()
    assert phone.text("#review-state") == translate("zh-CN", "wf.review_state.held")
    page.fill("#rv-self_assessment", SELF_ASSESSMENT)
    with page.expect_navigation():
        page.click("#save-review")
    with page.expect_navigation():
        page.click("#acknowledge-review")
    assert phone.text("#review-state") == translate("zh-CN", "wf.review_state.acknowledged")
    assert phone.text("#rv-self_assessment") == SELF_ASSESSMENT
    phone.no_sideways_scroll()

    # November is published: the sheet shows the change against October's published total.
    # October's own sheet has no arrow (September was never scored).
    page.goto(f"/agents/{agent}?period={PUBLISHED}")
    assert page.locator("#total-change .mom").count() == 0
    scoring.publish(centre.ws, UNDER_WAY, actor="journey")
    november = scoring.agent_result(centre.ws, UNDER_WAY, agent, published=True)
    cent = Decimal("0.01")
    shown = [Decimal(repr(t)).quantize(cent, ROUND_HALF_UP)
             for t in (november.total, published[agent]["total"])]  # fmt: skip
    difference = shown[0] - shown[1]
    arrow = "▲" if difference > 0 else "▼" if difference < 0 else "±"
    page.goto(f"/agents/{agent}?period={UNDER_WAY}")
    assert phone.text("#total-change") == f"{arrow}{abs(difference)}"
    assert (
        page.locator("#total-change .mom").get_attribute("title").startswith(f"上期 {PUBLISHED}：")
    )
    phone.no_sideways_scroll()
