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


def _my_agents(person: Person) -> list[tuple[str, str]]:
    """(工号, name) of the agents the review form offers (the supervisor's team)."""
    options = person.page.locator("#nr-agent option").all()
    found = []
    for option in options:
        value = str(option.get_attribute("value") or "")
        if value:
            found.append((value, str(option.inner_text()).split(" · ")[0]))
    return found


def test_supervisor_finds_an_agent_and_opens_a_review_with_the_pickers(
    centre: Centre, desktop: Person
) -> None:
    page = desktop.page
    desktop.log_in("supervisor", landing="/reviews")
    mine = _my_agents(desktop)
    assert mine, "the review form offers the supervisor's agents"
    reviewed = desktop.text("#reviews")
    agent_id, name = next((a, n) for a, n in mine if a not in reviewed)

    # The top bar's search: typing part of the name suggests the agent (typeahead) …
    page.fill("#top-search", name[:2])
    page.wait_for_function(
        "id => [...document.querySelectorAll('#top-search-list option')]"
        ".some(o => o.value === id)", arg=agent_id,
    )  # fmt: skip
    # … and the search lists them, linked to their sheet.
    page.fill("#top-search", name)
    with page.expect_navigation():
        page.click("#top-search-go")
    with page.expect_navigation():
        page.click(f"#search-results a[href='/agents/{agent_id}']")
    assert page.url.endswith(f"/agents/{agent_id}")
    # An exact 工号 goes straight to the sheet.
    page.goto("/account")
    page.fill("#top-search", agent_id)
    with page.expect_navigation():
        page.click("#top-search-go")
    assert page.url.split("?")[0].endswith(f"/agents/{agent_id}")

    # The review is opened by picking the agent and the published month: nothing typed.
    page.goto("/reviews")
    page.select_option("#nr-agent", agent_id)
    assert page.input_value("#nr-period") == PUBLISHED  # the published month is chosen
    with page.expect_navigation():
        page.click("#open-review")
    assert desktop.text("#review-state") == translate("zh-CN", "wf.review_state.draft")
    assert agent_id in desktop.text("h1")
    # The plan's items are owned by the agent unless another owner is picked.
    assert page.input_value("#pl-owner1") == agent_id


def test_supervisor_searches_on_a_phone_without_sideways_scroll(
    centre: Centre, phone: Person
) -> None:
    page = phone.page
    phone.log_in("supervisor", landing="/reviews")
    phone.no_sideways_scroll()
    name = _my_agents(phone)[0][1]
    page.fill("#top-search", name)
    with page.expect_navigation():
        page.click("#top-search-go")
    assert name in phone.text("#search-results")
    phone.no_sideways_scroll()
