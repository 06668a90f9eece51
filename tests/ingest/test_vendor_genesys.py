"""The shipped profile genesys-cloud-conversations on a metrics export (tests/data/vendors/).

20 conversations; start and end times are UTC ISO from T0 = 2026-10-12T01:00:00Z, the
metrics milliseconds (shown here in seconds; tTalkComplete = tTalk). The caller is
tel:+86138000000NN, shortened to NN:

    id  media   dir userId start tIvr tWait tTalk tHeld tAcw tHandle end  queue       NN
    g01 voice   in  u-li   0    5    12    200   20    30   250     240  q-query     01
    g02 voice   in  u-wang 300  4    25    180   -     20   200     511  q-query     02
    g03 voice   in  -      600  5    40    -     -     -    -       645  q-query     03
    g04 chat    in  u-chen 900  -    8     400   -     50   450     1308 q-chat      04
    g05 voice   out u-li   1200 -    -     120   0     15   135     1330 -           05
    g06 voice   in  u-zhao 1500 6    18    240   30    30   300     1796 q-complaint 06
    g07 voice   in  u-li   2000 5    9     150   0     10   160     2166 q-query     01
    g08 voice   in  -      2400 5    15    -     -     -    -       2420 q-complaint 08
    g09 voice   in  u-wang 3000 5    30    270   -     -    270     3307 q-query     09
    g10 voice   in  u-zhao 3500 5    10    -     -     -    -       3717 q-query     10
    g11 chat    in  u-chen 4000 -    20    300   -     30   330     4320 q-chat      04
    g12 voice   in  u-li   4500 5    16    210   10    20   240     4743 q-query     12
    g13 voice   in  -      5000 4    60    -     -     -    -       5064 q-query     13
    g14 voice   in  u-wang 5200 5    22    250   0     28   278     5479 q-query     13
    g15 voice   in  u-zhao 6000 5    14    200   0     20   220     6221 q-complaint 06
    g16 email   in  u-chen 6500 -    600   300   -     -    300     7400 q-email     16
    g17 voice   in  u-li   7000 5    20    180   0     20   200     7207 q-query     17
    g18 voice   in  u-wang 7500 5    8     190   0     10   200     7705 q-query     18
    g19 message in  u-chen 8000 -    5     100   -     20   120     8105 q-chat      19
    g20 voice   in  u-zhao 8500 5    35    260   0     40   300     8802 q-query     18

(dir: originatingDirection.) Offered = start + tIvr (start when no IVR), answered = offered + tWait.
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

EXPORT = Path(__file__).parents[1] / "data" / "vendors" / "genesys-cloud-conversations.csv"


def _centre(ws: Workspace, indicator: str):  # type: ignore[no-untyped-def]
    (f,) = compute(ws, "2026-10", level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_genesys_conversations_take_handle_time_from_thandle(ws: Workspace) -> None:
    r = import_file(ws, EXPORT, mapping="genesys-cloud-conversations")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 20, 0, 0)
    rows = {c["contact_id"].removesuffix("-7f3c"): c for c in stored(ws, "contacts")}
    # g01: tHandle 250000 ms = 250 s is the handle time; tTalk, tHeld and tAcw are not
    # added to it (they would make 250 + 200 + 20 + 30 = 500).
    g01 = rows["g01"]
    assert (g01["talk_seconds"], g01["hold_seconds"], g01["acw_seconds"]) == (250, None, None)
    # Offered T0 + 5 s (tIvr), answered 12 s later (tWait).
    assert g01["offered_at"] == datetime(2026, 10, 12, 1, 0, 5)
    assert g01["answered_at"] == datetime(2026, 10, 12, 1, 0, 17)
    # g04 has no IVR: offered at its start, T0 + 900 s = 01:15:00.
    assert rows["g04"]["offered_at"] == datetime(2026, 10, 12, 1, 15)
    assert {k for k, c in rows.items() if c["answered_at"] is None} == {"g03", "g08", "g13"}
    assert rows["g19"]["channel"] == "chat" and rows["g16"]["channel"] == "email"
    assert rows["g05"]["direction"] == "out"


def test_genesys_conversations_indicators_worked_out_by_hand(ws: Workspace) -> None:
    import_file(ws, EXPORT, mapping="genesys-cloud-conversations")
    # Inbound answered: all but g03, g08, g13 (no agent) and g05 (outbound) = 16.
    # tWait: 12 25 8 18 9 30 10 20 16 22 14 600 20 8 5 35 = 852 s.
    frt = _centre(ws, "frt_avg")
    assert (frt.numerator, frt.denominator) == (pytest.approx(852), 16)
    # Targets phone 20 s, chat 30 s, email 86 400 s: misses g02 25, g09 30, g14 22, g20
    # 35 (all phone): 12 of 16.
    within = _centre(ws, "frt_within_target")
    assert (within.numerator, within.denominator) == (12, 16)
    # Answered in and out (the 16 and g05): tHandle, and for g10 (no tHandle) end −
    # answered = 3717 − (3500 + 5 + 10) = 202: 250 200 450 135 300 160 270 202 330 240
    # 278 220 300 200 200 120 300 = 4155 s over 17.
    aht = _centre(ws, "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(4155), 17)
    # FCR over the 16 (no transfer flag): g01 repeated by g07 (01, q-query), g04 by g11
    # (04, q-chat), g06 by g15 (06, q-complaint), g18 by g20 (18, q-query): 12 of 16.
    fcr = _centre(ws, "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (12, 16)
