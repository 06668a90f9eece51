"""容联七陌 (7moor) call records: the API field names (7moor-cdr) and the web UI's labels.

The fixtures in tests/data/vendors/ are written from the fields in the spec's vendors.md.
Every expected figure is worked out by hand below from the fixture rows and the
definitions in docs/indicators.md (frt = answered − offered over answered inbound calls;
aht = talk time over answered calls; FCR broken by a repeat from the same caller in the
same category within 48 h; phone response target 20 s).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kefu.ingest import import_file
from kefu.metrics import Figure, compute
from kefu.workspace import Workspace
from tests.ingest.helpers import stored
from tests.metrics.helpers import AS_OF, sh

VENDORS = Path(__file__).parents[1] / "data" / "vendors"


def _figures(ws: Workspace, level: str, indicator: str) -> dict[str, Figure]:
    figures = compute(ws, "2026-10", level=level, indicators=[indicator], as_of=AS_OF)
    return {f.key: f for f in figures}


def _ratio(f: Figure) -> tuple[float | None, float | None]:
    return (f.numerator, f.denominator)


def test_7moor_api_call_records(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "7moor-cdr.csv", mapping="7moor-cdr")
    # 20 legs; s07 is blackList (refused, never offered): skipped.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 19, 1, 0)
    calls = {c["contact_id"]: c for c in stored(ws, "contacts")}
    assert {c["source"] for c in calls.values()} == {"7moor"}
    # Unanswered: s03, s17 queueLeak; s05, s11 notDeal; s06 leak; s12 voicemail. s05 and
    # s11 name the agent who rang, but an unanswered call is nobody's.
    unanswered = sorted(k for k, c in calls.items() if c["answered_at"] is None)
    assert unanswered == ["s03", "s05", "s06", "s11", "s12", "s17"]
    assert all(calls[k]["agent_id"] is None and calls[k]["talk_seconds"] is None
               for k in unanswered)  # fmt: skip
    # Outbound: s10 and s11 (dialout), the customer is the called number.
    assert (calls["s10"]["direction"], calls["s10"]["customer_id"]) == ("out", "13800000008")
    assert calls["s09"]["direction"] == "in"  # a transfer leg is taken in by 8003
    # Beijing time stored as UTC: s01 offered 2026-10-08 09:00:00 +08:00.
    assert calls["s01"]["offered_at"] == sh(2026, 10, 8, 9, 0, 0)
    assert calls["s20"]["ended_at"] == sh(2026, 11, 1, 0, 2, 20)

    # Answered inbound (12, all but s10 and the unanswered), answer − offer:
    #   8001: s01 15, s08 40, s13 8, s15 30, s20 20        = 113 s over 5
    #   8002: s02 30, s04 10, s16 25                       =  65 s over 3
    #   8003: s09 5, s14 5, s18 18, s19 12                 =  40 s over 4
    #   centre                                             = 218 s over 12
    frt = _figures(ws, "agent", "frt_avg")
    assert {k: _ratio(f) for k, f in frt.items()} == {
        "8001": (113, 5), "8002": (65, 3), "8003": (40, 4),
    }  # fmt: skip
    assert _ratio(_figures(ws, "centre", "frt_avg")["centre"]) == (218, 12)
    # Within the 20 s phone target (≤ 20): 8001 s01, s13, s20; 8002 s04; 8003 all four = 8 of 12.
    assert _ratio(_figures(ws, "centre", "frt_within_target")["centre"]) == (8, 12)
    # Talk time of the 13 answered calls (s10 outbound included):
    #   8001: 180 + 400 + 240 + 300 + 180 = 1300 over 5
    #   8002: 300 + 120 + 120 + 500       = 1040 over 4
    #   8003: 180 + 5 + 140 + 180         =  505 over 4
    aht = _figures(ws, "agent", "aht_avg")
    assert {k: _ratio(f) for k, f in aht.items()} == {
        "8001": (1300, 5), "8002": (1040, 4), "8003": (505, 4),
    }  # fmt: skip
    assert _ratio(_figures(ws, "centre", "aht_avg")["centre"]) == (2845, 13)
    # FCR over the 12 answered inbound calls. Repeats (same caller, same queue, ≤ 48 h):
    #   s01 (…001 查件组 10-08 09:00) ← s04 (…001 查件组 10-08 15:00): s01 not resolved;
    #   s02 (…002 投诉组 10-08 09:05) ← s13 (…002 投诉组 10-09 09:00): s02 not resolved;
    #   s16 (…011 理赔组 10-10 09:00) ← s17 abandoned 10-12 08:00 (47 h later): not resolved.
    #   Not repeats: s09 after s08 is in another queue (理赔组 vs 改址组); s19 is 72 h after s18.
    #   8001: 4 of 5 (s01); 8002: 1 of 3 (s02, s16); 8003: 4 of 4; centre 9 of 12.
    fcr = _figures(ws, "agent", "fcr_rate")
    assert {k: _ratio(f) for k, f in fcr.items()} == {
        "8001": (4, 5), "8002": (1, 3), "8003": (4, 4),
    }  # fmt: skip
    centre_fcr = _figures(ws, "centre", "fcr_rate")["centre"]
    # The latest call is offered 10-31 23:59, before 11-03 00:00: still provisional.
    assert (centre_fcr.numerator, centre_fcr.denominator, centre_fcr.provisional) == (9, 12, True)
    # Handled = answered, any direction: 8001 5, 8002 4 (s10 outbound), 8003 4.
    handled = _figures(ws, "agent", "contacts_handled")
    assert {k: f.numerator for k, f in handled.items()} == {"8001": 5, "8002": 4, "8003": 4}
    # Short calls (handle time ≤ 10 s): s14 (5 s) of 8003's four.
    assert _ratio(_figures(ws, "agent", "short_contact_rate")["8003"]) == (1, 4)
    # Abandonment: 5 of the 17 inbound calls kept went unanswered (s03, s05, s06, s12, s17).
    inbound = [c for c in calls.values() if c["direction"] == "in"]
    assert (sum(c["answered_at"] is None for c in inbound), len(inbound)) == (5, 17)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_7moor_web_ui_labels(ws: Workspace, tmp_path: Path, encoding: str) -> None:
    # The fixture is saved as Excel on Chinese Windows writes it (GBK, CRLF); the same
    # rows saved as UTF-8 with a BOM must import alike.
    path = VENDORS / "7moor-cdr-zh.csv"
    if encoding != "gbk":
        path = tmp_path / "通话记录.csv"
        path.write_bytes((VENDORS / "7moor-cdr-zh.csv").read_bytes().decode("gbk").encode(encoding))
    r = import_file(ws, path, mapping="7moor-cdr-zh")
    # 22 rows: z07 黑名单 skipped; z20 answered (11:59:50) before it was offered (12:00:00),
    # a clock error, rejected.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (22, 20, 1, 1)
    calls = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # Leading zeros of the 工号 are kept; the caller comes from 主叫号码 by its alias.
    assert (calls["z01"]["agent_id"], calls["z01"]["customer_id"]) == ("0101", "13900000001")
    # Unanswered (no 接听时间): z03, z15 排队放弃, z05 振铃未接听 (0101 rang: no contact of
    # hers), z06 IVR放弃, z10 留言.
    assert sorted(k for k, c in calls.items() if c["answered_at"] is None) == [
        "z03", "z05", "z06", "z10", "z15",
    ]  # fmt: skip
    assert calls["z05"]["agent_id"] is None
    assert calls["z17"]["talk_seconds"] == 500  # 00:08:20
    # Answered (15), answer − offer and talk (HH:MM:SS):
    #   0101: z01 12/180, z11 18/240, z13 15/360, z18 2/8, z22 16/120  → 63 s, 908 s over 5
    #   0102: z02 25/300, z08 30/600, z12 40/60, z16 7/90, z19 19/150  → 121 s, 1200 s over 5
    #   0103: z04 5/120, z09 9/6, z14 20/200, z17 11/500, z21 30/300   → 75 s, 1126 s over 5
    frt = _figures(ws, "agent", "frt_avg")
    assert {k: _ratio(f) for k, f in frt.items()} == {
        "0101": (63, 5), "0102": (121, 5), "0103": (75, 5),
    }  # fmt: skip
    aht = _figures(ws, "agent", "aht_avg")
    assert {k: _ratio(f) for k, f in aht.items()} == {
        "0101": (908, 5), "0102": (1200, 5), "0103": (1126, 5),
    }  # fmt: skip
    assert _ratio(_figures(ws, "centre", "aht_avg")["centre"]) == (3234, 15)
    # Within 20 s: 0101 all 5; 0102 z16 7, z19 19 (2); 0103 all but z21 30 (4): 11 of 15.
    assert _ratio(_figures(ws, "centre", "frt_within_target")["centre"]) == (11, 15)
    # No category: a call again by the same caller (z04 after z01, z13 after z03) is no repeat
    # of the same issue, so every answered call is resolved at first contact.
    assert _ratio(_figures(ws, "centre", "fcr_rate")["centre"]) == (15, 15)
    # Short (≤ 10 s): z18 8 s of 0101's five, z09 6 s of 0103's five.
    short = _figures(ws, "agent", "short_contact_rate")
    assert {k: _ratio(f) for k, f in short.items()} == {
        "0101": (1, 5), "0102": (0, 5), "0103": (1, 5),
    }  # fmt: skip


def test_7moor_api_call_records_saved_as_xlsx_are_the_same_records(
    ws: Workspace, tmp_path: Path
) -> None:
    # The same export saved from Excel: times become date cells, lengths and ids numbers.
    import csv
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with (VENDORS / "7moor-cdr.csv").open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.reader(f)):
            cells: list[object] = []
            for value in row:
                if i and len(value) == 19 and value[4] == "-":
                    cells.append(datetime.fromisoformat(value))
                elif i and value.isdigit() and not value.startswith("0"):
                    cells.append(int(value))
                else:
                    cells.append(value or None)
            sheet.append(cells)
    path = tmp_path / "cdr.xlsx"
    book.save(path)
    first = import_file(ws, VENDORS / "7moor-cdr.csv", mapping="7moor-cdr")
    second = import_file(ws, path, mapping="7moor-cdr")
    assert (first.new, second.rows_read, second.skipped) == (19, 20, 1)
    assert (second.unchanged, second.changed, second.new) == (19, 0, 0)
