"""The manager tries a new weighting before anyone is paid by it (试算), then saves it.

The demo centre grades by forced distribution across its 24 agents, so moving
weight within the quality dimension (服务规范遵守度 compliance 8 → 14, 信息准确率
information accuracy 10 → 4; the dimension still weighs 30) reorders agents and
some change grade. The manager changes the compliance weight in the form, reads
the issue beside the dimension (its indicators now sum to 36), restores the sum
with information accuracy, gives the draft a version, runs 试算 on the published
month, reads why a mover moves (the two indicators whose points moved), saves the
draft as a new version and finds it in the versions list. A save tried while the
sum was wrong is refused and loses nothing, not even across a reload. On a phone the form
fits the screen.
"""

from __future__ import annotations

import pytest

from tests.journeys.conftest import PUBLISHED, UNDER_WAY, Person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

COMPLIANCE = 'input[data-path$="(compliance_score).weight"]'
ACCURACY = 'input[data-path$="(info_accuracy_rate).weight"]'
DRAFT_VERSION = "2026.2-试算"


def _status_is(person: Person, text: str) -> None:
    # A locator, not wait_for_function: the pages' CSP forbids evaluating strings.
    person.page.locator("#ed-status", has_text=text).wait_for()


def test_manager_tries_a_new_weighting_and_saves_it(desktop: Person, phone: Person) -> None:
    page = desktop.page
    desktop.log_in("manager")
    page.goto("/scorecards")
    with page.expect_navigation():
        page.click("#open-editor")
    page.wait_for_selector(COMPLIANCE)
    assert page.input_value(COMPLIANCE) == "8" and page.input_value(ACCURACY) == "10"

    page.fill(COMPLIANCE, "14")
    quality = page.locator(".ed-dimension", has_text="服务质量与准确性")
    beside = quality.locator(".ed-field-issue").first
    beside.wait_for()
    assert beside.inner_text() == "维度权重为 30，但其指标权重之和为 36"
    _status_is(desktop, "有问题需要处理")

    # Saved too early: refused, and nothing typed is lost, not even by a reload.
    page.click("#ed-save")
    page.locator("#ed-message", has_text="保存失败").wait_for()
    assert page.input_value(COMPLIANCE) == "14"
    page.reload()
    page.locator("#ed-message", has_text="已恢复上次未保存的草稿").wait_for()
    assert page.input_value(COMPLIANCE) == "14"

    page.fill(ACCURACY, "4")
    page.fill('input[data-path="version"]', DRAFT_VERSION)
    _status_is(desktop, "没有问题")
    yaml_view = page.input_value("#ed-yaml")
    assert "id: compliance_score" in yaml_view and DRAFT_VERSION in yaml_view

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
    assert "服务规范遵守度" in reason or "信息准确率" in reason, reason
    assert "→" in movers.first.inner_text()

    page.click("#ed-save")
    page.wait_for_selector("#ed-saved")
    page.goto("/scorecards")
    versions = page.inner_text("#versions")
    assert DRAFT_VERSION in versions

    # A manager on a phone: the form does not scroll sideways.
    phone.log_in("manager")
    phone.page.goto("/scorecards/edit")
    phone.page.wait_for_selector(COMPLIANCE)
    phone.no_sideways_scroll()
