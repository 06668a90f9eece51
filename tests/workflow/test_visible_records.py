"""The one role-scoped query behind the review, appeal and plan lists: who sees which rows."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.users.roles import Forbidden, Principal, Role
from kefu.workflow import access, appeals, plans, reviews
from kefu.workflow.models import Appeal, ImprovementPlan, Review
from kefu.workspace import Workspace

ADMIN = Principal(1, "adm", "管理员", Role.admin)
MANAGER = Principal(2, "mgr", "经理", Role.manager)
SUPERVISOR_T1 = Principal(3, "sup", "主管", Role.supervisor, teams=frozenset({"T1"}))
AGENT_A1 = Principal(4, "a1", "张三", Role.agent, agent_id="A1")
QA = Principal(5, "qa", "质检", Role.qa)
HR = Principal(6, "hr", "人事", Role.hr)


@pytest.fixture
def records(ws: Workspace) -> Workspace:
    """Three reviews, three appeals and two plans over teams T1 and T2."""
    with ws.db.transaction() as s:
        for agent, team, period in (("A1", "T1", "2026-09"), ("A1", "T1", "2026-10"),
                                    ("A2", "T2", "2026-10")):  # fmt: skip
            s.add(Review(agent_id=agent, team=team, period=period, created_by="sup"))
        for agent, team, table in (("A1", "T1", "qa_evaluations"), ("A2", "T2", "complaints"),
                                   ("A3", "T1", "operation_errors")):  # fmt: skip
            s.add(Appeal(agent_id=agent, team=team, period="2026-10", table_name=table,
                         record_id=f"{agent}-r", record_source="crm", original={},
                         reason="wrong", filed_by=agent.lower()))  # fmt: skip
        for agent, team in (("A1", "T1"), ("A2", "T2")):
            s.add(ImprovementPlan(agent_id=agent, team=team, period="2026-10",
                                  title=f"{agent} plan", created_by="sup"))  # fmt: skip
    return ws


def _reviews(ws: Workspace, user: Principal) -> list[tuple[str, str]]:
    return [(r.agent_id, r.period) for r in reviews.list_reviews(ws, user)]


def _appeals(ws: Workspace, user: Principal) -> list[tuple[str, str]]:
    return [(a.agent_id, a.table_name) for a in appeals.list_appeals(ws, user)]


def _plans(ws: Workspace, user: Principal) -> list[str]:
    return [p.agent_id for p in plans.list_plans(ws, user)]


@pytest.mark.parametrize("user", [ADMIN, MANAGER], ids=["admin", "manager"])
def test_managers_see_every_row_newest_first(records, user):
    # Reviews: newest period first, then agent; appeals and plans: the latest filed first.
    assert _reviews(records, user) == [("A1", "2026-10"), ("A2", "2026-10"), ("A1", "2026-09")]
    assert _appeals(records, user) == [
        ("A3", "operation_errors"), ("A2", "complaints"), ("A1", "qa_evaluations"),
    ]  # fmt: skip
    assert _plans(records, user) == ["A2", "A1"]


def test_a_supervisor_sees_the_rows_of_their_teams(records):
    assert _reviews(records, SUPERVISOR_T1) == [("A1", "2026-10"), ("A1", "2026-09")]
    assert _appeals(records, SUPERVISOR_T1) == [
        ("A3", "operation_errors"),
        ("A1", "qa_evaluations"),
    ]
    assert _plans(records, SUPERVISOR_T1) == ["A1"]


def test_an_agent_sees_only_their_own_rows(records):
    assert _reviews(records, AGENT_A1) == [("A1", "2026-10"), ("A1", "2026-09")]
    assert _appeals(records, AGENT_A1) == [("A1", "qa_evaluations")]
    assert _plans(records, AGENT_A1) == ["A1"]


def test_qa_sees_the_appeals_it_decides_and_no_reviews_or_plans(records):
    # QA decides QA evaluations and operation errors; complaints belong to managers.
    assert _appeals(records, QA) == [("A3", "operation_errors"), ("A1", "qa_evaluations")]
    with pytest.raises(Forbidden, match="reviews"):
        reviews.list_reviews(records, QA)
    with pytest.raises(Forbidden, match="improvement plans"):
        plans.list_plans(records, QA)


def test_hr_is_refused_every_workflow_list(records):
    for listing, what in ((reviews.list_reviews, "reviews"), (appeals.list_appeals, "appeals"),
                          (plans.list_plans, "improvement plans")):  # fmt: skip
        with pytest.raises(Forbidden, match=f"your role does not give access to {what}"):
            listing(records, HR)


def test_filters_narrow_within_what_the_role_may_see(records):
    assert [r.period for r in reviews.list_reviews(records, AGENT_A1, period="2026-09")] == [
        "2026-09"
    ]
    assert reviews.list_reviews(records, SUPERVISOR_T1, agent_id="A2") == []
    assert _plans(records, MANAGER) == ["A2", "A1"]
    assert [p.agent_id for p in plans.list_plans(records, MANAGER, agent_id="A1")] == ["A1"]
    assert appeals.list_appeals(records, QA, agent_id="A2") == []


def test_a_role_given_no_rule_sees_nothing(records):
    # QA on a list that neither refuses QA nor says what QA sees: no rows, not every row.
    assert access.visible_records(records, QA, Review, what="reviews", denied=frozenset()) == []


@pytest.mark.parametrize(
    ("listing", "model"),
    [(reviews.list_reviews, Review), (appeals.list_appeals, Appeal),
     (plans.list_plans, ImprovementPlan)],
    ids=["reviews", "appeals", "plans"],
)  # fmt: skip
def test_the_three_lists_go_through_the_one_scoped_query(records, monkeypatch, listing, model):
    seen: list[Any] = []
    real = access.visible_records

    def spy(ws: Workspace, user: Principal, table: Any, **kwargs: Any) -> list[Any]:
        seen.append(table)
        return real(ws, user, table, **kwargs)

    monkeypatch.setattr(listing.__module__ + ".visible_records", spy)
    listing(records, MANAGER)
    assert seen == [model]
