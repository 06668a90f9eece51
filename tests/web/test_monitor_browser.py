"""Real Chromium on the monitor: agents folded per team on a phone, open on a desktop,
and no sideways page scroll at 390 × 844 (the day of :mod:`tests.web.monitor_data`)."""

from __future__ import annotations

import pytest

from kefu.users.roles import Role
from tests.web.conftest import LiveServer
from tests.web.monitor_data import DAY, build
from tests.web.support import PASSWORD, add_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OPEN = "() => [...document.querySelectorAll('details.monitor-team')].map(d => d.open)"
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_monitor_folds_teams_on_a_phone_and_opens_them_on_a_desktop(  # type: ignore[no-untyped-def]
    browser, live_server: LiveServer
) -> None:
    build(live_server.web.ws)
    add_user(live_server.web.ws, "mgr", Role.manager)
    for size, folded in (
        ({"width": 390, "height": 844}, True),
        ({"width": 1280, "height": 800}, False),
    ):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size)
        page = context.new_page()
        page.goto("/login")
        page.fill("#username", "mgr")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit].btn-primary")
        page.wait_for_selector(".usermenu summary")
        page.goto(f"/monitor?date={DAY}")
        assert page.evaluate(OPEN) == [not folded, not folded]
        if folded:
            assert page.evaluate(SIDEWAYS) <= 0
            page.click("details.monitor-team[data-team=T1] summary")
            assert page.evaluate(OPEN) == [True, False]
        context.close()
