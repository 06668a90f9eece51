"""A small scored centre for the simulation tests, worked by hand.

Team T1 (five agents) is graded by forced distribution (A 20 %, B 60 %, C 20 %:
quotas 1, 3, 1); team T2 (two agents) is below the minimum population of three
and graded by thresholds (A ≥ 85, B ≥ 70, C). A1 has a fatal QA error (veto: at
most C); A5's csat_rate has 5 surveys, below the minimum sample of 10, so its
weight goes to fcr_rate; A1's two praises earn 2 × 2 = 4 bonus points, capped at 3.

Points under the base card (fcr 60, csat 40; both target 0.9, threshold 0.5):

====  ====  ====  ===========================  =====  =============
id    fcr   csat  points                       total  grade
====  ====  ====  ===========================  =====  =============
A1    0.9   0.9   60 + 40 + 3 bonus            103    A, veto → C
A2    0.9   0.6   60 + 10                      70     B
A3    0.7   0.85  30 + 35                      65     B
A4    0.6   0.9   15 + 40                      55     C
A5    0.85  (5)   100 × 0.875 (redistributed)  87.5   B
B1    0.9   0.9   60 + 40                      100    A (thresholds)
B2    0.6   0.9   15 + 40                      55     C (thresholds)
====  ====  ====  ===========================  =====  =============
"""

from __future__ import annotations

from datetime import date, datetime

from kefu.scoring.runs import score_period
from kefu.scoring.scorecard import Scorecard
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.scoring.helpers import FakeEngine, card, fig

OCT = "2026-10"
AS_OF = datetime(2026, 11, 5)

# fmt: off
BASE = """
dimensions:
  - id: quality
    name: {zh: 质量, en: Quality}
    indicators:
      - {id: fcr_rate, weight: 60, direction: higher_better, target: 0.9, threshold: 0.5, min_sample: 10}
      - {id: csat_rate, weight: 40, direction: higher_better, target: 0.9, threshold: 0.5, min_sample: 10}
bonus:
  - {indicator: praise_count, points_each: 2, cap: 3}
veto:
  - {event: qa_fatal, cap_grade: C}
grades:
  thresholds: {A: 85, B: 70, C: 0}
  distribution: {within: team, shares: {A: 0.2, B: 0.6, C: 0.2}, min_population: 3}
applications:
  pay_coefficient: {A: 1.2, B: 1.0, C: 0.8}
"""  # noqa: E501
# fmt: on

FIGURES = {
    # agent: (fcr, csat, csat sample)
    "A1": (0.9, 0.9, 100),
    "A2": (0.9, 0.6, 100),
    "A3": (0.7, 0.85, 100),
    "A4": (0.6, 0.9, 100),
    "A5": (0.85, 0.5, 5),
    "B1": (0.9, 0.9, 100),
    "B2": (0.6, 0.9, 100),
}
TEAMS = {"A1": "T1", "A2": "T1", "A3": "T1", "A4": "T1", "A5": "T1", "B1": "T2", "B2": "T2"}


def base_card(body: str = BASE, *, version: str = "1") -> Scorecard:
    return card(body, name="热线", version=version)


def engine() -> FakeEngine:
    figs = []
    for agent, (fcr, csat, sample) in FIGURES.items():
        figs += [
            fig("fcr_rate", fcr, key=agent),
            fig("csat_rate", csat, key=agent, sample=sample),
        ]
    figs.append(fig("praise_count", 2, key="A1"))
    return FakeEngine(figs)


def build(ws: Workspace) -> FakeEngine:
    """The roster, the events and one stored run of October under the base card."""
    add_records(ws, "agents", [
        {"agent_id": a, "name": f"客服{a}", "team": t, "site": "武汉",
         "valid_from": date(2026, 1, 1)}
        for a, t in TEAMS.items()
    ])  # fmt: skip
    add_records(ws, "qa_evaluations", [
        {"evaluation_id": "q1", "agent_id": "A1", "evaluated_at": datetime(2026, 10, 10, 3),
         "fatal": True},
    ])  # fmt: skip
    add_records(ws, "complaints", [
        {"complaint_id": "k1", "agent_id": "A5", "received_at": datetime(2026, 10, 12, 3),
         "severity": "major", "attributed": True, "status": "upheld"},
    ])  # fmt: skip
    eng = engine()
    score_period(ws, OCT, scorecard=base_card(), actor="tester", compute=eng, as_of=AS_OF)
    return eng
