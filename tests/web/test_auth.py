"""Logging in and out, session life cycle, CSRF, two-factor, throttling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
from sqlalchemy import select

from kefu.audit import AuditEntry
from kefu.users import service, throttle
from kefu.users.models import WebSession
from kefu.users.roles import Role
from kefu.users.service import digest
from kefu.users.throttle import Rule, ThrottlePolicy
from kefu.web.settings import SESSION_COOKIE
from kefu.workspace import Workspace
from tests.web.support import PASSWORD, Web, add_user, csrf_of, make_web, totp_code


def _actions(web: Web) -> list[str]:
    with web.ws.db.session() as s:
        return [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_page_without_session_redirects_to_login_with_next(web: Web) -> None:
    response = web.client().get("/account?tab=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount%3Ftab%3D1"


def test_api_without_credentials_is_401_with_error_body(web: Web) -> None:
    response = web.client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_login_sets_hardened_session_cookie_and_audits(any_web: Web) -> None:
    add_user(any_web.ws, "mgr", Role.manager)
    client = any_web.client()
    response = any_web.post_login(client, "mgr")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "kefu_session" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP test server
    assert client.get("/account").status_code == 200
    assert "login.success" in _actions(any_web)


def test_session_cookie_is_secure_and_host_prefixed_over_https(ws) -> None:  # type: ignore[no-untyped-def]
    from tests.web.support import make_web

    web = make_web(ws)
    add_user(ws, "mgr", Role.manager)
    client = web.client(base_url="https://kefu.example")
    response = web.post_login(client, "mgr")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "kefu_session" in c)
    assert cookie.startswith("__Host-kefu_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert client.get("/account").status_code == 200
    logout = client.post("/logout", data={"csrf_token": web.csrf(client, "/account")})
    assert any(
        c.startswith("__Host-kefu_session=") and "Max-Age=0" in c
        for c in logout.headers.get_list("set-cookie")
    )
    assert client.get("/account").status_code == 303


def test_only_a_hash_of_the_session_id_is_stored(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    sid = client.cookies[SESSION_COOKIE]
    with web.ws.db.session() as s:
        hashes = list(s.scalars(select(WebSession.id_hash)))
    assert hashes == [digest(sid)]
    assert sid not in hashes


def test_login_issues_a_new_session_id(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    client = web.login("mgr")
    first = client.cookies[SESSION_COOKIE]
    # Logging in again from the same browser (e.g. a planted cookie) must not keep the id.
    web.post_login(client, "mgr")
    second = client.cookies[SESSION_COOKIE]
    assert first != second
    with web.ws.db.session() as s:
        assert s.get(WebSession, digest(first)) is None


def test_planted_session_cookie_is_ignored(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    client = web.client()
    client.cookies.set(SESSION_COOKIE, "attacker-chosen-id")
    response = web.post_login(client, "mgr")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "kefu_session" in c)
    assert cookie.startswith("kefu_session=") and "attacker-chosen-id" not in cookie


def test_wrong_password_and_unknown_user_look_the_same(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    wrong = web.post_login(web.client(), "mgr", "not the right password")
    unknown = web.post_login(web.client(), "nobody", "not the right password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.text and "用户名或密码错误" in unknown.text
    assert _actions(web).count("login.failure") == 2


def test_disabled_user_cannot_log_in(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    with web.ws.db.transaction() as s:
        service.set_disabled(s, service.get_user(s, "mgr"), True, actor="test")
    assert web.post_login(web.client(), "mgr").status_code == 401


def test_disabling_a_user_ends_their_sessions(any_web: Web) -> None:
    client = any_web.login("mgr", Role.manager)
    assert client.get("/account").status_code == 200
    with any_web.ws.db.transaction() as s:
        service.set_disabled(s, service.get_user(s, "mgr"), True, actor="test")
    assert client.get("/account").status_code == 303


def test_password_change_ends_other_sessions_but_keeps_this_one(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    laptop, phone = web.login("mgr"), web.login("mgr")
    new = "a different long passphrase"
    response = laptop.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": new,
            "confirm": new,
            "csrf_token": web.csrf(laptop, "/account"),
        },
    )
    assert response.status_code == 303
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 303
    assert web.post_login(web.client(), "mgr", new).status_code == 303


def test_password_change_needs_the_current_password(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    new = "a different long passphrase"
    response = client.post(
        "/account/password",
        data={
            "current": "wrong",
            "new": new,
            "confirm": new,
            "csrf_token": web.csrf(client, "/account"),
        },
    )
    assert response.status_code == 400
    assert web.post_login(web.client(), "mgr").status_code == 303


def test_idle_timeout_ends_the_session(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    web.clock.advance(minutes=29)
    assert client.get("/account").status_code == 200  # activity resets the idle clock
    web.clock.advance(minutes=29)
    assert client.get("/account").status_code == 200
    web.clock.advance(minutes=30)
    assert client.get("/account").status_code == 303


def test_absolute_timeout_ends_an_active_session(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    for _ in range(12 * 4 - 1):
        web.clock.advance(minutes=15)
        assert client.get("/account").status_code == 200
    web.clock.advance(minutes=15)  # 12 h after login, though never idle
    assert client.get("/account").status_code == 303


def test_logout_ends_the_session_and_is_a_post(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    sid = client.cookies[SESSION_COOKIE]
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": web.csrf(client, "/account")})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    with web.ws.db.session() as s:
        assert s.get(WebSession, digest(sid)) is None
    client.cookies.set(SESSION_COOKIE, sid)
    assert client.get("/account").status_code == 303
    assert "logout" in _actions(web)


# -- CSRF ------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    response = client.post("/logout")
    assert response.status_code == 403
    assert "表单已过期" in response.text
    assert client.get("/account").status_code == 200  # still logged in


def test_post_with_another_sessions_token_is_refused(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    mine, theirs = web.login("mgr"), web.login("mgr")
    response = mine.post("/logout", data={"csrf_token": web.csrf(theirs, "/account")})
    assert response.status_code == 403


def test_csrf_token_in_header_is_accepted(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    token = web.csrf(client, "/account")
    response = client.post("/logout", headers={"X-CSRF-Token": token})
    assert response.status_code == 303


def test_login_form_itself_needs_the_prelogin_token(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    client = web.client()
    client.get("/login")
    response = client.post("/login", data={"username": "mgr", "password": PASSWORD})
    assert response.status_code == 403


def test_cookie_authenticated_api_write_needs_csrf_header(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
    token = web.csrf(client, "/account")
    response = client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 201


def test_next_parameter_cannot_redirect_off_site(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"):
        client = web.client()
        token = web.csrf(client)
        response = client.post(
            "/login",
            data={"username": "mgr", "password": PASSWORD, "csrf_token": token, "next": target},
        )
        assert response.headers["location"] == "/"


# -- two-factor --------------------------------------------------------------------


def test_totp_user_needs_the_code_before_any_page(any_web: Web) -> None:
    secret = pyotp.random_base32()
    add_user(any_web.ws, "sup", Role.supervisor, totp_secret=secret)
    client = any_web.client()
    response = any_web.post_login(client, "sup")
    assert response.headers["location"].startswith("/login/totp")
    half = client.cookies[SESSION_COOKIE]
    assert client.get("/account").status_code == 303  # password alone is not enough
    assert client.get("/api/v1/me").status_code == 401
    token = any_web.csrf(client, "/login/totp")
    bad = client.post("/login/totp", data={"code": "000000", "csrf_token": token})
    assert bad.status_code == 401
    code = totp_code(secret, any_web.clock())
    ok = client.post("/login/totp", data={"code": code, "csrf_token": token})
    assert ok.status_code == 303
    assert client.cookies[SESSION_COOKIE] != half  # the privilege step gets a new id
    assert client.get("/account").status_code == 200


def test_totp_code_cannot_be_replayed(web: Web) -> None:
    secret = pyotp.random_base32()
    add_user(web.ws, "sup", Role.supervisor, totp_secret=secret)
    web.login("sup", totp_secret=secret)
    client = web.client()
    web.post_login(client, "sup")
    token = web.csrf(client, "/login/totp")
    code = totp_code(secret, web.clock())
    assert client.post("/login/totp", data={"code": code, "csrf_token": token}).status_code == 401


@pytest.mark.parametrize("role", [Role.admin, Role.hr])
def test_admin_and_hr_must_enrol_at_first_login(web: Web, role: Role) -> None:
    add_user(web.ws, "boss", role)
    client = web.client()
    response = web.post_login(client, "boss")
    assert response.headers["location"].startswith("/account/2fa")
    assert client.get("/account").status_code == 303  # nothing else until enrolled
    page = client.get("/account/2fa")
    assert page.status_code == 200 and "<svg" in page.text
    with web.ws.db.session() as s:
        secret = service.get_user(s, "boss").totp_secret
    assert secret and secret in page.text
    code = totp_code(secret, web.clock())
    done = client.post("/account/2fa", data={"code": code, "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303
    assert client.get("/account").status_code == 200
    with web.ws.db.session() as s:
        assert service.get_user(s, "boss").totp_enabled
    # The next login asks for a code.
    assert web.post_login(web.client(), "boss").headers["location"].startswith("/login/totp")


def test_enrolment_with_a_wrong_code_does_not_enable(web: Web) -> None:
    add_user(web.ws, "boss", Role.admin)
    client = web.client()
    web.post_login(client, "boss")
    page = client.get("/account/2fa")
    response = client.post(
        "/account/2fa", data={"code": "123456", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 400
    with web.ws.db.session() as s:
        assert not service.get_user(s, "boss").totp_enabled


def test_optional_enrolment_for_other_roles(web: Web) -> None:
    client = web.login("qa1", Role.qa)
    page = client.get("/account/2fa")
    assert page.status_code == 200 and "<svg" not in page.text  # GET changes nothing
    with web.ws.db.session() as s:
        assert service.get_user(s, "qa1").totp_secret is None
    started = client.post("/account/2fa/start", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 303
    page = client.get(started.headers["location"])
    assert "<svg" in page.text
    with web.ws.db.session() as s:
        secret = service.get_user(s, "qa1").totp_secret
    code = totp_code(secret, web.clock())
    response = client.post("/account/2fa", data={"code": code, "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/account"
    assert "user.enable_2fa" in _actions(web)


# -- throttling --------------------------------------------------------------------


def test_repeated_failures_are_slowed_down_then_allowed_again(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    client = web.client()
    for _ in range(11):  # ten free failures, the eleventh starts a 1 s block
        assert web.post_login(client, "mgr", "wrong password here").status_code == 401
    blocked = web.post_login(client, "mgr")  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"] == "1"
    assert "请 1 秒后再试" in blocked.text
    web.clock.advance(seconds=2)
    assert web.post_login(client, "mgr").status_code == 303


def test_block_is_capped_at_five_minutes_for_the_account(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    client = web.client()
    for _ in range(25):
        web.post_login(client, "mgr", "wrong password here")
        web.clock.advance(seconds=301)  # each attempt after the block ended
    assert web.post_login(client, "mgr", "wrong password here").status_code == 401
    blocked = web.post_login(client, "mgr")
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "300"
    web.clock.advance(seconds=301)
    assert web.post_login(client, "mgr").status_code == 303


def test_guesses_from_many_addresses_slow_the_account_down(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    for i in range(11):  # a botnet: every guess from a new address
        attacker = web.client(client=(f"203.0.113.{i}", 5000))
        assert web.post_login(attacker, "mgr", "guessing guessing").status_code == 401
    elsewhere = web.client(client=("198.51.100.99", 5000))
    assert web.post_login(elsewhere, "mgr", "guessing guessing").status_code == 429


def test_people_behind_one_nat_are_slowed_for_seconds_not_locked_out(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    nat = ("198.51.100.7", 5000)
    for i in range(150):  # someone at the same office address sprays a guess every 2 s
        web.post_login(web.client(client=nat), f"user{i}", "guessing guessing")
        web.clock.advance(seconds=2)
    colleague = web.client(client=nat)
    first = web.post_login(colleague, "mgr")
    if first.status_code == 429:
        assert int(first.headers["retry-after"]) <= 15
        web.clock.advance(seconds=int(first.headers["retry-after"]))
        first = web.post_login(colleague, "mgr")
    assert first.status_code == 303


def _parallel_wrong_logins(web: Web, n: int) -> list[int]:
    clients = [web.client() for _ in range(n)]
    tokens = [web.csrf(c) for c in clients]

    def attempt(i: int) -> int:
        data = {"username": "mgr", "password": "wrong password here", "csrf_token": tokens[i]}
        return clients[i].post("/login", data=data).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


def test_twenty_parallel_wrong_logins_are_twenty_counted_failures(ws: Workspace) -> None:
    lenient = ThrottlePolicy(account=Rule(100, 1), source=Rule(100, 1))
    web = make_web(ws, throttle=lenient)
    add_user(ws, "mgr", Role.manager)
    statuses = _parallel_wrong_logins(web, 20)
    assert statuses == [401] * 20
    assert throttle.failures(ws.db, "acct:mgr") == 20
    assert _actions(web).count("login.failure") == 20


def test_twenty_parallel_wrong_logins_cannot_all_be_checked(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    statuses = _parallel_wrong_logins(web, 20)
    # Ten free failures plus the one that starts the block are checked; nine wait.
    assert sorted(statuses) == [401] * 11 + [429] * 9
    assert throttle.failures(web.ws.db, "acct:mgr") == 11
    assert _actions(web).count("login.failure") == 11


def test_wrong_codes_count_across_fresh_password_logins(web: Web) -> None:
    secret = pyotp.random_base32()
    add_user(web.ws, "sup", Role.supervisor, totp_secret=secret)
    statuses = []
    for _ in range(3):  # two wrong codes per login, a new password login each time
        client = web.client()
        assert web.post_login(client, "sup").headers["location"].startswith("/login/totp")
        token = web.csrf(client, "/login/totp")
        for _ in range(2):
            bad = client.post("/login/totp", data={"code": "000000", "csrf_token": token})
            statuses.append(bad.status_code)
    # Five free wrong codes, the sixth starts a block: the code counter never restarted.
    assert statuses == [401] * 6
    blocked = client.post(
        "/login/totp", data={"code": totp_code(secret, web.clock()), "csrf_token": token}
    )
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "1"


def test_user_sees_their_sessions_and_ends_the_others_with_their_password(web: Web) -> None:
    add_user(web.ws, "mgr", Role.manager)
    laptop, phone = web.login("mgr"), web.login("mgr")
    page = laptop.get("/account")
    assert page.text.count("<tr><td>") >= 2 and "当前设备" in page.text
    token = csrf_of(page.text)
    wrong = laptop.post(
        "/account/sessions/end-others", data={"password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == 400 and phone.get("/account").status_code == 200
    done = laptop.post(
        "/account/sessions/end-others", data={"password": PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 303
    assert phone.get("/account").status_code == 303
    assert laptop.get("/account").status_code == 200
    assert "user.end_sessions" in _actions(web)
