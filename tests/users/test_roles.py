"""Who may see what: the object rules of architecture.md as a table."""

from __future__ import annotations

import pytest

from kefu.errors import NotFound
from kefu.users.roles import Forbidden, Principal, Role


def p(role: Role, **kw: object) -> Principal:
    return Principal(1, "u", "U", role, **kw)  # type: ignore[arg-type]


AGENT = p(Role.agent, agent_id="A001")
SUPERVISOR = p(Role.supervisor, teams=frozenset({"T1", "T3"}))


@pytest.mark.parametrize(
    ("principal", "agent_id", "team", "published", "allowed"),
    [
        (p(Role.admin), "A002", "T2", False, True),
        (p(Role.manager), "A002", "T2", False, True),
        (SUPERVISOR, "A001", "T1", False, True),
        (SUPERVISOR, "A002", "T2", True, False),
        (SUPERVISOR, "A002", None, True, False),  # team unknown: not visible
        (AGENT, "A001", "T1", True, True),
        (AGENT, "A002", "T1", True, False),
        (p(Role.agent), "A001", "T1", True, False),  # an agent account without agent id
        (p(Role.hr), "A002", "T2", True, True),
        (p(Role.hr), "A002", "T2", False, False),  # HR sees published results only
        (p(Role.qa), "A001", "T1", True, False),  # QA has no access to results
    ],
)  # fmt: skip
def test_can_view_agent(
    principal: Principal, agent_id: str, team: str | None, published: bool, allowed: bool
) -> None:
    assert principal.can_view_agent(agent_id, team, published=published) is allowed


def test_visible_teams_keeps_order_and_scope() -> None:
    teams = ["T3", "T2", "T1"]
    assert SUPERVISOR.visible_teams(teams) == ["T3", "T1"]
    assert p(Role.manager).visible_teams(teams) == teams
    assert p(Role.hr).visible_teams(teams, published=False) == []
    assert AGENT.visible_teams(teams) == [] and p(Role.qa).visible_teams(teams) == []


def test_qa_records_visible_to_qa_centre_roles_and_the_owner() -> None:
    assert p(Role.qa).can_view_qa("A009", "T9")
    assert p(Role.manager).can_view_qa()
    assert AGENT.can_view_qa("A001", "T1") and not AGENT.can_view_qa("A002", "T1")
    assert SUPERVISOR.can_view_qa("A002", "T3") and not SUPERVISOR.can_view_qa("A002", "T2")
    assert not p(Role.hr).can_view_qa("A001", "T1")


def test_require_raises_forbidden_for_other_roles() -> None:
    assert AGENT.require(Role.agent, "supervisor") is AGENT
    with pytest.raises(Forbidden):
        AGENT.require(Role.admin)


def test_ensure_turns_a_foreign_object_into_not_found() -> None:
    AGENT.ensure(AGENT.can_view_agent("A001", "T1"))
    with pytest.raises(NotFound):
        AGENT.ensure(AGENT.can_view_agent("A002", "T1"), "agent")
