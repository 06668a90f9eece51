"""A small scored workspace for the appraisal page tests (pages, API, browser).

Three agents in two teams, scored for 2026-09 (published) and 2026-10 (scored)
from hand-made figures: only ``fcr_rate`` has data, so the default scorecard
gives all 100 points of weight to it and

    total = 100 × (fcr − 0.60) / (0.85 − 0.60)      (target 0.85, threshold 0.60)

=========  ====  =====  =========  =========
agent      team  name   fcr 09/10  total 09/10
=========  ====  =====  =========  =========
A1         T1    张三   0.75/0.80  60/80
A2         T1    李四   0.65/0.70  20/40
A3         T2    王五   0.60/0.85   0/100
=========  ====  =====  =========  =========

A1 also has three phone contacts in October, for the records drill-down.
"""

from __future__ import annotations

from datetime import date

from kefu import scoring
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import contact, sh
from tests.scoring.helpers import FakeEngine, fig

FCR = {
    "2026-09": {"A1": 0.75, "A2": 0.65, "A3": 0.60},
    "2026-10": {"A1": 0.80, "A2": 0.70, "A3": 0.85},
}
NAMES = {"A1": "张三", "A2": "李四", "A3": "王五"}
TEAMS = {"A1": "T1", "A2": "T1", "A3": "T2"}


def total_of(fcr: float) -> float:
    return 100 * (fcr - 0.60) / (0.85 - 0.60)


def build(ws: Workspace) -> None:
    hired = date(2026, 1, 1)
    add_records(
        ws,
        "agents",
        [
            {"agent_id": a, "name": NAMES[a], "team": TEAMS[a], "site": "S1", "hire_date": hired}
            for a in NAMES
        ],
        source_file="roster.csv",
    )
    add_records(
        ws,
        "contacts",
        [contact(f"C{i}", "A1", sh(2026, 10, 5 + i, 10)) for i in range(3)],
        source_file="calls-2026-10.csv",
    )
    figures = [
        fig("fcr_rate", value, key=agent, period=month)
        for month, values in FCR.items()
        for agent, value in values.items()
    ]
    for month in FCR:
        scoring.score_period(ws, month, actor="test", compute=FakeEngine(figures))
    scoring.publish(ws, "2026-09", actor="test")
