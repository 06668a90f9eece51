"""Real Chromium on the team table and the agent sheet at a desktop's and a phone's width:
the figures that decide a person's place stay in view, and nothing scrolls the page
sideways (one small scored workspace, :mod:`tests.web.appraisal_data`)."""

from __future__ import annotations

import pytest

from kefu.users.roles import Role
from tests.web.appraisal_data import build
from tests.web.conftest import LiveServer
from tests.web.support import PASSWORD, add_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE_WIDTH = "[document.scrollingElement.scrollWidth, window.innerWidth]"
STICKY = (".stick-name", ".stick-total", ".stick-grade", ".stick-rank")


def _log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector(".usermenu summary")


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width, inner = page.evaluate(PAGE_WIDTH)
    assert width <= inner, f"{page.url} scrolls sideways ({width} > {inner} px)"


def _scroll_table_right(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Scroll the team table's card to its far right; its scroll and visible widths."""
    return tuple(
        page.eval_on_selector(
            "#team-scroll",
            "el => { el.scrollLeft = el.scrollWidth; return [el.scrollWidth, el.clientWidth]; }",
        )
    )


def _box(page, selector: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box  # type: ignore[no-any-return]


def test_team_table_and_sheet_fit_desktop_and_phone(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    build(live_server.web.ws)
    add_user(live_server.web.ws, "mgr", Role.manager)
    _log_in(page, "mgr")

    # 1440 px: after scrolling the indicators to the far right, name, total, grade and
    # rank of every row are still inside the table's card and the window.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/teams/T1?period=2026-10")
    scroll_width, visible = _scroll_table_right(page)
    assert scroll_width > visible, "the indicators overflow the card (else nothing to test)"
    page.wait_for_function("document.querySelector('#team-scroll').scrollLeft > 0")
    card = _box(page, "#team-scroll")
    for row in ("tbody tr:first-child", "tbody tr:last-child"):
        for cell in STICKY:
            box = _box(page, f"#team-table {row} td{cell}")
            assert card["x"] - 1 <= box["x"], (row, cell, box)
            assert box["x"] + box["width"] <= min(card["x"] + card["width"], 1440) + 1, (
                row,
                cell,
                box,
            )
    assert "张三" in page.inner_text("#team-table tbody tr:first-child td.stick-name")
    _no_sideways_scroll(page)

    # 390 px: the table scrolls inside its card, the name stays at its left edge.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/teams/T1?period=2026-10")
    _no_sideways_scroll(page)
    _scroll_table_right(page)
    page.wait_for_function("document.querySelector('#team-scroll').scrollLeft > 0")
    card = _box(page, "#team-scroll")
    name = _box(page, "#team-table tbody tr:first-child td.stick-name")
    assert card["x"] - 1 <= name["x"] <= card["x"] + 1
    _no_sideways_scroll(page)

    # The agent sheet at 390 px: one card per dimension; an indicator's name takes the
    # card's width (not one character per line); value, target and points on screen.
    page.goto("/agents/A1?period=2026-10")
    _no_sideways_scroll(page)
    assert page.locator("#sheet-table thead").is_hidden()
    dims = page.locator("#sheet-table tbody")
    assert dims.count() >= 4
    assert _box(page, "#sheet-table tbody")["width"] <= 390
    name = _box(page, "#sheet-table td.ind-name")
    assert name["width"] > 200, name
    assert name["height"] < 60, name  # one or two lines, not a column of characters
    for cell in ("td.ind-name", "td[data-label]", "td.ind-points"):
        box = _box(page, f"#sheet-table {cell}")
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell, box)
    # The month-on-month arrow of the total is on the phone's screen too.
    assert page.inner_text("#total-change") == "▲20.00"
    # On a desktop the sheet is a table again.
    page.set_viewport_size({"width": 1440, "height": 900})
    assert page.locator("#sheet-table thead").is_visible()
    assert page.locator("#team-table").count() == 0
