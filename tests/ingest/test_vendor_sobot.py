"""智齿 Sobot call records (JSON, epoch ms), from a fixture written from vendors.md's fields.

All calls are on 2026-10-22, Beijing time. Expected figures are worked out by hand from
the fixture's rows and docs/indicators.md: frt = answer − start over answered calls
(phone target 20 s), handle time = end − answer (no talk time is read), FCR broken by a
transfer (transferCount > 0).
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


def test_sobot_call_records(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "sobot-calls.json", mapping="sobot-calls")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 20, 0, 0)
    calls = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # startTime 1792630800000 ms = 2026-10-22 01:00:00 UTC = 09:00:00 Beijing time.
    assert calls["k01"]["offered_at"] == sh(2026, 10, 22, 9, 0, 0)
    # answerTime 0 (never answered): k03, k16 abandoned, k06 IVR self-service, k10 rang
    # 00141 unanswered (no contact of hers).
    assert sorted(k for k, c in calls.items() if c["answered_at"] is None) == [
        "k03", "k06", "k10", "k16",
    ]  # fmt: skip
    assert calls["k10"]["agent_id"] is None
    # The 工号's leading zeros are kept; k20's endTime 0 leaves it without an end.
    assert (calls["k20"]["agent_id"], calls["k20"]["ended_at"]) == ("00140", None)
    assert (calls["k02"]["category"], calls["k09"]["category"]) == ("催件", "查件")
    # Answered: answer − start / end − answer / transfers.
    #   00140: k01 12/200, k05 18/400, k09 14/250 (2 transfers), k13 9/120, k17 20/360,
    #          k20 13/(no end)  → frt 86 / 6, aht 1330 / 5, FCR 5 / 6, within 20 s 6
    #   00141: k02 25/320, k07 5/7, k11 22/180, k14 40/500 (1 transfer), k18 11/210
    #                           → frt 103 / 5, aht 1217 / 5, FCR 4 / 5, within 2 (k07, k18)
    #   00142: k04 8/150 (1 transfer), k08 30/600, k12 10/330, k15 16/240, k19 6/9
    #                           → frt 70 / 5, aht 1329 / 5, FCR 4 / 5, within 4 (not k08)
    assert _ratios(ws, "agent", "frt_avg") == {
        "00140": (86, 6), "00141": (103, 5), "00142": (70, 5),
    }  # fmt: skip
    assert _ratios(ws, "agent", "aht_avg") == {
        "00140": (1330, 5), "00141": (1217, 5), "00142": (1329, 5),
    }  # fmt: skip
    assert _ratios(ws, "agent", "fcr_rate") == {
        "00140": (5, 6), "00141": (4, 5), "00142": (4, 5),
    }  # fmt: skip
    assert _ratios(ws, "centre", "frt_within_target") == {"centre": (12, 16)}
    # Short (≤ 10 s): k07 7 s of 00141's five, k19 9 s of 00142's five.
    assert _ratios(ws, "agent", "short_contact_rate") == {
        "00140": (0, 5), "00141": (1, 5), "00142": (1, 5),
    }  # fmt: skip
