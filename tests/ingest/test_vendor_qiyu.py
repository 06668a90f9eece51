"""The shipped profile qiyu-sessions on a Qiyu session export (tests/data/vendors/).

The zip holds session.txt (20 sessions, one JSON object per line) and message.txt. All
times are epoch milliseconds from T0 = 1791766800000 = 2026-10-12 09:00:00 Beijing
(01:00:00 UTC). The sessions, with times as seconds after T0 (q = inQueueTime, 0 = did
not queue; s = startTime; e = endTime, 0 = still open):

    id   staffId sType  q      s      e      userId category  note
    s01  101     0      0      20     320    u1   查件
    s02  101     0      -      600    840    u2   催件
    s03  -1      0      -      700    760    u3   查件      robot
    s04  102     0      1000   1045   1405   u3   查件
    s05  0       3      1200   1200   1500   u4   投诉      queue timeout
    s06  102     0      2000   2010   2130   u4   投诉
    s07  0       1      -      2500   2500   u11  留言      offline message: skipped
    s08  101     0      3000   3030   3330   u1   查件      repeat of s01
    s09  103     0      4000   4005   -      u5   退款      endTime 0
    s10  -1      0      -      5000   5100   u6   查件      robot
    s11  0       3      5200   5200   5260   u7   查件      queue timeout
    s12  103     0      6000   6060   6660   u7   查件      fromStaff 102: transferred
    s13  0       2      -      6800   6800   u12  留言      offline message: skipped
    s14  102     0      -      7000   7200   u2   查件
    s15  101     0      8000   8015   8195   u8   查件
    s16  -1      0      -      9000   9030   u8   查件      robot, repeat of s15
    s17  104     0      10000  10040  10400  u9   改址
    s18  104     0      -      11000  11100  (none) 查件
    s19  0       3      11500  11500  11560  u10  查件      queue timeout
    s20  103     0      12000  12025  12265  u10  查件
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

EXPORT = Path(__file__).parents[1] / "data" / "vendors" / "qiyu-session-export.zip"


def _centre(ws: Workspace, indicator: str):  # type: ignore[no-untyped-def]
    (f,) = compute(ws, "2026-10", level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_qiyu_sessions_import_with_robot_legs_and_queue_timeouts(ws: Workspace) -> None:
    r = import_file(ws, EXPORT, mapping="qiyu-sessions")
    # 20 lines read; s07 and s13 (offline messages) skipped; nothing rejected.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 18, 2, 0)
    rows = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # Robot sessions s03, s10, s16 and queue timeouts s05, s11, s19: no agent, no answer.
    nobody = {k for k, c in rows.items() if c["agent_id"] is None}
    assert nobody == {"s03", "s10", "s16", "s05", "s11", "s19"}
    assert all(rows[k]["answered_at"] is None for k in nobody)
    # s04: queued at T0+1000 s = 01:16:40 UTC, started at T0+1045 s = 01:17:25 UTC.
    assert rows["s04"]["offered_at"] == datetime(2026, 10, 12, 1, 16, 40)
    assert rows["s04"]["answered_at"] == datetime(2026, 10, 12, 1, 17, 25)
    # s02 did not queue (inQueueTime 0): offered at its start, T0+600 s = 01:10:00 UTC.
    assert rows["s02"]["offered_at"] == rows["s02"]["answered_at"] == datetime(2026, 10, 12, 1, 10)
    assert rows["s09"]["ended_at"] is None  # endTime 0: never
    assert [k for k, c in rows.items() if c["transferred"]] == ["s12"]


def test_qiyu_sessions_indicators_worked_out_by_hand(ws: Workspace) -> None:
    import_file(ws, EXPORT, mapping="qiyu-sessions")
    # Answered (agent) sessions: s01 s02 s04 s06 s08 s09 s12 s14 s15 s17 s18 s20 = 12.
    # Wait s − q (s when not queued): 20 0 45 10 30 5 60 0 15 40 0 25 = 250 s.
    frt = _centre(ws, "frt_avg")
    assert (frt.numerator, frt.denominator) == (pytest.approx(250), 12)
    # Chat target 30 s: all but s04 (45), s12 (60), s17 (40): 9 of 12.
    within = _centre(ws, "frt_within_target")
    assert (within.numerator, within.denominator) == (9, 12)
    # Handle time e − s (no talk time in the export): 300 240 360 120 300 600 200 180 360
    # 100 240 = 3000 s over 11 sessions; s09 has no end and is left out.
    aht = _centre(ws, "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(3000), 11)
    # FCR over the 12 answered: s01 is followed by s08 (u1, 查件), s15 by the robot's s16
    # (u8, 查件: a repeat whoever answers), s12 was transferred: 9 of 12. s18 has no
    # visitor and cannot be followed: resolved.
    fcr = _centre(ws, "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (9, 12)
