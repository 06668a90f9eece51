"""The shipped profile aliyun-ccc-calls on a ListCallDetailRecords answer (tests/data/vendors/).

20 records under Data.List; times are epoch milliseconds from T0 = 1791766800000 =
2026-10-12 09:00:00 Beijing (01:00:00 UTC), EstablishedTime 0 = never answered. Agents
are agentN@kefu-ccc, shortened to aN; numbers 138000000NN to NN. Times in seconds after T0:

    id   type      disposition       AgentIds  skill group   S     E     R     talk  held  number
    a01  Inbound   Success           a1        sg-query      0     30    330   290   0     01
    a02  Inbound   Success           a2        sg-query      100   115   415   270   20    02
    a03  Inbound   AbandonedInQueue  -         sg-query      200   0     260   0     0     03
    a04  Inbound   Success           a1,a3     sg-complaint  300   320   920   560   30    04
    a05  Internal  Success           a2,a1     -             400   405   465   60    0     (agent)
    a06  Outbound  Success           a2        sg-query      500   525   645   120   0     06
    a07  Inbound   NoAnswer          a3        sg-query      600   0     640   0     0     07
    a08  Inbound   Success           a1        sg-query      1000  1010  1190  180   null  01
    a09  Inbound   Success           a3        sg-query      1200  1250  1490  null  null  09
    a10  Inbound   AbandonedInQueue  -         sg-complaint  1500  0     1530  0     0     10
    a11  Inbound   Success           a2        sg-complaint  2000  2012  2312  280   10    10
    a12  Inbound   Success           a1        sg-query      3000  3025  3205  170   0     12
    a13  Inbound   Success           a3        sg-complaint  3100  3140  3500  350   0     04
    a14  Inbound   AbandonedInQueue  -         sg-query      3300  0     3345  0     0     14
    a15  Inbound   Success           a2        sg-query      3400  3405  3605  195   0     14
    a16  Outbound  NoAnswer          a1        sg-query      3600  0     3630  0     0     16
    a17  Inbound   Success           a3        sg-query      4000  4018  4318  300   0     17
    a18  Inbound   Success           a1        sg-query      4500  4520  4700  160   20    18
    a19  Inbound   Success           a2,a1     sg-query      5000  5030  5330  290   0     19
    a20  Inbound   Success           a2        sg-query      5500  5560  5800  240   0     18
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

EXPORT = Path(__file__).parents[1] / "data" / "vendors" / "aliyun-ccc-call-detail-records.json"


def _centre(ws: Workspace, indicator: str):  # type: ignore[no-untyped-def]
    (f,) = compute(ws, "2026-10", level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_aliyun_calls_import_with_the_last_agent_and_abandoned_calls(ws: Workspace) -> None:
    r = import_file(ws, EXPORT, mapping="aliyun-ccc-calls")
    # 20 records; a05 (Internal) skipped; nothing rejected.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 19, 1, 0)
    rows = {c["contact_id"].removeprefix("job-"): c for c in stored(ws, "contacts")}
    # a04 reached a1 then a3; a19 a2 then a1: the last agent handles the call.
    assert rows["a04"]["agent_id"] == "agent3@kefu-ccc" and rows["a04"]["transferred"]
    assert rows["a19"]["agent_id"] == "agent1@kefu-ccc" and rows["a19"]["transferred"]
    assert sorted(k for k, c in rows.items() if c["transferred"]) == ["a04", "a19"]
    # Abandoned in queue (a03, a10, a14) and not answered (a07, a16): no agent, no answer.
    unanswered = {k for k, c in rows.items() if c["answered_at"] is None}
    assert unanswered == {"a03", "a07", "a10", "a14", "a16"}
    assert all(rows[k]["agent_id"] is None for k in unanswered)
    # a02: S = T0+100 s = 01:01:40 UTC, E = T0+115 s = 01:01:55 UTC.
    assert rows["a02"]["offered_at"] == datetime(2026, 10, 12, 1, 1, 40)
    assert rows["a02"]["answered_at"] == datetime(2026, 10, 12, 1, 1, 55)
    assert rows["a06"]["direction"] == "out" and rows["a06"]["customer_id"] == "13800000006"
    assert rows["a04"]["category"] == "sg-complaint"


def test_aliyun_calls_indicators_worked_out_by_hand(ws: Workspace) -> None:
    import_file(ws, EXPORT, mapping="aliyun-ccc-calls")
    # Inbound answered: a01 a02 a04 a08 a09 a11 a12 a13 a15 a17 a18 a19 a20 = 13.
    # E − S: 30 15 20 10 50 12 25 40 5 18 20 30 60 = 335 s.
    frt = _centre(ws, "frt_avg")
    assert (frt.numerator, frt.denominator) == (pytest.approx(335), 13)
    # Phone target 20 s: a02 15, a04 20, a08 10, a11 12, a15 5, a17 18, a18 20: 7 of 13.
    within = _centre(ws, "frt_within_target")
    assert (within.numerator, within.denominator) == (7, 13)
    # Answered in and out (the 13 and a06): talk + held where talk is given, else R − E
    # (a09: 1490 − 1250 = 240); a08's null held counts 0:
    # 290 290 590 120 180 240 290 170 350 195 300 180 290 240 = 3725 s over 14.
    aht = _centre(ws, "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(3725), 14)
    # FCR over the 13: a01 repeated by a08 (01, sg-query), a18 by a20 (18, sg-query),
    # a04 and a19 transferred (a04 also repeated by a13): 9 of 13. The abandoned a10
    # comes before a11 from the same number, so it is no repeat of it.
    fcr = _centre(ws, "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (9, 13)
