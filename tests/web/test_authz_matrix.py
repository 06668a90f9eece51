"""Every route × every role × own/foreign object answers as ``tests/web/authz.py`` says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyotp
import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from kefu import scoring
from kefu.users.roles import Role
from kefu.users.throttle import Rule as ThrottleRule
from kefu.users.throttle import ThrottlePolicy
from kefu.web.jobs import create_job
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.scoring.helpers import FakeEngine, fig
from tests.web.authz import OBJECTS, RULES, Rule
from tests.web.support import Web, add_user, make_web

USERS = {
    Role.admin: "admin1",
    Role.manager: "manager1",
    Role.supervisor: "sup1",
    Role.qa: "qa1",
    Role.agent: "agent1",
    Role.hr: "hr1",
}


def app_routes(web: Web) -> set[tuple[str, str]]:
    """(method, path) of every route, through included routers."""
    found = set()
    for route in iter_route_contexts(web.app.routes):
        if isinstance(route.original_route, Mount):  # static files
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path_format))
    return found


@dataclass
class Ctx:
    web: Web

    def username(self, role: Role) -> str:
        return USERS[role]

    def new_token(self, owner: str) -> int:
        from kefu.users import service

        with self.web.ws.db.transaction() as s:
            token, _ = service.create_token(s, service.get_user(s, owner), "m", actor="test")
            return token.id


@pytest.fixture
def matrix_web(ws: Workspace) -> Web:
    # Generous throttling: the matrix fails logins on purpose many times from one address.
    lenient = ThrottlePolicy(account=ThrottleRule(10_000, ThrottleRule(1, 0).cap),
                             source=ThrottleRule(10_000, ThrottleRule(1, 0).cap))  # fmt: skip
    web = make_web(ws, throttle=lenient)
    for role, name in USERS.items():
        secret = pyotp.random_base32() if role in (Role.admin, Role.hr) else None
        fields: dict[str, object] = {"totp_secret": secret}
        if role is Role.agent:
            fields["agent_id"] = "A001"
        if role is Role.supervisor:
            fields["teams"] = ["T1"]
        add_user(ws, name, role, **fields)  # type: ignore[arg-type]
    add_user(ws, "target", Role.qa)
    add_user(ws, "outsider", Role.manager)
    hired = date(2026, 1, 1)
    add_records(ws, "agents", [
        {"agent_id": "A001", "name": "张三", "team": "T1", "site": "S1", "hire_date": hired},
        {"agent_id": "A002", "name": "李四", "team": "T2", "site": "S1", "hire_date": hired},
    ])  # fmt: skip
    # Two scored months, the first published, for the appraisal routes.
    figures = [
        fig("fcr_rate", value, key=agent, period=month)
        for month in ("2026-09", "2026-10")
        for agent, value in (("A001", 0.8), ("A002", 0.7))
    ]
    for month in ("2026-09", "2026-10"):
        scoring.score_period(ws, month, actor="test", compute=FakeEngine(figures))
    scoring.publish(ws, "2026-09", actor="test")
    with ws.db.transaction() as s:  # an upload's import job, for the job routes
        create_job(s, "test", [{"name": "a.csv", "path": "uploads/a.csv"}], table=None,
                   mapping=None, source=None)  # fmt: skip
    return web


def test_every_route_has_a_rule(web: Web) -> None:
    routes = app_routes(web)
    missing = sorted(routes - RULES.keys())
    stale = sorted(RULES.keys() - routes)
    assert not missing, f"routes without an authorisation rule in tests/web/authz.py: {missing}"
    assert not stale, f"rules for routes that no longer exist: {stale}"


def expected(rule: Rule, role: Role | None, variant: str, api: bool) -> int:
    if (role, variant) in rule.overrides:
        return rule.overrides[(role, variant)]
    if rule.allowed is None:
        return rule.ok
    if role is None:
        return 401 if api else 303
    if role not in rule.allowed:
        return 403
    if variant == "other" and role not in rule.sees_foreign:
        return 404
    return rule.ok


@pytest.mark.parametrize("key", sorted(RULES), ids=[f"{m} {p}" for m, p in sorted(RULES)])
def test_route_answers_each_role_as_declared(matrix_web: Web, key: tuple[str, str]) -> None:
    method, path = key
    rule = RULES[key]
    api = path.startswith("/api/")
    ctx = Ctx(matrix_web)
    failures = []
    for role in (None, *Role):
        for variant in ("own", "other") if rule.objects else ("own",):
            if role is None and variant == "other":
                continue
            client = matrix_web.client() if role is None else matrix_web.login(USERS[role])
            token = matrix_web.csrf(client, "/login" if role is None else "/account")
            params = dict(rule.params)
            if rule.objects:
                params.update(OBJECTS[rule.objects](ctx, role, variant))
            url = path.format(**params)
            kwargs: dict[str, object] = {"headers": {"X-CSRF-Token": token}}
            if rule.body is not None:
                kwargs["json" if api else "data"] = dict(rule.body)
            response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
            want = expected(rule, role, variant, api)
            got = response.status_code
            if got != want:
                failures.append(f"{role or 'anonymous'}/{variant}: {got} (expected {want})")
            elif (
                got == 303
                and role is None
                and rule.allowed is not None
                and not response.headers["location"].startswith("/login")
            ):
                failures.append(f"anonymous: redirected to {response.headers['location']}")
    assert not failures, f"{method} {path}: " + "; ".join(failures)


UNSAFE = sorted(k for k in RULES if k[0] in ("POST", "PUT", "PATCH", "DELETE"))


@pytest.mark.parametrize("key", UNSAFE, ids=[f"{m} {p}" for m, p in UNSAFE])
def test_state_changing_route_refuses_a_browser_request_without_csrf_token(
    matrix_web: Web, key: tuple[str, str]
) -> None:
    method, path = key
    rule = RULES[key]
    role = next(iter(sorted(rule.allowed))) if rule.allowed else Role.manager
    client = matrix_web.login(USERS[role])
    params = dict(rule.params)
    if rule.objects:
        params.update(OBJECTS[rule.objects](Ctx(matrix_web), role, "own"))
    kwargs: dict[str, object] = {}
    if rule.body is not None:
        kwargs["json" if path.startswith("/api/") else "data"] = dict(rule.body)
    response = client.request(method, path.format(**params), **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403


# -- the published / unpublished axis ---------------------------------------------------
from tests.web.authz_publication import (  # noqa: E402
    PUBLICATION_RULES,
    PUBLISHED,
    PUBLISHED_ONLY,
    SEES_SCORED,
    UNPUBLISHED,
)

#: What of the scores an answer about an unpublished month must not carry.
SCORE_MARKS = ('"total"', '"grade"', '"points"', "sheet-total", "sheet-table")


def test_every_route_showing_an_agents_results_has_a_publication_rule() -> None:
    shows_results = {p for (m, p), r in RULES.items() if m == "GET" and r.objects == "agent"}
    assert shows_results <= PUBLICATION_RULES.keys()


@pytest.mark.parametrize("path", sorted(PUBLICATION_RULES))
@pytest.mark.parametrize("role", PUBLISHED_ONLY + SEES_SCORED, ids=str)
def test_own_result_is_seen_only_once_its_month_is_published(
    matrix_web: Web, path: str, role: Role
) -> None:
    rule = PUBLICATION_RULES[path]
    client = matrix_web.login(USERS[role])
    url = path.format(agent_id="A001")
    published = client.get(url, params={**rule.query, "period": PUBLISHED})
    unpublished = client.get(url, params={**rule.query, "period": UNPUBLISHED})
    assert published.status_code == rule.published
    if role in SEES_SCORED:
        assert unpublished.status_code == rule.published
        return
    assert unpublished.status_code == rule.unpublished
    body = unpublished.text
    assert not [mark for mark in SCORE_MARKS if mark in body]
    if not path.endswith(".pdf"):
        assert "本月结果尚未发布" in body or "not published yet" in body


def test_unpublished_sheet_says_so_in_each_language(matrix_web: Web) -> None:
    client = matrix_web.login(USERS[Role.agent])
    page = client.get("/agents/A001", params={"period": UNPUBLISHED})
    assert "本月结果尚未发布" in page.text
    pdf = client.get("/agents/A001/sheet.pdf", params={"period": UNPUBLISHED})
    assert pdf.status_code == 404 and "本月结果尚未发布" in pdf.text
    token = matrix_web.csrf(client, "/account")
    client.post("/lang", data={"locale": "en"}, headers={"X-CSRF-Token": token})
    english = client.get("/agents/A001", params={"period": UNPUBLISHED})
    assert "This month&#39;s results are not published yet" in english.text
    assert "本月" not in english.text


def test_agent_is_offered_published_months_only(matrix_web: Web) -> None:
    client = matrix_web.login(USERS[Role.agent])
    periods = client.get("/api/v1/periods").json()
    assert [(p["label"], p["status"]) for p in periods if p["grain"] == "month"] == [
        (PUBLISHED, "published")
    ]
    default = client.get("/api/v1/agents/A001").json()
    assert default["period"] == PUBLISHED


def test_my_sheet_keeps_the_period_asked_for(matrix_web: Web) -> None:
    client = matrix_web.login(USERS[Role.agent])
    response = client.get("/agents/me", params={"period": PUBLISHED})
    assert response.status_code == 303
    assert response.headers["location"] == f"/agents/A001?period={PUBLISHED}"
