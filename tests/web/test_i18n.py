"""Catalogues complete in both languages, the language switch, number formatting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.users import service
from kefu.users.roles import Role
from kefu.web import i18n
from kefu.web.i18n import format_date, format_number, format_percent, normalise_locale, translate
from tests.web.support import Web

TEMPLATES = Path(i18n.__file__).parent / "templates"
WEB = Path(i18n.__file__).parent


def test_every_message_exists_in_both_languages() -> None:
    zh, en = i18n.catalogue("zh-CN"), i18n.catalogue("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []
    assert all(v.strip() for v in [*zh.values(), *en.values()])


def test_every_literal_key_used_in_templates_and_code_exists() -> None:
    known = i18n.catalogue("zh-CN")
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
    used: set[str] = set()
    for path in [*TEMPLATES.glob("*.html"), *WEB.rglob("*.py")]:
        used |= set(pattern.findall(path.read_text("utf-8")))
    handed = [  # keys code hands to templates: flash(), error=..., the login page's error
        re.compile(r"""flash\([^)]*?["']([a-z0-9_]+\.[a-z0-9_.]+)["']"""),
        re.compile(r"""["']?error(?:_key)?["']?\s*[:=]\s*["']([a-z0-9_.]+)["']"""),
        re.compile(r"""(?:again|_login_page)\([^"')]*["']([a-z0-9_.]+)["']"""),
    ]
    for path in WEB.rglob("*.py"):
        text = path.read_text("utf-8")
        for rx in handed:
            used |= set(rx.findall(text))
    assert "login.failed" in used and "users.created" in used  # the scan itself works
    dynamic = (".html", ".", "_")  # template names and prefixes completed at run time
    missing = sorted(k for k in used if k not in known and not k.endswith(dynamic))
    assert missing == []


def test_role_and_error_messages_cover_every_case() -> None:
    from kefu.web.errors import CODES

    for locale in i18n.LOCALES:
        for role in Role:
            assert f"role.{role.value}" in i18n.catalogue(locale)
            assert f"home.scope.{role.value}" in i18n.catalogue(locale)
        for code in [*CODES.values(), "csrf", "error"]:
            assert f"error.{code}.title" in i18n.catalogue(locale)
            assert f"error.{code}.text" in i18n.catalogue(locale)


def test_translate_fills_parameters_and_falls_back_to_the_key() -> None:
    assert translate("en", "login.throttled", seconds=3) == (
        "Too many attempts; please try again in 3 seconds."
    )
    assert translate("zh-CN", "login.throttled", seconds=3) == "尝试次数过多，请 3 秒后再试。"
    assert translate("en", "no.such.key") == "no.such.key"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("zh", "zh-CN"), ("zh_cn", "zh-CN"), ("zh-TW", "zh-CN"), ("en-US", "en"), ("EN", "en"),
     ("fr", None), ("", None), (None, None)],
)  # fmt: skip
def test_normalise_locale(value: str | None, expected: str | None) -> None:
    assert normalise_locale(value) == expected


def test_number_and_percent_formatting_round_half_up() -> None:
    assert format_number(1234567.5, "zh-CN") == "1,234,568"
    assert format_number(2.345, "en", 2) == "2.35"  # half-up, not banker's or binary rounding
    assert format_percent(7 / 8, "zh-CN") == "87.5%"
    assert format_percent(0.00125, "en", 2) == "0.13%"
    assert format_percent(None, "en") == "—" and format_number(None, "zh-CN") == "—"


def test_date_formatting_per_language() -> None:
    from datetime import date

    assert format_date(date(2026, 10, 5), "zh-CN") == "2026年10月5日"
    assert format_date(date(2026, 10, 5), "en") == "5 Oct 2026"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_formatted_integers_read_back(value: int) -> None:
    assert int(format_number(value, "en").replace(",", "")) == value


def test_chinese_is_the_default_and_the_switch_remembers_english(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    assert "我的账户" in client.get("/account").text
    token = web.csrf(client, "/account")
    response = client.post("/lang", data={"locale": "en", "next": "/account", "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/account"
    assert "My account" in client.get("/account").text
    with web.ws.db.session() as s:
        assert service.get_user(s, "mgr").locale == "en"
    # The saved preference follows the user to a new browser.
    assert "My account" in web.login("mgr").get("/account").text


def test_language_switch_before_login_uses_a_cookie(web: Web) -> None:
    client = web.client()
    token = web.csrf(client)
    client.post("/lang", data={"locale": "en", "csrf_token": token})
    assert "Log in" in client.get("/login").text


def test_no_message_is_defined_in_two_catalogue_files() -> None:
    import yaml

    for locale in i18n.LOCALES:
        owner: dict[str, str] = {}
        clashes = []
        for path in sorted((WEB / "locales" / locale).glob("*.yaml")):
            flat: dict[str, str] = {}
            i18n._flatten("", yaml.safe_load(path.read_text("utf-8")) or {}, flat)
            for key in flat:
                if key in owner:
                    clashes.append(f"{locale}: {key} in {owner[key]} and {path.name}")
                owner.setdefault(key, path.name)
        assert clashes == []


@pytest.mark.parametrize(
    ("locale", "alert", "text"),
    [
        ("zh-CN", {"watch": "overdue_tickets", "rule": "at_least", "limit": 3}, "达到 3"),
        ("en", {"watch": "overdue_tickets", "rule": "at_least", "limit": 3}, "reached 3"),
        ("zh-CN", {"watch": "fcr_rate", "rule": "below", "limit": 0.7}, "低于 70.00%"),
        (
            "en",
            {"watch": "aht_avg", "rule": "outside", "limit": [150, 480]},
            "outside 150.0 s–480.0 s",
        ),
    ],
)
def test_alerts_are_worded_in_the_pages_language(locale: str, alert: dict, text: str) -> None:
    from kefu.web.pages import _alert_text

    assert _alert_text(alert, locale) == text
