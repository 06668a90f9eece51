"""The shipped profile amazon-connect-ctr on contact trace records (tests/data/vendors/).

20 JSON lines for 18 contacts: c01 is delivered twice (line 1 before its after-contact
work was known, line 5 with it), c10 twice (its final record on line 11, a partial one
with an earlier LastUpdateTimestamp on line 20). Times in seconds after T0 =
2026-10-12T01:00:00Z (09:00 Beijing); enq = Queue.EnqueueTimestamp, conn =
Agent.ConnectedToAgentTimestamp, disc = DisconnectTimestamp; talk / hold / acw =
AgentInteractionDuration / CustomerHoldDuration / AfterContactWorkDuration; customer
+86138000000NN shortened to NN:

    contact  channel method    enq   conn  disc  talk hold acw  queue        cust  note
    c01      VOICE   INBOUND   10    25    325   270  30   40   q-query      01    latest: line 5
    c02      VOICE   INBOUND   108   138   438   280  0    20   q-query      02
    c03      VOICE   INBOUND   205   -     265   -    -    -    q-query      03    abandoned
    c04      VOICE   INBOUND   305   320   620   250  20   30   q-query      04    NextContactId c05
    c05      VOICE   TRANSFER  620   650   950   280  0    20   q-complaint  04
    c06      CHAT    INBOUND   1003  1013  1613  560  0    40   q-chat       06
    c07      VOICE   OUTBOUND  -     1115  1235  110  0    10   -            07    initiated 1100
    c08      VOICE   INBOUND   2010  2020  2200  160  0    20   q-query      01
    c09      VOICE   INBOUND   2104  -     2124  -    -    -    q-query      09    abandoned
    c10      VOICE   INBOUND   2506  2566  2866  300  null null q-query      10    latest: line 11
    c11      VOICE   INBOUND   3005  3025  3325  240  40   20   q-complaint  11
    c12      CHAT    INBOUND   3502  3532  3832  280  0    20   q-chat       06
    c13      VOICE   INBOUND   4010  4018  4218  190  0    10   q-query      13
    c14      VOICE   INBOUND   4102  -     4190  -    -    -    q-query      14    abandoned
    c15      VOICE   INBOUND   4505  4525  4825  280  0    0    q-query      14
    c16      VOICE   INBOUND   5004  5024  5324  260  10   30   q-query      16
    c17      VOICE   INBOUND   5510  5550  5850  290  0    10   q-complaint  11
    c18      VOICE   INBOUND   6006  6016  6316  280  0    20   q-query      18
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

EXPORT = Path(__file__).parents[1] / "data" / "vendors" / "amazon-connect-ctr.json"


def _centre(ws: Workspace, indicator: str):  # type: ignore[no-untyped-def]
    (f,) = compute(ws, "2026-10", level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_amazon_connect_keeps_the_latest_delivery_of_each_contact(ws: Workspace) -> None:
    r = import_file(ws, EXPORT, mapping="amazon-connect-ctr")
    # 20 lines; the earlier deliveries of c01 (line 1) and c10 (line 20) skipped.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 18, 2, 0)
    rows = {c["contact_id"]: c for c in stored(ws, "contacts")}
    assert (rows["c01"]["acw_seconds"], rows["c01"]["source_row"]) == (40, 5)
    assert (rows["c10"]["talk_seconds"], rows["c10"]["source_row"]) == (300, 11)
    assert rows["c10"]["ended_at"] == datetime(2026, 10, 12, 1, 47, 46)  # T0 + 2866 s
    assert {k for k, c in rows.items() if c["agent_id"] is None} == {"c03", "c09", "c14"}
    assert rows["c06"]["channel"] == "chat" and rows["c07"]["direction"] == "out"
    assert [k for k, c in rows.items() if c["transferred"]] == ["c04"]
    assert rows["c05"]["agent_id"] == "ag-zhao" and rows["c05"]["category"] == "q-complaint"


def test_amazon_connect_indicators_worked_out_by_hand(ws: Workspace) -> None:
    import_file(ws, EXPORT, mapping="amazon-connect-ctr")
    # Inbound answered: all but c03, c09, c14 (abandoned) and c07 (outbound) = 14.
    # conn − enq: 15 30 15 30 10 10 60 20 30 8 20 20 40 10 = 318 s.
    frt = _centre(ws, "frt_avg")
    assert (frt.numerator, frt.denominator) == (pytest.approx(318), 14)
    # Targets phone 20 s, chat 30 s: misses c02 30, c05 30, c10 60, c17 40 (all phone):
    # 10 of 14.
    within = _centre(ws, "frt_within_target")
    assert (within.numerator, within.denominator) == (10, 14)
    # Answered in and out (the 14 and c07): talk + hold + acw (null counts 0):
    # c01 340, c02 300, c04 300, c05 300, c06 600, c07 120, c08 180, c10 300, c11 300,
    # c12 300, c13 200, c15 280, c16 300, c17 300, c18 300 = 4420 s over 15.
    aht = _centre(ws, "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(4420), 15)
    # FCR over the 14: c01 repeated by c08 (01, q-query), c06 by c12 (06, q-chat), c11
    # by c17 (11, q-complaint); c04 transferred. c05 (04, q-complaint) is not a repeat
    # of c04 (q-query). 10 of 14.
    fcr = _centre(ws, "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (10, 14)
