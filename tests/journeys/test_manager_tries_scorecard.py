"""The manager tries a new weighting before anyone is paid by it (试算), then saves it.

The demo centre grades by forced distribution across its 24 agents, so moving
weight within the satisfaction dimension (客户满意度 CSAT 14 → 20, 净推荐值 NPS
8 → 2; the dimension still weighs 30) reorders agents and some change grade. The
manager changes CSAT's weight in the form, reads the issue beside the dimension
(its indicators now sum to 36), restores the sum with NPS, gives the draft a
version, runs 试算 on the published month, reads why a mover moves, saves the
draft as a new version and finds it in the versions list. On a phone the form
fits the screen.
"""

from __future__ import annotations

import pytest

from tests.journeys.conftest import PUBLISHED, UNDER_WAY, Person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

CSAT = 'input[data-path$="(csat_rate).weight"]'
NPS = 'input[data-path$="(nps).weight"]'
DRAFT_VERSION = "2026.2-试算"


def _status_is(person: Person, text: str) -> None:
    person.page.wait_for_function(
        "t => document.querySelector('#ed-status').textContent.indexOf(t) >= 0", arg=text
    )


def test_manager_tries_a_new_weighting_and_saves_it(desktop: Person, phone: Person) -> None:
    page = desktop.page
    desktop.log_in("manager")
    page.goto("/scorecards")
    with page.expect_navigation():
        page.click("#open-editor")
    page.wait_for_selector(CSAT)
    assert page.input_value(CSAT) == "14" and page.input_value(NPS) == "8"

    page.fill(CSAT, "20")
    satisfaction = page.locator(".ed-dimension", has_text="客户满意度与忠诚度")
    beside = satisfaction.locator(".ed-field-issue").first
    beside.wait_for()
    assert beside.inner_text() == "维度权重为 30，但其指标权重之和为 36"
    _status_is(desktop, "有问题需要处理")

    page.fill(NPS, "2")
    page.fill('input[data-path="version"]', DRAFT_VERSION)
    _status_is(desktop, "没有问题")
    yaml_view = page.input_value("#ed-yaml")
    assert "id: csat_rate" in yaml_view and DRAFT_VERSION in yaml_view

    # 试算 on the published month only.
    page.uncheck(f"#ed-months input[value='{UNDER_WAY}']")
    page.check(f"#ed-months input[value='{PUBLISHED}']")
    page.click("#ed-simulate")
    page.wait_for_selector("#ed-results:not([hidden])")
    pay = page.inner_text("#ed-pay")
    assert PUBLISHED in pay
    movers = page.locator("#ed-movers tr.ed-mover")
    movers.first.wait_for()
    reason = movers.first.locator(".ed-reason").inner_text()
    assert "客户满意度" in reason or "净推荐值" in reason, reason
    assert "→" in movers.first.inner_text()

    page.click("#ed-save")
    page.wait_for_selector("#ed-saved")
    page.goto("/scorecards")
    versions = page.inner_text("#versions")
    assert DRAFT_VERSION in versions

    # A manager on a phone: the form does not scroll sideways.
    phone.log_in("manager")
    phone.page.goto("/scorecards/edit")
    phone.page.wait_for_selector(CSAT)
    phone.no_sideways_scroll()
