"""Real Chromium, the main path: publish → review → acknowledgement → plan → next month's figure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kefu.metrics import compute
from kefu.users.roles import Role
from tests.web.conftest import LiveServer
from tests.web.support import PASSWORD, add_user
from tests.workflow.helpers import centre, publish

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inbox")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].btn-primary")


def _log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click(".usermenu summary")
    with page.expect_navigation():
        page.click("#logout")


def test_review_acknowledgement_plan_and_completion_in_the_browser(  # type: ignore[no-untyped-def]
    page, live_server: LiveServer
) -> None:
    web = live_server.web
    centre(web.ws)
    publish(web.ws)
    web.clock.now = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    add_user(web.ws, "sup", Role.supervisor, teams=["T1"], display_name="李主管")
    add_user(web.ws, "a1", Role.agent, agent_id="A1", display_name="坐席一")

    _log_in(page, "sup")
    page.goto("/reviews")
    page.select_option("#nr-agent", "A1")
    page.select_option("#nr-period", "2026-10")
    with page.expect_navigation():
        page.click("#open-review")
    assert page.inner_text("#review-state") == "草稿"
    assert "服务规范遵守度" in page.inner_text("dl.facts")  # the weakest indicator, by name
    page.fill("#rv-strengths", "态度好")
    page.fill("#rv-measures", "每周复听录音")
    with page.expect_navigation():
        page.click("#save-review")
    review_url = page.url
    # Grade C: the plan comes before the meeting is marked as held.
    page.fill("#pl-title", "话术改进")
    page.fill("#pl-d1", "复听 10 通录音")
    page.fill("#pl-due1", "2026-11-20")
    page.fill("#pl-d2", "通过话术考试")
    page.fill("#pl-due2", "2026-11-25")
    with page.expect_navigation():
        page.click("#create-plan")
    plan_url = page.url
    assert "/plans/" in plan_url
    page.goto(review_url)
    with page.expect_navigation():
        page.click("#hold-review")
    assert page.inner_text("#review-state") == "已面谈"
    _log_out(page)

    _log_in(page, "a1")
    assert "确认面谈记录" in page.inner_text("#tasks")
    with page.expect_navigation():
        page.click("#tasks a >> text=确认面谈记录")
    page.fill("#rv-self_assessment", "认同")
    with page.expect_navigation():
        page.click("#save-review")
    with page.expect_navigation():
        page.click("#acknowledge-review")
    assert page.inner_text("#review-state") == "已确认"
    page.goto(plan_url)
    page.fill("#items input[name=evidence] >> nth=0", "已复听")
    page.fill("#items input[name=completed_on] >> nth=0", "2026-11-19")
    with page.expect_navigation():
        page.click("#save-item-1")
    assert "已保存" in page.inner_text(".flash")

    # November: two items due, one completed by its due date → 1 / 2.
    figure = next(
        f
        for f in compute(web.ws, "2026-11", indicators=["improvement_completion_rate"])
        if f.key == "A1"
    )
    assert figure.value == pytest.approx(1 / 2)
