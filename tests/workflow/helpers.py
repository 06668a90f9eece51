"""A tiny centre for workflow tests: two agents in T1, a one-indicator scorecard.

The scorecard scores only ``compliance_score`` (target 95, threshold 70, weight
100), so an agent's total is ``100 × (mean score − 70) / 25`` clamped to
[0, 100] and can be worked out by hand.
"""

from __future__ import annotations

from datetime import date, datetime

from kefu import scoring
from kefu.users.roles import Principal, Role
from kefu.workspace import Workspace
from tests.factories import add_records

SCORECARD = """\
name: test
version: "1"
dimensions:
  - id: quality
    name: {zh: 质量, en: Quality}
    weight: 100
    indicators:
      - id: compliance_score
        weight: 100
        direction: higher_better
        target: 95
        threshold: 70
        min_sample: 1
grades:
  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}
applications:
  pay_coefficient: {S: 1.5, A: 1.2, B: 1.0, C: 0.8, D: 0.5}
  improvement_plan_grades: [C, D]
"""

# Published on 2026-11-02 01:00 UTC in the tests' clock.
PUBLISHED = datetime(2026, 11, 2, 1, 0)

SUP = Principal(1, "sup", "主管", Role.supervisor, teams=frozenset({"T1"}))
OTHER_SUP = Principal(2, "sup2", "主管2", Role.supervisor, teams=frozenset({"T2"}))
A1 = Principal(3, "a1", "坐席一", Role.agent, agent_id="A1")
A2 = Principal(4, "a2", "坐席二", Role.agent, agent_id="A2")
QA = Principal(5, "qa", "质检", Role.qa)
MGR = Principal(6, "mgr", "经理", Role.manager)
HR = Principal(7, "hr", "人事", Role.hr)


def centre(ws: Workspace) -> None:
    """A1: QA scores 80 and 90 in 2026-10 (mean 85 → total 60, grade C).
    A2: QA score 95 (total 100, grade S)."""
    (ws.scorecards_dir / "test.yaml").write_text(SCORECARD, encoding="utf-8")
    add_records(
        ws,
        "agents",
        [
            {"agent_id": "A1", "name": "坐席一", "team": "T1", "valid_from": date(2026, 1, 1)},
            {"agent_id": "A2", "name": "坐席二", "team": "T1", "valid_from": date(2026, 1, 1)},
        ],
        source="hr",
    )
    add_records(
        ws,
        "qa_evaluations",
        [
            {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": datetime(2026, 10, 5, 2),
             "compliance_score": 80.0, "info_checked": 1, "info_correct": 1, "fatal": False},
            {"evaluation_id": "Q2", "agent_id": "A1", "evaluated_at": datetime(2026, 10, 6, 2),
             "compliance_score": 90.0, "info_checked": 1, "info_correct": 1, "fatal": False},
            {"evaluation_id": "Q3", "agent_id": "A2", "evaluated_at": datetime(2026, 10, 7, 2),
             "compliance_score": 95.0, "info_checked": 1, "info_correct": 1, "fatal": False},
        ],
        source="qa",
    )  # fmt: skip


def publish(ws: Workspace, period: str = "2026-10") -> None:
    scoring.score_period(ws, period, actor="test", as_of=PUBLISHED)
    scoring.publish(ws, period, actor="test")
