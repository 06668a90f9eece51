"""The audit trail in the reader's language: actions, objects and each changed field."""

from __future__ import annotations

import re

from kefu.users.roles import Role
from tests.web.support import Web


def _audit_rows(html: str) -> str:
    return html[html.index('id="audit"') :]


def test_a_login_reads_as_a_sentence_not_an_action_code(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    rows = _audit_rows(client.get("/audit").text)
    assert "登录成功" in rows and "用户" in rows
    assert "login.success" not in rows


def test_before_and_after_are_fields_under_their_names_not_json(web: Web) -> None:
    web.login("boss", Role.admin, display_name="王五")  # creating a user is audited
    client = web.login("mgr", Role.manager)
    rows = _audit_rows(client.get("/audit?action=user.create").text)
    assert "创建用户" in rows and "角色" in rows and "显示名称" in rows
    assert not re.search(r'\{&#34;|\{"', rows)  # no raw JSON object


def test_the_same_trail_in_english(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    client.cookies.set("kefu_lang", "en")
    rows = _audit_rows(client.get("/audit").text)
    assert "signed in" in rows and "登录" not in rows
