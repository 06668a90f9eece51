"""美洽 Meiqia conversations, from a fixture written from vendors.md's fields.

Expected figures are worked out by hand from the fixture rows (all on 2026-10-16,
Beijing time) and docs/indicators.md: frt = the first-response wait over answered
conversations (chat target 30 s); with no talk time, handle time = end − answer.
"""

from __future__ import annotations

from pathlib import Path

from kefu.ingest import import_file
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.ingest.helpers import stored
from tests.metrics.helpers import AS_OF, sh

VENDORS = Path(__file__).parents[1] / "data" / "vendors"


def _ratios(ws: Workspace, level: str, indicator: str) -> dict[str, tuple]:
    figures = compute(ws, "2026-10", level=level, indicators=[indicator], as_of=AS_OF)
    return {f.key: (f.numerator, f.denominator) for f in figures}


def test_meiqia_conversations(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "meiqia-conversations.csv", mapping="meiqia-conversations")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 20, 0, 0)
    convs = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # No agent wrote in m03, m12 (the visitor left) or m06 (assigned to 7002, who never
    # replied: a wait of 0 with no agent message is no answer).
    assert sorted(k for k, c in convs.items() if c["answered_at"] is None) == [
        "m03", "m06", "m12",
    ]  # fmt: skip
    assert convs["m06"]["agent_id"] is None
    assert convs["m01"]["answered_at"] == sh(2026, 10, 16, 9, 0, 30)
    # Answered: wait / end − answer.
    #   7001: m01 30/570, m05 10/300, m08 60/1140, m11 12/300, m15 28/(open: no end),
    #         m18 15/240        → frt 155 / 6, aht 2550 / 5
    #   7002: m02 15/180, m09 25/240, m13 40/1200, m16 9/150, m19 22/420
    #                           → frt 111 / 5, aht 2190 / 5
    #   7003: m04 45/900, m07 20/360, m10 5/60, m14 18/480, m17 33/600, m20 50/900
    #                           → frt 171 / 6, aht 3300 / 6
    assert _ratios(ws, "agent", "frt_avg") == {
        "7001": (155, 6), "7002": (111, 5), "7003": (171, 6),
    }  # fmt: skip
    assert _ratios(ws, "agent", "aht_avg") == {
        "7001": (2550, 5), "7002": (2190, 5), "7003": (3300, 6),
    }  # fmt: skip
    # Within 30 s: 7001 all but m08 (5); 7002 all but m13 (4); 7003 m07, m10, m14 (3).
    assert _ratios(ws, "centre", "frt_within_target") == {"centre": (12, 17)}
    assert _ratios(ws, "centre", "frt_avg.chat") == {"centre": (437, 17)}
    # No customer, no disposition, no transfer: every answered conversation is resolved.
    assert _ratios(ws, "centre", "fcr_rate") == {"centre": (17, 17)}
