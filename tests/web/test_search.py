"""Agent search: the /search page, the /api/v1/agents typeahead and the top bar's form."""

from __future__ import annotations

from datetime import date

import pyotp
import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.web.support import Web

HIRED = date(2026, 1, 1)
# Two teams; 张三 and 张三丰 share a name prefix, A010 and A0100 a 工号 prefix.
ROSTER = [
    {"agent_id": "A001", "name": "张三", "team": "T1", "site": "S1", "hire_date": HIRED},
    {"agent_id": "A010", "name": "李四", "team": "T1", "site": "S1", "hire_date": HIRED},
    {"agent_id": "A0100", "name": "张三丰", "team": "T2", "site": "S1", "hire_date": HIRED},
    {"agent_id": "B200", "name": "王五", "team": "T2", "site": "S1", "hire_date": HIRED},
]


@pytest.fixture
def roster_web(web: Web, ws: Workspace) -> Web:
    add_records(ws, "agents", ROSTER)
    return web


def _ids(body: dict[str, object]) -> list[str]:
    return [a["agent_id"] for a in body["agents"]]  # type: ignore[attr-defined, index]


def test_manager_finds_agents_of_every_team_by_part_of_a_name(roster_web: Web) -> None:
    client = roster_web.login("mgr", Role.manager)
    r = client.get("/search", params={"q": "张三"})
    assert r.status_code == 200
    results = r.text[r.text.index('id="search-results"') :]
    assert 'href="/agents/A001"' in results and 'href="/agents/A0100"' in results
    assert "李四" not in results and "王五" not in results
    assert "共找到 2 名坐席" in r.text


def test_supervisor_finds_only_the_agents_of_their_teams(roster_web: Web) -> None:
    client = roster_web.login("sup", Role.supervisor, teams=["T1"])
    body = client.get("/api/v1/agents", params={"q": "张"}).json()
    assert _ids(body) == ["A001"] and body["total"] == 1
    page = client.get("/search", params={"q": "王五"}).text
    assert "B200" not in page.split('id="search-results"')[1]


def test_an_exact_agent_id_goes_straight_to_the_sheet(roster_web: Web) -> None:
    client = roster_web.login("mgr", Role.manager)
    # "a010" is also the start of A0100: the exact 工号 still wins (case does not matter).
    r = client.get("/search", params={"q": " a010 "}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/agents/A010"


def test_an_agent_id_outside_the_supervisors_teams_does_not_jump_nor_show(roster_web: Web) -> None:
    client = roster_web.login("sup", Role.supervisor, teams=["T1"])
    r = client.get("/search", params={"q": "B200"}, follow_redirects=False)
    assert r.status_code == 200 and "没有找到匹配的坐席" in r.text


def test_typeahead_lists_the_exact_id_first_then_prefixes(roster_web: Web) -> None:
    client = roster_web.login("mgr", Role.manager)
    body = client.get("/api/v1/agents", params={"q": "A010"}).json()
    assert _ids(body) == ["A010", "A0100"]
    assert body["agents"][0] == {"agent_id": "A010", "name": "李四", "team": "T1"}


def test_typeahead_answers_at_most_twenty_agents(web: Web, ws: Workspace) -> None:
    many = [{"agent_id": f"C{n:03d}", "name": f"坐席{n}", "team": "T1", "site": "S1",
             "hire_date": HIRED} for n in range(25)]  # fmt: skip
    add_records(ws, "agents", many)
    body = web.login("mgr", Role.manager).get("/api/v1/agents", params={"q": "C0"}).json()
    assert len(body["agents"]) == 20 and body["total"] == 25


def test_an_agent_finds_only_themself_and_has_no_search_box(roster_web: Web) -> None:
    client = roster_web.login("a1", Role.agent, agent_id="A001")
    assert _ids(client.get("/api/v1/agents", params={"q": "A0"}).json()) == ["A001"]
    assert 'id="top-search"' not in client.get("/account").text


def test_qa_finds_every_agent_but_gets_no_link_to_a_sheet(roster_web: Web) -> None:
    client = roster_web.login("qa", Role.qa)
    assert _ids(client.get("/api/v1/agents", params={"q": "张三"}).json()) == ["A001", "A0100"]
    r = client.get("/search", params={"q": "A001"}, follow_redirects=False)
    assert r.status_code == 200 and 'href="/agents/' not in r.text and "张三" in r.text


def test_hr_finds_agents_of_every_team(roster_web: Web) -> None:
    client = roster_web.login("hr", Role.hr, totp_secret=pyotp.random_base32())
    assert _ids(client.get("/api/v1/agents", params={"q": "王"}).json()) == ["B200"]


def test_the_search_page_in_english_has_no_chinese_outside_the_data(roster_web: Web) -> None:
    client = roster_web.login("mgr", Role.manager)
    token = roster_web.csrf(client, "/account")
    client.post("/lang", data={"locale": "en", "next": "/account", "csrf_token": token})
    page = client.get("/search", params={"q": "zzz"}).text
    assert "No agent matches." in page and "Find an agent" in page


def test_the_top_bar_search_box_is_on_every_page_for_staff(roster_web: Web) -> None:
    page = roster_web.login("mgr", Role.manager).get("/account").text
    assert 'action="/search"' in page and 'data-agent-typeahead="top-search-list"' in page
    assert "/static/pickers.js" in page


def test_typeahead_without_a_query_lists_nobody_and_refuses_a_very_long_one(
    roster_web: Web,
) -> None:
    client = roster_web.login("mgr", Role.manager)
    assert client.get("/api/v1/agents").json() == {"agents": [], "total": 0}
    assert client.get("/api/v1/agents", params={"q": "张" * 101}).status_code == 422
