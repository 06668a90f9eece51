"""Freshdesk's ticket CSV export, from a fixture written from vendors.md's fields.

On time = closed (Resolved time, else Closed time) no later than Due by Time, or than
created + 24 h without one; an open ticket past its due time is late (docs/indicators.md,
ticket_ontime_rate; figures computed as of 2027-01-01). Worked out by hand below.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kefu.ingest import import_file
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.ingest.helpers import rejects, stored
from tests.metrics.helpers import AS_OF

VENDORS = Path(__file__).parents[1] / "data" / "vendors"


def _ratios(ws: Workspace, period: str, level: str) -> dict[str, tuple]:
    figures = compute(ws, period, level=level, indicators=["ticket_ontime_rate"], as_of=AS_OF)
    return {f.key: (f.numerator, f.denominator) for f in figures}


def test_freshdesk_ticket_export(ws: Workspace) -> None:
    path = VENDORS / "freshdesk-tickets.csv"
    r = import_file(ws, path, mapping="freshdesk-tickets")
    # Ticket 505 has no Agent (unassigned): rejected on row 6.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 19, 0, 1)
    assert [(x.row, x.rule.split(":")[0]) for x in rejects(ws)] == [(6, "missing")]
    tickets = {t["ticket_id"]: t for t in stored(ws, "tickets")}
    # The agent is the display name; 508 was closed without a Resolved time.
    assert tickets["508"]["agent_id"] == "Li Wei"
    assert tickets["508"]["closed_at"] is not None
    assert [k for k, t in tickets.items() if t["closed_at"] is None] == ["503", "504", "511", "520"]
    #   Li Wei:    501 ✓ (15:00 ≤ next day 09:00), 504 pending ✗, 508 ✓ (closed 16:00 ≤ 17:00),
    #              511 waiting ✗, 514 ✗ (12:00 > 09:00), 520 open ✗     → 2 of 6
    #   Chen Jing: 502 ✗ (resolved 20:00 > 18:00), 507 ✓ (exactly at due), 510 ✓ (no due:
    #              created + 24 h), 513 ✓, 516 ✓, 519 ✗                → 4 of 6
    #   Zhao Min:  503 open ✗, 506 ✓, 509 ✗, 512 ✓, 515 ✓, 518 ✓       → 4 of 6
    #   517 is due 11-01 10:00: a November ticket, resolved on time.
    assert _ratios(ws, "2026-10", "agent") == {
        "Li Wei": (2, 6), "Chen Jing": (4, 6), "Zhao Min": (4, 6),
    }  # fmt: skip
    assert _ratios(ws, "2026-11", "centre") == {"centre": (1, 1)}
    # The stored closing and due times agree with Freshdesk's own verdict wherever it gave
    # one (SLA Violated: 502, 509, 514, 519).
    with path.open(encoding="utf-8", newline="") as f:
        verdicts = {row["Ticket ID"]: row["Resolution status"] for row in csv.DictReader(f)}
    judged = {k: v for k, v in verdicts.items() if v}
    assert len(judged) == 13
    for k, verdict in judged.items():
        late = tickets[k]["closed_at"] > tickets[k]["due_at"]
        assert late == (verdict == "SLA Violated"), k
