"""A small day for the monitor page tests: overdue tickets and one upheld complaint.

On 2026-11-11 (Asia/Shanghai, the day ends 16:00 UTC) with the default scorecard's
alerts (overdue tickets at least 3, any team or agent; an upheld agent-caused
complaint at least 1, agents only):

=====  ====  =====  =======  ======  ==================================
agent  team  name   overdue  upheld  alerts
=====  ====  =====  =======  ======  ==================================
A1     T1    张三   5        0       overdue 5 (past the line by 2/3)
A2     T1    李四   3        1       overdue 3 (by 0), upheld 1 (by 0)
A3     T2    王五   4        0       overdue 4 (by 1/3)
T1                  8        1       overdue 8 (by 5/3)
T2                  4        0       overdue 4 (by 1/3)
=====  ====  =====  =======  ======  ==================================

The upheld count is an agent-level alert only, so T1 raises none for it.
"""

from __future__ import annotations

from datetime import date, datetime

from kefu.workspace import Workspace
from tests.factories import add_records

DAY = "2026-11-11"
NAMES = {"A1": "张三", "A2": "李四", "A3": "王五"}
TEAMS = {"A1": "T1", "A2": "T1", "A3": "T2"}
OVERDUE = {"A1": 5, "A2": 3, "A3": 4}


def build(ws: Workspace) -> None:
    add_records(
        ws,
        "agents",
        [
            {"agent_id": a, "name": NAMES[a], "team": TEAMS[a], "site": "S1",
             "hire_date": date(2026, 1, 1)}
            for a in NAMES
        ],
        source_file="roster.csv",
    )  # fmt: skip
    add_records(
        ws,
        "tickets",
        [
            {"ticket_id": f"{a}-t{i}", "agent_id": a, "created_at": datetime(2026, 11, 1),
             "due_at": datetime(2026, 11, 10), "closed_at": None}
            for a, n in OVERDUE.items()
            for i in range(n)
        ],
        source_file="tickets.csv",
    )  # fmt: skip
    add_records(
        ws,
        "complaints",
        [
            {"complaint_id": "k1", "agent_id": "A2", "received_at": datetime(2026, 11, 11, 3),
             "attributed": True, "status": "upheld"},
        ],
        source_file="complaints.csv",
    )  # fmt: skip
