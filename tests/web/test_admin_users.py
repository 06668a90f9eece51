"""The admin's user page: reset a password, change role and scope, keep an admin."""

from __future__ import annotations

import re

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select

from kefu.audit import AuditEntry
from kefu.users import service
from kefu.users.roles import Role
from tests.web.support import PASSWORD, Web, add_user, csrf_of


def _admin(web: Web) -> TestClient:
    return web.login("adm", Role.admin, totp_secret=pyotp.random_base32())


def _audit(web: Web, action: str) -> list[AuditEntry]:
    with web.ws.db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [r for r in rows]


def _post(client: TestClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/admin/users").text)
    return client.post(path, data={**data, "csrf_token": token})


def test_generated_password_is_shown_once_and_replaces_the_old_one(web: Web) -> None:
    client = _admin(web)
    victim = web.login("qa1", Role.qa)
    answer = _post(client, "/admin/users/qa1/password")
    assert answer.status_code == 200
    found = re.search(r'id="temp-password">([^<]+)<', answer.text)
    assert found, "the generated password is on the answer"
    temporary = found.group(1)
    assert "此密码只显示这一次" in answer.text
    assert temporary not in client.get("/admin/users").text
    assert victim.get("/account").status_code == 303  # the old session ended
    assert web.post_login(web.client(), "qa1").status_code == 401  # the old password
    assert web.post_login(web.client(), "qa1", temporary).status_code == 303
    entries = _audit(web, "user.password")
    assert [(e.actor, e.object_id) for e in entries] == [("adm", "qa1")]


def test_typed_temporary_password_works_at_login(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "mgr", Role.manager)
    answer = _post(client, "/admin/users/mgr/password", password="Quiet-Harbour-2731")
    assert answer.status_code == 200 and 'id="temp-password"' not in answer.text
    assert web.post_login(web.client(), "mgr", "Quiet-Harbour-2731").status_code == 303
    assert web.post_login(web.client(), "mgr", PASSWORD).status_code == 401


def test_weak_temporary_password_is_refused_in_the_readers_language(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "mgr", Role.manager)
    answer = _post(client, "/admin/users/mgr/password", password="password1234")
    assert answer.status_code == 400
    assert "临时密码不符合要求" in answer.text and "common" not in answer.text
    assert web.post_login(web.client(), "mgr").status_code == 303
    assert _audit(web, "user.password") == []


def test_admin_resets_their_own_password_only_on_the_account_page(web: Web) -> None:
    client = _admin(web)
    answer = _post(client, "/admin/users/adm/password", password="Quiet-Harbour-2731")
    assert answer.status_code == 400
    assert client.get("/account").status_code == 200
    assert _audit(web, "user.password") == []


def test_supervisor_teams_change_is_audited_and_ends_their_sessions(web: Web) -> None:
    client = _admin(web)
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    answer = _post(client, "/admin/users/sup/role", role="supervisor", teams="T2，T3")
    assert answer.status_code == 303
    with web.ws.db.session() as s:
        assert service.get_user(s, "sup").teams == ["T2", "T3"]
    assert sup.get("/account").status_code == 303
    (entry,) = _audit(web, "user.update")
    assert entry.actor == "adm" and entry.object_id == "sup"
    assert (entry.before or {})["teams"] == ["T1"] and (entry.after or {})["teams"] == ["T2", "T3"]
    assert "角色与范围已更改" in client.get("/admin/users").text


def test_role_change_to_agent_needs_the_agent_id(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "qa1", Role.qa)
    refused = _post(client, "/admin/users/qa1/role", role="agent")
    assert refused.status_code == 400 and "坐席账户需要填写工号" in refused.text
    assert _post(client, "/admin/users/qa1/role", role="agent", agent_id="A7").status_code == 303
    with web.ws.db.session() as s:
        user = service.get_user(s, "qa1")
        assert (user.role, user.agent_id, user.teams) == ("agent", "A7", [])


def test_the_same_role_change_twice_audits_one_change_of_scope(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "sup", Role.supervisor, teams=["T1"])
    for _ in range(2):
        answer = _post(client, "/admin/users/sup/role", role="supervisor", teams="T2")
        assert answer.status_code == 303
    with web.ws.db.session() as s:
        assert service.get_user(s, "sup").teams == ["T2"]
    changed = [e for e in _audit(web, "user.update") if e.before != e.after]
    assert len(changed) == 1


def test_last_active_admin_cannot_be_demoted_or_disabled(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "adm2", Role.admin, totp_secret=pyotp.random_base32())
    with web.ws.db.transaction() as s:
        service.set_disabled(s, service.get_user(s, "adm2"), True, actor="test")
    # adm2 is disabled: adm is the last active admin, and demoting them is refused.
    refused = _post(client, "/admin/users/adm/role", role="manager")
    assert refused.status_code == 400 and "最后一个有效的管理员" in refused.text
    with web.ws.db.session() as s:
        assert service.get_user(s, "adm").role == "admin"
    # With a second active admin, adm2 may be demoted by adm, and adm stays.
    assert _post(client, "/admin/users/adm2/enable").status_code == 303
    assert _post(client, "/admin/users/adm2/role", role="manager").status_code == 303
    assert client.get("/admin/users").status_code == 200


def test_service_refuses_to_disable_the_last_active_admin(web: Web) -> None:
    add_user(web.ws, "solo", Role.admin)
    with web.ws.db.transaction() as s:
        solo = service.get_user(s, "solo")
        try:
            service.set_disabled(s, solo, True, actor="cli")
        except service.LastAdmin:
            pass
        else:
            raise AssertionError("the last admin was disabled")
        assert not solo.disabled


def test_disabled_user_cannot_log_in_until_enabled(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "hr1", Role.hr)
    assert _post(client, "/admin/users/hr1/disable").status_code == 303
    assert web.post_login(web.client(), "hr1").status_code == 401
    assert [e.object_id for e in _audit(web, "user.disable")] == ["hr1"]


def test_generated_passwords_meet_the_policy_and_differ() -> None:
    from kefu.users.passwords import check_policy

    made = {service.generate_password() for _ in range(20)}
    assert len(made) == 20
    for pw in made:
        check_policy(pw, username="someone")
        assert re.fullmatch(r"([A-Za-z2-9]{5}-){3}[A-Za-z2-9]{5}", pw)


def test_user_page_in_english_has_no_chinese_outside_the_data(web: Web) -> None:
    client = _admin(web)
    add_user(web.ws, "zhang", Role.supervisor, teams=["一组"], display_name="张三")
    token = csrf_of(client.get("/admin/users").text)
    client.post("/lang", data={"locale": "en", "csrf_token": token})
    html = client.get("/admin/users").text
    assert "Reset password" in html and "Change role and scope" in html
    data = ("一组", "张三", "中文")  # the language switch names itself
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("|".join(data), "", html))


def test_refused_new_user_says_why_in_the_readers_language(web: Web) -> None:
    client = _admin(web)
    weak = _post(client, "/admin/users", username="wang", role="qa", password="password1234")
    assert weak.status_code == 400 and "初始密码不符合要求" in weak.text
    _post(client, "/admin/users", username="wang", role="qa", password=PASSWORD)
    again = _post(client, "/admin/users", username="wang", role="qa", password=PASSWORD)
    assert again.status_code == 400 and "已有同名用户" in again.text
    assert "already exists" not in again.text
