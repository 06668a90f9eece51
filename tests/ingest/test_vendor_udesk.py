"""Udesk IM sessions, call logs and tickets, from fixtures written from vendors.md's fields.

Expected figures are worked out by hand below from the fixture rows and the definitions
in docs/indicators.md: frt = answered − offered over answered inbound contacts (targets:
phone 20 s, chat 30 s), aht = talk (or end − answer without one), FCR broken by a transfer
or an explicit "not resolved", tickets on time when closed ≤ created + 24 h.
"""

from __future__ import annotations

from pathlib import Path

from kefu.ingest import import_file
from kefu.metrics import Figure, compute
from kefu.workspace import Workspace
from tests.ingest.helpers import rejects, stored
from tests.metrics.helpers import AS_OF, sh

VENDORS = Path(__file__).parents[1] / "data" / "vendors"


def _ratios(ws: Workspace, period: str, level: str, indicator: str) -> dict[str, tuple]:
    figures = compute(ws, period, level=level, indicators=[indicator], as_of=AS_OF)
    return {f.key: (f.numerator, f.denominator) for f in figures}


def _centre(ws: Workspace, period: str, indicator: str) -> Figure:
    (f,) = compute(ws, period, level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_udesk_im_sessions(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "udesk-im-sessions.csv", mapping="udesk-im-sessions")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 20, 0, 0)
    chats = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # No agent took 9005 and 9020 (排队超时) or 9009 (the customer left): unanswered.
    assert sorted(k for k, c in chats.items() if c["answered_at"] is None) == [
        "9005", "9009", "9020",
    ]  # fmt: skip
    # 9001 starts 09:00:00 Beijing time; the agent answers resp_seconds = 20 s later.
    assert chats["9001"]["answered_at"] == sh(2026, 10, 14, 9, 0, 20)
    assert chats["9001"]["agent_id"] == "2001"  # the 工号, not Udesk's agent_id 501
    # Answered, resp_seconds / sustain_seconds / disposition:
    #   2001: 9001 20/720 ok, 9003 10/600 转接, 9008 25/180 ok, 9012 18/480 unresolved,
    #         9015 22/300 ok, 9017 10/600 ok     → frt 105 / 6, aht 2880 / 6, FCR 4 / 6
    #   2002: 9002 45/300 unresolved, 9006 8/240 已解决, 9010 30/360 (empty: not false),
    #         9013 5/90 ok, 9016 28/1200 转接, 9019 35/1200 ok
    #                                            → frt 151 / 6, aht 3390 / 6, FCR 4 / 6
    #   2003: 9004 15/600 ok, 9007 60/1200 未解决, 9011 12/600 ok, 9014 40/900 ok,
    #         9018 14/(still open: no length, no end) → frt 141 / 5, aht 3300 / 4, FCR 4 / 5
    assert _ratios(ws, "2026-10", "agent", "frt_avg") == {
        "2001": (105, 6), "2002": (151, 6), "2003": (141, 5),
    }  # fmt: skip
    assert _ratios(ws, "2026-10", "agent", "aht_avg") == {
        "2001": (2880, 6), "2002": (3390, 6), "2003": (3300, 4),
    }  # fmt: skip
    assert _ratios(ws, "2026-10", "agent", "fcr_rate") == {
        "2001": (4, 6), "2002": (4, 6), "2003": (4, 5),
    }  # fmt: skip
    # Chat target 30 s: 2001 all 6; 2002 8, 30, 5, 28 (4; 45 and 35 are over);
    # 2003 15, 12, 14 (3; 60 and 40 are over): 13 of 17.
    within = _centre(ws, "2026-10", "frt_within_target")
    assert (within.numerator, within.denominator) == (13, 17)
    frt = _centre(ws, "2026-10", "frt_avg.chat")
    assert (frt.numerator, frt.denominator) == (397, 17)


