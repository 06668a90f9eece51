"""The shipped profile clink-inbound-cdr on a ListCdrIb answer (tests/data/vendors/).

20 records in the document's only list (cdrIbs); times are Unix seconds from T0 =
1791766800 = 2026-10-12 09:00:00 Beijing (01:00:00 UTC), BridgeTime 0 = never bridged.
Times in seconds after T0; BD = BridgeDuration, Qno = FirstCallQno, Cno = FirstCallCno,
caller 138000000NN shortened to NN:

    id   S     B     E     BD    Qno   Cno   NN  StatusResult
    k01  0     20    320   300   0001  1001  01  座席接听
    k02  100   130   370   240   0001  1002  02  座席接听
    k03  200   0     240   0     0001  -     03  排队放弃
    k04  300   0     330   0     -     -     04  IVR中挂机: skipped
    k05  400   425   845   420   0002  1003  05  座席接听
    k06  500   0     560   0     0001  1001  06  振铃放弃 (rang 1001, not answered)
    k07  1000  1018  1198  180   0001  1001  01  座席接听
    k08  1200  1250  1490  null  0001  1002  08  座席接听
    k09  1500  1512  1812  300   0002  1003  09  座席接听
    k10  2000  0     2030  0     0002  -     10  排队放弃
    k11  2100  2115  2375  260   0002  1003  10  座席接听
    k12  3000  3022  3222  200   0001  1001  12  座席接听
    k13  3100  0     3160  0     -     -     13  IVR中挂机: skipped
    k14  3500  3530  3830  300   0001  1002  14  座席接听
    k15  4000  4016  4216  200   0002  1003  05  座席接听
    k16  4500  0     4580  0     0001  -     16  排队放弃
    k17  5000  5045  5345  300   0001  1001  17  座席接听
    k18  5500  5519  5739  220   0001  1002  18  座席接听
    k19  6000  6010  6250  240   0002  1003  19  座席接听
    k20  6500  6560  6860  300   0001  1001  14  座席接听
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kefu.ingest import import_file
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.ingest.helpers import stored
from tests.metrics.helpers import AS_OF

EXPORT = Path(__file__).parents[1] / "data" / "vendors" / "clink-cdr-ib.json"


def _centre(ws: Workspace, indicator: str):  # type: ignore[no-untyped-def]
    (f,) = compute(ws, "2026-10", level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_clink_inbound_calls_read_unix_seconds(ws: Workspace) -> None:
    r = import_file(ws, EXPORT, mapping="clink-inbound-cdr")
    # 20 records; k04 and k13 ended in the IVR (no queue, never bridged): skipped.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 18, 2, 0)
    rows = {c["contact_id"].rsplit(".", 1)[1]: c for c in stored(ws, "contacts")}
    # k02: StartTime T0 + 100 = 01:01:40 UTC, BridgeTime T0 + 130 = 01:02:10 UTC.
    assert rows["02"]["offered_at"] == datetime(2026, 10, 12, 1, 1, 40)
    assert rows["02"]["answered_at"] == datetime(2026, 10, 12, 1, 2, 10)
    # Never bridged (BridgeTime 0): no answer and no agent, even k06 which rang 1001.
    unanswered = {k for k, c in rows.items() if c["answered_at"] is None}
    assert unanswered == {"03", "06", "10", "16"}
    assert all(rows[k]["agent_id"] is None and rows[k]["talk_seconds"] is None for k in unanswered)
    assert rows["08"]["talk_seconds"] is None and rows["08"]["agent_id"] == "1002"


def test_clink_inbound_indicators_worked_out_by_hand(ws: Workspace) -> None:
    import_file(ws, EXPORT, mapping="clink-inbound-cdr")
    # Bridged: k01 k02 k05 k07 k08 k09 k11 k12 k14 k15 k17 k18 k19 k20 = 14.
    # B − S: 20 30 25 18 50 12 15 22 30 16 45 19 10 60 = 372 s.
    frt = _centre(ws, "frt_avg")
    assert (frt.numerator, frt.denominator) == (pytest.approx(372), 14)
    # Phone target 20 s: k01 20, k07 18, k09 12, k11 15, k15 16, k18 19, k19 10: 7 of 14.
    within = _centre(ws, "frt_within_target")
    assert (within.numerator, within.denominator) == (7, 14)
    # BD, and for k08 (no BridgeDuration) E − B = 1490 − 1250 = 240:
    # 300 240 420 180 240 300 260 200 300 200 300 220 240 300 = 3700 s over 14.
    aht = _centre(ws, "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(3700), 14)
    # FCR over the 14: k01 repeated by k07 (01, queue 0001), k05 by k15 (05, 0002),
    # k14 by k20 (14, 0001): 11 of 14. k10 (abandoned) comes before k11 from 10.
    fcr = _centre(ws, "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (11, 14)
