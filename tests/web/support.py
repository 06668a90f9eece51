"""Helpers for web tests: users, a movable clock, logging in, CSRF tokens.

Used by the page tests of every page family::

    def test_team_page(web):
        client = web.login("sup", role=Role.supervisor, teams=["T1"])
        assert client.get("/teams/T1").status_code == 200
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kefu.users import service
from kefu.users.roles import Role
from kefu.web.app import create_app
from kefu.web.settings import WebSettings
from kefu.workspace import Workspace

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Clock:
    """A clock the test moves by hand (sessions and throttling read it)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 1, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def add_user(
    ws: Workspace,
    username: str,
    role: Role,
    *,
    password: str = PASSWORD,
    agent_id: str | None = None,
    teams: Sequence[str] = (),
    totp_secret: str | None = None,
    display_name: str | None = None,
) -> None:
    """Create a user directly in the store (with TOTP already enrolled when given a secret)."""
    if role is Role.agent and agent_id is None:
        agent_id = username.upper()
    if role is Role.supervisor and not teams:
        teams = ["T1"]
    with ws.db.transaction() as s:
        user = service.create_user(
            s,
            username,
            role,
            password,
            actor="test",
            agent_id=agent_id,
            teams=teams,
            display_name=display_name,
        )
        if totp_secret:
            user.totp_secret = totp_secret
            user.totp_enabled = True


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def totp_code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


@dataclass
class Web:
    """One app over one workspace, with its clock; ``client()`` makes browsers."""

    ws: Workspace
    clock: Clock
    app: FastAPI

    def client(self, **kw: object) -> TestClient:
        return TestClient(self.app, follow_redirects=False, **kw)  # type: ignore[arg-type]

    def csrf(self, client: TestClient, path: str = "/login") -> str:
        """The CSRF token of the form on ``path`` (following one redirect)."""
        response = client.get(path)
        if response.status_code == 303:
            response = client.get(response.headers["location"])
        return csrf_of(response.text)

    def post_login(self, client: TestClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        token = self.csrf(client)
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )

    def login(
        self,
        username: str,
        role: Role | None = None,
        *,
        totp_secret: str | None = None,
        **user_fields: object,
    ) -> TestClient:
        """A client logged in as ``username`` (created first with ``role`` when given)."""
        if role is not None:
            add_user(self.ws, username, role, totp_secret=totp_secret, **user_fields)  # type: ignore[arg-type]
        client = self.client()
        response = self.post_login(client, username)
        assert response.status_code == 303, response.text
        if response.headers["location"].startswith("/login/totp"):
            if totp_secret is None:
                totp_secret = self.totp_secret(username)
            # A code is accepted once per 30 s step: move on so repeated logins work.
            self.clock.advance(seconds=31)
            token = self.csrf(client, response.headers["location"])
            response = client.post(
                "/login/totp",
                data={"code": totp_code(totp_secret, self.clock()), "csrf_token": token},
            )
            assert response.status_code == 303, response.text
        return client

    def totp_secret(self, username: str) -> str:
        with self.ws.db.session() as s:
            secret = service.get_user(s, username).totp_secret
        assert secret, f"{username} has no TOTP secret"
        return secret

    def token(self, username: str, name: str = "test") -> str:
        with self.ws.db.transaction() as s:
            _, secret = service.create_token(s, service.get_user(s, username), name, actor="test")
        return secret


def make_web(ws: Workspace, **settings: object) -> Web:
    clock = Clock()
    # Uploads are imported before the next request by default, so a test reads the job's
    # page or status right after; tests of the job thread pass inline_imports=False.
    settings = {"inline_imports": True, **settings}
    app = create_app(ws, settings=WebSettings(clock=clock, **settings))  # type: ignore[arg-type]
    return Web(ws, clock, app)
