"""Real Chromium: log in (with and without TOTP), Chinese by default, switch to English, log out."""

from __future__ import annotations

import pyotp
import pytest

from kefu.users.roles import Role
from tests.web.conftest import LiveServer
from tests.web.support import PASSWORD, add_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/account")
    assert "/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].btn-primary")


def test_login_language_switch_and_logout(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    add_user(live_server.web.ws, "mgr", Role.manager, display_name="王经理")
    _log_in(page, "mgr")
    page.wait_for_selector(".usermenu summary")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text(".usermenu summary") == "王经理 经理"
    page.goto("/account")
    assert page.inner_text("h1") == "我的账户"

    # The language switch submits itself from kefu.js (no inline script under the CSP).
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.inner_text("h1") == "My account"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text(".usermenu summary") == "王经理 Manager"

    page.click(".usermenu summary")
    with page.expect_navigation():
        page.click("#logout")
    assert page.url.endswith("/login")
    assert "You have logged out." in page.inner_text(".flash")
    page.goto("/account")
    assert "/login" in page.url


def test_login_with_totp(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    add_user(live_server.web.ws, "sup", Role.supervisor, teams=["T1"], totp_secret=secret)
    _log_in(page, "sup")
    page.wait_for_selector("#code")
    assert "/login/totp" in page.url
    page.fill("#code", totp_code(secret, live_server.web.clock()))
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector(".usermenu summary")
    assert page.inner_text(".usermenu .role") == "主管"


def test_api_docs_render_from_vendored_files(page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert "/api/v1/me" in page.inner_text(".swagger-ui")
    assert all(url.startswith(live_server.url) for url in requests), requests
