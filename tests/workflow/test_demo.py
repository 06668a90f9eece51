from __future__ import annotations

from rich.console import Console

from kefu.demo.run import DemoRun
from kefu.demo.workflow import demo_workflow
from kefu.users.roles import Principal, Role
from kefu.workflow import appeals, inbox, plans, reviews
from tests.workflow.helpers import A1, centre, publish


def test_demo_step_leaves_reviews_plans_and_appeals_in_every_state(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    centre(ws)
    publish(ws, "2026-10")
    run = DemoRun(home=ws.home, months=2, start="2026-10", console=Console(file=None, quiet=True))
    run.ws = ws
    run.users = {"team": "T1", "agent": "A1"}
    demo_workflow(run)
    sup = Principal(0, "supervisor", "s", Role.supervisor, teams=frozenset({"T1"}))
    states = sorted(r.state for r in reviews.list_reviews(ws, sup))
    # A2 (the other agent, grade S) stays a draft; A1 (the demo agent, grade C) is held
    # for them to acknowledge and has the required plan.
    assert states == ["draft", "held"]
    assert [p.agent_id for p in plans.list_plans(ws, sup)] == ["A1"]
    assert "review_acknowledge" in {t.kind for t in inbox.inbox(ws, A1)}
    # A1's QA evaluations scored under 85: Q1 (80) upheld. Q2 (90) is above the cut.
    found = appeals.list_appeals(ws, sup)
    assert [(a.record_id, a.state) for a in found] == [("Q1", "upheld")]
