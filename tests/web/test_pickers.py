"""Pickers in the review, plan and appeal forms: choose, don't type; a wrong id keeps the form.

The centre (tests/workflow/helpers.py): A1 坐席一 and A2 坐席二 in team T1, 2026-10
published; QA evaluations Q1 (A1, 5 Oct), Q2 (A1, 6 Oct), Q3 (A2, 7 Oct).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from kefu.users.roles import Role
from kefu.workflow import plans, reviews
from tests.factories import add_records
from tests.web.support import Web, add_user
from tests.workflow.helpers import SUP, centre, publish


@pytest.fixture
def centre_web(web: Web) -> Web:
    centre(web.ws)
    # B1 in team T2: outside the supervisor's teams.
    add_records(web.ws, "agents", [{"agent_id": "B1", "name": "外组坐席", "team": "T2",
                                    "valid_from": date(2026, 1, 1)}], source="hr")  # fmt: skip
    publish(web.ws)
    web.clock.now = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    return web


def _form(web: Web, client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": web.csrf(client, "/inbox")})


def _options(html: str, select_id: str) -> list[tuple[str, str, bool]]:
    """(value, text, selected) of each option of the <select id=select_id>."""
    start = html.index(f'<select id="{select_id}"')
    block = html[start : html.index("</select>", start)]
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', block)
    return [(value, text.strip(), bool(selected)) for value, selected, text in found]


# -- reviews -------------------------------------------------------------------------
def test_review_form_offers_the_supervisors_agents_with_name_and_id(centre_web: Web) -> None:
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    agents = _options(sup.get("/reviews").text, "nr-agent")
    assert [(v, t) for v, t, _ in agents] == [
        ("", "请选择坐席"),
        ("A1", "坐席一 · A1 · T1"),
        ("A2", "坐席二 · A2 · T1"),
    ]


def test_review_form_offers_the_scored_months_the_published_one_chosen(centre_web: Web) -> None:
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    months = _options(sup.get("/reviews").text, "nr-period")
    assert months == [("", "请选择周期", False), ("2026-10", "2026-10 · 已发布", True)]


def test_review_opened_from_the_pickers(centre_web: Web) -> None:
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    r = _form(centre_web, sup, "/reviews", {"agent_id": "A1", "period": "2026-10"})
    assert r.status_code == 303 and r.headers["location"].startswith("/reviews/")


@pytest.mark.parametrize("agent_id", ["A9", "B1"], ids=["unknown id", "another team's agent"])
def test_a_wrong_agent_id_brings_the_review_form_back_with_the_reason(
    centre_web: Web, agent_id: str
) -> None:
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    r = _form(centre_web, sup, "/reviews", {"agent_id": agent_id, "period": "2026-10"})
    assert r.status_code == 400
    assert f"找不到工号为 {agent_id} 的坐席" in r.text
    # The typed value stays chosen (marked as not in the list), and so does the period.
    assert (agent_id, f"{agent_id} （不在列表中）", True) in _options(r.text, "nr-agent")
    assert ("2026-10", "2026-10 · 已发布", True) in _options(r.text, "nr-period")


# -- plan owners ---------------------------------------------------------------------
def test_plan_owner_picker_lists_the_agent_the_teams_supervisor_and_managers(
    centre_web: Web,
) -> None:
    ws = centre_web.ws
    add_user(ws, "mgr", Role.manager, display_name="王经理")
    add_user(ws, "sup2", Role.supervisor, teams=["T2"], display_name="外组主管")
    review = reviews.open_review(ws, SUP, "A1", "2026-10")
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"], display_name="李主管")
    owners = _options(sup.get(f"/reviews/{review.id}").text, "pl-owner1")
    # The agent first (the default), then the team's supervisors, then the centre's.
    assert owners == [
        ("A1", "坐席一 · 坐席本人", True), ("sup", "李主管 · 主管", False),
        ("mgr", "王经理 · 经理", False),
    ]  # fmt: skip


def test_plan_item_keeps_the_owner_picked(centre_web: Web) -> None:
    ws = centre_web.ws
    review = reviews.open_review(ws, SUP, "A1", "2026-10")
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    r = _form(centre_web, sup, "/plans", {
        "review_id": str(review.id), "title": "话术", "description_1": "复听",
        "due_on_1": "2026-12-01", "owner_1": "sup",
    })  # fmt: skip
    assert r.status_code == 303
    plan = plans.plan_of(ws, SUP, int(r.headers["location"].rsplit("/", 1)[1]))
    assert [i.owner for i in plan.items] == ["sup"]
    # The plan page's add-item form offers the same owners, the agent chosen.
    assert ("A1", "坐席一 · 坐席本人", True) in _options(sup.get(r.headers["location"]).text,
                                                        "ni-owner")  # fmt: skip


def test_a_plan_for_a_review_that_cannot_be_found_says_so(centre_web: Web) -> None:
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    typed = {"review_id": "999999", "title": "t", "description_1": "d", "due_on_1": "2026-12-01"}
    r = _form(centre_web, sup, "/plans", typed)
    assert r.status_code == 400 and "找不到这次面谈" in r.text


# -- appeal records ------------------------------------------------------------------
def test_appeal_picker_lists_the_agents_records_of_the_month_newest_first(
    centre_web: Web,
) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    page = agent.get("/appeals", params={"table": "qa_evaluations", "period": "2026-10"}).text
    # An agent's own records without naming themself; Q3 is A2's.
    records = _options(page, "na-record")
    assert [v for v, _, _ in records] == ["", "Q2", "Q1"]
    # Each with its day and the values an appeal may correct, named in Chinese.
    assert records[1][1].startswith("2026年10月6日 · Q2 · 规范得分 90.0")
    assert records[2][1].startswith("2026年10月5日 · Q1 · 规范得分 80.0")
    assert "compliance_score" not in page.split('id="na-record"')[1].split("</select>")[0]


def test_supervisor_picks_an_agent_of_their_team_to_list_records(centre_web: Web) -> None:
    sup = centre_web.login("sup", Role.supervisor, teams=["T1"])
    page = sup.get("/appeals", params={"agent_id": "A2", "period": "2026-10",
                                       "table": "qa_evaluations"}).text  # fmt: skip
    assert [v for v, _, _ in _options(page, "na-record")] == ["", "Q3"]


def test_another_agents_records_are_not_listed(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    r = agent.get("/appeals", params={"agent_id": "A2", "period": "2026-10",
                                      "table": "qa_evaluations"})  # fmt: skip
    assert r.status_code == 400 and "找不到工号为 A2 的坐席" in r.text and "Q3" not in r.text


def test_the_drill_downs_record_comes_prefilled_from_the_query(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    page = agent.get("/appeals", params={"table": "qa_evaluations", "record_id": "Q1"}).text
    records = _options(page, "na-record")
    assert [v for v, _, chosen in records if chosen] == ["Q1"]
    # Listed among the agent's other records of its month, which the period shows.
    assert [v for v, _, _ in records] == ["", "Q2", "Q1"]
    assert ("2026-10", "2026-10 · 已发布", True) in _options(page, "ap-period")


def test_a_prefilled_record_of_another_agent_is_not_placed_among_theirs(
    centre_web: Web,
) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    page = agent.get("/appeals", params={"table": "qa_evaluations", "record_id": "Q3"}).text
    # Q3 is A2's: it stays alone as typed (filing it is refused), A2's records unlisted.
    assert [v for v, _, _ in _options(page, "na-record")] == ["", "Q3"]
    assert 'name="table" value="qa_evaluations"' in page


def test_a_wrong_record_number_brings_the_appeal_form_back(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    r = _form(centre_web, agent, "/appeals", {
        "table": "qa_evaluations", "record_id": "Q3", "reason": "录音可证明",
        "agent_id": "A1", "period": "2026-10",
    })  # fmt: skip
    # Q3 is A2's: it reads as a missing record; the reason typed and the list come back.
    assert r.status_code == 400
    assert "找不到记录 Q3" in r.text and "录音可证明" in r.text
    assert [v for v, _, _ in _options(r.text, "na-record")] == ["", "Q2", "Q1", "Q3"]


def test_appeal_filed_with_the_picked_record(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    r = _form(centre_web, agent, "/appeals", {
        "table": "qa_evaluations", "record_id": "Q2", "reason": "话术完整",
        "agent_id": "A1", "period": "2026-10",
    })  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith("/appeals/")


def test_the_appeal_pickers_read_in_english(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    token = centre_web.csrf(agent, "/account")
    agent.post("/lang", data={"locale": "en", "next": "/account", "csrf_token": token})
    page = agent.get("/appeals", params={"table": "qa_evaluations", "period": "2026-10"}).text
    assert "List the records" in page and "5 Oct 2026 · Q1" in page
    assert "请选择" not in page and "列出记录" not in page


def test_a_kind_of_record_never_imported_lists_nothing_and_says_so(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    r = agent.get("/appeals", params={"table": "complaints", "period": "2026-10"})
    assert r.status_code == 200 and 'id="records-none"' in r.text


def test_the_correctable_fields_are_those_of_the_kind_chosen_by_name(centre_web: Web) -> None:
    agent = centre_web.login("a1", Role.agent, agent_id="A1")
    page = agent.get("/appeals", params={"table": "qa_evaluations", "period": "2026-10"}).text
    fields = _options(page, "na-field")
    assert [v for v, _, _ in fields] == ["", "compliance_score", "info_checked", "info_correct",
                                         "fatal"]  # fmt: skip
    assert fields[1][1] == "质检记录 · 规范得分"