def test_udesk_call_logs(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "udesk-calls.csv", mapping="udesk-calls")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 20, 0, 0)
    calls = {c["contact_id"]: c for c in stored(ws, "contacts")}
    # "2026-10-20 09:00:00 +0800" is 01:00:00 UTC.
    assert calls["c01"]["offered_at"] == sh(2026, 10, 20, 9, 0, 0)
    assert calls["c01"]["ended_at"] == sh(2026, 10, 20, 9, 3, 10)
    # Unanswered: c03, c14 排队放弃, c08 IVR放弃, c06 an outbound call nobody picked up.
    assert sorted(k for k, c in calls.items() if c["answered_at"] is None) == [
        "c03", "c06", "c08", "c14",
    ]  # fmt: skip
    assert calls["c06"]["agent_id"] is None
    assert calls["c05"]["direction"] == "out"
    # Answered inbound, ring → answer; handle time = hang-up − answer (total_time not read):
    #   301: c01 10/180, c09 25/900, c11 8/120, c15 12/(no hang-up), c18 14/360, and
    #        c05 outbound 300        → frt 69 / 5, aht (180+300+900+120+360) 1860 / 5
    #   302: c02 30/300, c07 5/4, c12 40/440, c16 10/200, c20 20/120
    #                                → frt 105 / 5, aht 1064 / 5
    #   303: c04 15/120, c10 18/240, c13 22/600, c17 6/60, c19 35/240
    #                                → frt 96 / 5, aht 1260 / 5
    assert _ratios(ws, "2026-10", "agent", "frt_avg") == {
        "301": (69, 5), "302": (105, 5), "303": (96, 5),
    }  # fmt: skip
    assert _ratios(ws, "2026-10", "agent", "aht_avg") == {
        "301": (1860, 5), "302": (1064, 5), "303": (1260, 5),
    }  # fmt: skip
    # Within 20 s: 301 10, 8, 12, 14 (4); 302 5, 10, 20 (3); 303 15, 18, 6 (3): 10 of 15.
    within = _centre(ws, "2026-10", "frt_within_target")
    assert (within.numerator, within.denominator) == (10, 15)
    # Handled (answered, any direction): 301 six (c15 too, without a handle time), 302 five,
    # 303 five.
    handled = _ratios(ws, "2026-10", "agent", "contacts_handled")
    assert {k: n for k, (n, _d) in handled.items()} == {"301": 6, "302": 5, "303": 5}
    # c07's 4 s is 302's one short call of five.
    assert _ratios(ws, "2026-10", "agent", "short_contact_rate")["302"] == (1, 5)
    # No caller, no category, no disposition: all 15 answered inbound calls are resolved.
    fcr = _centre(ws, "2026-10", "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (15, 15)


def test_udesk_tickets(ws: Workspace) -> None:
    r = import_file(ws, VENDORS / "udesk-tickets.csv", mapping="udesk-tickets")
    # 1006 has no assignee; 1016 was solved an hour before it was created.
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (20, 18, 0, 2)
    assert [(x.row, x.rule.split(":")[0]) for x in rejects(ws)] == [
        (7, "missing"), (17, "closed_before_created"),
    ]  # fmt: skip
    tickets = {t["ticket_id"]: t for t in stored(ws, "tickets")}
    # Open (开启, 解决中) tickets have no closing time even where solving_at were set.
    assert [k for k, t in tickets.items() if t["closed_at"] is None] == ["1003", "1004", "1011"]
    assert tickets["1009"]["category"] == "紧急"
    # Due 24 h after creation (no due time, no sla_hours): on time when closed by then.
    #   301: 1001 3 h ✓, 1004 open ✗, 1008 1 h ✓, 1011 open ✗, 1014 8 h ✓, 1017 23 h ✓,
    #        1020 1 h ✓ (due 10-31 08:00, October)                       → 5 of 7
    #   302: 1002 25 h ✗, 1005 10.5 h ✓, 1009 25 h ✗, 1012 0.5 h ✓, 1015 10 min ✓,
    #        1018 26 h ✗                                                 → 3 of 6
    #   303: 1003 open ✗, 1007 exactly 24 h ✓, 1010 1 h ✓, 1013 48 h ✗   → 2 of 4
    #   1019 is due 11-01 12:00: a November ticket (closed 11-01 09:00, on time).
    assert _ratios(ws, "2026-10", "agent", "ticket_ontime_rate") == {
        "301": (5, 7), "302": (3, 6), "303": (2, 4),
    }  # fmt: skip
    assert _ratios(ws, "2026-11", "centre", "ticket_ontime_rate") == {"centre": (1, 1)}
