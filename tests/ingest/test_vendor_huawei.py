"""华为云 CEC call records (JSON, epoch ms), from a fixture written from vendors.md's fields.

All calls are on 2026-10-23, Beijing time. Expected figures are worked out by hand from
the fixture and docs/indicators.md: frt = agentTalkingTime − startTime over answered
calls (phone target 20 s), handle time = agentTalkDuration (or, without it, agent
release − agent talking).
"""

from __future__ import annotations

from pathlib import Path

from kefu.ingest import import_file
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.ingest.helpers import rejects, stored
from tests.metrics.helpers import AS_OF, sh

VENDORS = Path(__file__).parents[1] / "data" / "vendors"


def _ratios(ws: Workspace, level: str, indicator: str) -> dict[str, tuple]:
    figures = compute(ws, "2026-10", level=level, indicators=[indicator], as_of=AS_OF)
    return {f.key: (f.numerator, f.denominator) for f in figures}


def test_huawei_cec_call_records(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "huawei-cec-calls.json", mapping="huawei-cec-calls")
    # h20 is a broken record (every time 0): it has no start, and is rejected.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 19, 0, 1)
    assert [x.rule.split(":")[0] for x in rejects(ws)] == ["missing"]
    calls = {c["contact_id"]: c for c in stored(ws, "contacts")}
    assert calls["h01"]["offered_at"] == sh(2026, 10, 23, 9, 0, 0)
    assert calls["h01"]["customer_id"] == "13700000000"
    # No agent (agentPresent -1 or 0): h03 and h12 ended in the IVR, h06 was abandoned.
    assert sorted(k for k, c in calls.items() if c["answered_at"] is None) == [
        "h03", "h06", "h12",
    ]  # fmt: skip
    assert {calls[k]["agent_id"] for k in ("h03", "h06", "h12")} == {None}
    # h19 has no agentTalkDuration: handled from 15:00:13 to its agent release 15:01:53.
    assert calls["h19"]["talk_seconds"] is None
    # Answered: wait for the agent / handle time.
    #   101:  h01 15/200, h05 19/600, h09 21/150, h13 8/180, h16 10/8, h19 13/100
    #         → frt 86 / 6, aht 1238 / 6, within 20 s 5 (not h09), short 1 (h16)
    #   102:  h02 28/300, h07 12/5, h10 16/240, h14 45/720, h17 20/330
    #         → frt 121 / 5, aht 1595 / 5, within 3 (h07, h10, h17), short 1 (h07)
    #   1005: h04 9/90, h08 35/420, h11 11/360, h15 14/200, h18 26/270
    #         → frt 95 / 5, aht 1340 / 5, within 3 (h04, h11, h15), short 0
    assert _ratios(ws, "agent", "frt_avg") == {
        "101": (86, 6), "102": (121, 5), "1005": (95, 5),
    }  # fmt: skip
    assert _ratios(ws, "agent", "aht_avg") == {
        "101": (1238, 6), "102": (1595, 5), "1005": (1340, 5),
    }  # fmt: skip
    assert _ratios(ws, "centre", "frt_within_target") == {"centre": (11, 16)}
    assert _ratios(ws, "agent", "short_contact_rate") == {
        "101": (1, 6), "102": (1, 5), "1005": (0, 5),
    }  # fmt: skip
    # The caller is known, but without a category no call is a repeat of the same issue.
    assert _ratios(ws, "centre", "fcr_rate") == {"centre": (16, 16)}
