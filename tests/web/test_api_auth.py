"""API tokens: bearer authentication, revocation, expiry; the users API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
from sqlalchemy import select

from kefu.audit import AuditEntry
from kefu.store.appdb import utcnow
from kefu.users import service
from kefu.users.models import ApiToken
from kefu.users.roles import Role
from tests.web.support import PASSWORD, Web, add_user


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bearer_token_authenticates_without_csrf(any_web: Web) -> None:
    add_user(any_web.ws, "bot", Role.manager)
    token = any_web.token("bot")
    client = any_web.client()
    me = client.get("/api/v1/me", headers=_bearer(token))
    assert me.status_code == 200 and me.json()["username"] == "bot"
    revoked = client.delete("/api/v1/tokens/999", headers=_bearer(token))
    assert revoked.status_code == 404  # a write, accepted without a CSRF token


def test_a_token_cannot_create_tokens(any_web: Web) -> None:
    add_user(any_web.ws, "bot", Role.manager)
    token = any_web.token("bot")
    client = any_web.client()
    minted = client.post("/api/v1/tokens", json={"name": "second"}, headers=_bearer(token))
    assert minted.status_code == 403
    with any_web.ws.db.session() as s:
        assert len(s.scalars(select(ApiToken)).all()) == 1


def test_a_logged_in_user_creates_a_token_with_a_scope_and_default_expiry(web: Web) -> None:
    client = web.login("bot", Role.manager)
    csrf = web.csrf(client, "/account")
    created = client.post(
        "/api/v1/tokens", json={"name": "bi", "scope": "read"}, headers={"X-CSRF-Token": csrf}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["scope"] == "read" and body["token"].startswith("kefu_")
    days = (datetime.fromisoformat(body["expires_at"]) - utcnow()).total_seconds() / 86400
    assert 89.9 < days <= 90


def test_every_token_expires_after_the_setting_by_default(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    token = web.token("bot")
    web.clock.now = utcnow() + timedelta(days=89)
    assert web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 200
    web.clock.now = utcnow() + timedelta(days=90, minutes=1)
    assert web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_a_read_token_reads_but_cannot_write(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    with web.ws.db.transaction() as s:
        bot = service.get_user(s, "bot")
        _, reader = service.create_token(s, bot, "bi", actor="test", scope="read")
        other, _ = service.create_token(s, bot, "etl", actor="test")
        other_id = other.id
    client = web.client()
    assert client.get("/api/v1/tokens", headers=_bearer(reader)).status_code == 200
    refused = client.delete(f"/api/v1/tokens/{other_id}", headers=_bearer(reader))
    assert refused.status_code == 403
    with web.ws.db.session() as s:
        assert s.get(ApiToken, other_id).revoked_at is None  # type: ignore[union-attr]


def test_a_password_change_ends_the_users_tokens(any_web: Web) -> None:
    add_user(any_web.ws, "bot", Role.manager)
    token = any_web.token("bot")
    with any_web.ws.db.transaction() as s:
        service.set_password(s, service.get_user(s, "bot"), "a brand new passphrase", actor="t")
    assert any_web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_a_token_stays_ended_when_its_disabled_user_is_enabled_again(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    token = web.token("bot")
    for disabled in (True, False):
        with web.ws.db.transaction() as s:
            service.set_disabled(s, service.get_user(s, "bot"), disabled, actor="test")
    assert web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_api_answers_are_never_cached(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    token = web.token("bot")
    client = web.client()
    for response in (
        client.get("/api/v1/me", headers=_bearer(token)),
        client.get("/api/v1/me"),  # 401
        client.get("/api/v1/nothing-here", headers=_bearer(token)),  # 404
    ):
        assert response.headers["cache-control"] == "no-store"


def test_token_is_stored_hashed_and_shown_once(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    token = web.token("bot")
    with web.ws.db.session() as s:
        row = s.scalars(select(ApiToken)).one()
    assert row.token_hash == service.digest(token) and token not in row.token_hash
    listed = web.client().get("/api/v1/tokens", headers=_bearer(token)).json()
    assert "token" not in listed[0] and listed[0]["prefix"] == token[:11]


def test_revoked_token_is_refused(any_web: Web) -> None:
    add_user(any_web.ws, "bot", Role.manager)
    token = any_web.token("bot")
    client = any_web.client()
    token_id = client.get("/api/v1/tokens", headers=_bearer(token)).json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=_bearer(token)).status_code == 204
    response = client.get("/api/v1/me", headers=_bearer(token))
    assert response.status_code == 401
    with any_web.ws.db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry))]
    assert "token.create" in actions and "token.revoke" in actions


def test_expired_token_is_refused(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    with web.ws.db.transaction() as s:
        _, token = service.create_token(
            s, service.get_user(s, "bot"), "short", actor="test", expires_in_days=1
        )
    web.clock.now = utcnow() + timedelta(hours=23)
    assert web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 200
    web.clock.now = utcnow() + timedelta(days=1, minutes=1)
    assert web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_disabled_users_token_is_refused(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    token = web.token("bot")
    with web.ws.db.transaction() as s:
        service.set_disabled(s, service.get_user(s, "bot"), True, actor="test")
    assert web.client().get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_unknown_or_malformed_tokens_are_refused(web: Web) -> None:
    client = web.client()
    for header in ("Bearer kefu_nothing", "Bearer nope", "Basic abc", "Bearer "):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json() == {
            "error": {"code": "not_authenticated", "message": "please log in"}
        }


def test_token_does_not_open_pages(web: Web) -> None:
    add_user(web.ws, "bot", Role.manager)
    token = web.token("bot")
    assert web.client().get("/", headers=_bearer(token)).status_code == 303


def test_user_cannot_revoke_someone_elses_token(web: Web) -> None:
    add_user(web.ws, "ann", Role.manager)
    add_user(web.ws, "bob", Role.manager)
    mine, theirs = web.token("ann"), web.token("bob")
    client = web.client()
    their_id = client.get("/api/v1/tokens", headers=_bearer(theirs)).json()[0]["id"]
    response = client.delete(f"/api/v1/tokens/{their_id}", headers=_bearer(mine))
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=_bearer(theirs)).status_code == 200


def test_admin_creates_and_changes_users_through_the_api(any_web: Web) -> None:
    add_user(any_web.ws, "adm", Role.admin, totp_secret=pyotp.random_base32())
    auth = _bearer(any_web.token("adm"))
    client = any_web.client()
    body = {"username": "zhang.san", "role": "agent", "password": PASSWORD, "agent_id": "A001",
            "display_name": "张三"}  # fmt: skip
    created = client.post("/api/v1/users", json=body, headers=auth)
    assert created.status_code == 201
    assert created.json()["agent_id"] == "A001" and created.json()["role"] == "agent"
    agent = any_web.login("zhang.san")
    changed = client.patch(
        "/api/v1/users/zhang.san", json={"role": "supervisor", "teams": ["T1"]}, headers=auth
    )
    assert changed.status_code == 200
    assert changed.json()["teams"] == ["T1"] and changed.json()["agent_id"] is None
    # A change of role or scope ends the user's sessions.
    assert agent.get("/account").status_code == 303
    disabled = client.patch("/api/v1/users/zhang.san", json={"disabled": True}, headers=auth)
    assert disabled.json()["disabled"] is True


def test_api_rejects_a_weak_password_with_a_clear_message(web: Web) -> None:
    add_user(web.ws, "adm", Role.admin, totp_secret=pyotp.random_base32())
    response = web.client().post(
        "/api/v1/users",
        json={"username": "weak", "role": "qa", "password": "password1234"},
        headers=_bearer(web.token("adm")),
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("this password is too common")


def test_admin_cannot_disable_themselves(web: Web) -> None:
    add_user(web.ws, "adm", Role.admin, totp_secret=pyotp.random_base32())
    response = web.client().patch(
        "/api/v1/users/adm", json={"disabled": True}, headers=_bearer(web.token("adm"))
    )
    assert response.status_code == 400


def test_openapi_lists_only_the_api(web: Web) -> None:
    schema = web.client().get("/api/v1/openapi.json").json()
    assert schema["paths"]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_token_created_on_the_account_page_is_shown_once_and_works(web: Web) -> None:
    from tests.web.support import csrf_of

    client = web.login("mgr", Role.manager)
    token = csrf_of(client.get("/account").text)
    page = client.post(
        "/account/tokens", data={"name": "夜间导出", "days": "", "csrf_token": token}
    )
    assert page.status_code == 200
    secret = page.text.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("kefu_")
    assert secret not in client.get("/account").text
    assert web.client().get("/api/v1/me", headers=_bearer(secret)).status_code == 200
    bad = client.post("/account/tokens", data={"name": "x", "days": "0", "csrf_token": token})
    assert bad.status_code == 400


def test_token_revoked_on_the_account_page_stops_working(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    add_user(web.ws, "other", Role.manager)
    secret, foreign = web.token("mgr"), web.token("other")
    api = web.client()
    mine_id = api.get("/api/v1/tokens", headers=_bearer(secret)).json()[0]["id"]
    foreign_id = api.get("/api/v1/tokens", headers=_bearer(foreign)).json()[0]["id"]
    token = web.csrf(client, "/account")
    url = "/account/tokens/{}/revoke"
    assert client.post(url.format(foreign_id), data={"csrf_token": token}).status_code == 404
    assert client.post(url.format(mine_id), data={"csrf_token": token}).status_code == 303
    assert api.get("/api/v1/me", headers=_bearer(secret)).status_code == 401
    assert api.get("/api/v1/me", headers=_bearer(foreign)).status_code == 200
