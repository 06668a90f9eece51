"""The appraisal workspace of :mod:`tests.web.appraisal_data` with complaints, for the
records drill-down (A1, 张三, team T1, October 2026, Asia/Shanghai).

A1's October contacts: C0, C1, C2 (inbound phone calls offered on 5, 6 and 7 October at
10:00 local) and C9 (an outbound phone call, 9 October 10:00), all answered: 4 handled.
A1's October complaints: K1 (caused by the agent, upheld) and K2 (not caused by the
agent, rejected). By metrics.md the complaint rate is 1 complaint over 4 handled
contacts; K2 does not count. So the drill-down of ``complaint_rate`` lists 5 records:
K1 in the numerator, the 4 contacts in the denominator only, and K2 not counted.
"""

from __future__ import annotations

from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import contact, sh
from tests.web import appraisal_data


def build(ws: Workspace) -> None:
    appraisal_data.build(ws)
    add_records(
        ws,
        "contacts",
        [contact("C9", "A1", sh(2026, 10, 9, 10), direction="out")],
        source_file="calls-outbound.csv",
    )
    add_records(
        ws,
        "complaints",
        [
            {"complaint_id": "K1", "agent_id": "A1", "received_at": sh(2026, 10, 6, 11),
             "attributed": True, "status": "upheld"},
            {"complaint_id": "K2", "agent_id": "A1", "received_at": sh(2026, 10, 7, 11),
             "attributed": False, "status": "rejected"},
        ],
        source_file="complaints-2026-10.csv",
    )  # fmt: skip
