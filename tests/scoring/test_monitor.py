from __future__ import annotations

from datetime import date, datetime

import pytest

from kefu.errors import UsageError
from kefu.metrics.figures import Level
from kefu.scoring.monitor import check_alert, crossing, monitor
from kefu.scoring.scorecard import Alert
from tests.factories import add_records
from tests.scoring.helpers import FakeEngine, fig

DAY = "2026-11-11"


def test_alert_conditions():
    assert (
        check_alert(Alert(indicator="frt_avg.phone", above=30), 31, 1)
        == "frt_avg.phone 31 is above 30"
    )
    assert check_alert(Alert(indicator="frt_avg.phone", above=30), 30, 1) is None
    assert (
        check_alert(Alert(indicator="fcr_rate", below=0.7), 0.65, 1) == "fcr_rate 0.65 is below 0.7"
    )
    assert check_alert(Alert(indicator="aht_avg", outside=[150, 480]), 140, 1) == (
        "aht_avg 140 is outside [150, 480]"
    )
    assert check_alert(Alert(indicator="aht_avg", outside=[150, 480]), 480, 1) is None
    assert check_alert(Alert(count="overdue_tickets", at_least=3), 3, None) == (
        "overdue_tickets is 3 (alert at 3)"
    )
    assert check_alert(Alert(indicator="fcr_rate", below=0.7, min_sample=20), 0.1, 19) is None
    assert check_alert(Alert(indicator="fcr_rate", below=0.7), None, 0) is None


def test_crossings_name_the_rule_and_its_limit_for_each_language_to_word():
    assert crossing(Alert(indicator="frt_avg.phone", above=30), 31, 1) == ("above", 30)
    assert crossing(Alert(indicator="fcr_rate", below=0.7), 0.65, 1) == ("below", 0.7)
    assert crossing(Alert(indicator="aht_avg", outside=[150, 480]), 481, 1) == (
        "outside", [150, 480],
    )  # fmt: skip
    assert crossing(Alert(count="overdue_tickets", at_least=3), 4, None) == ("at_least", 3)
    assert crossing(Alert(indicator="aht_avg", outside=[150, 480]), 300, 1) is None


def test_daily_monitor_with_counts_and_alerts(ws):
    add_records(ws, "agents", [
        {"agent_id": "A1", "name": "张三", "team": "T1", "valid_from": date(2026, 1, 1)},
        {"agent_id": "A2", "name": "李四", "team": "T1", "valid_from": date(2026, 1, 1)},
    ])  # fmt: skip

    def ticket(tid, agent, due, closed=None):
        return {"ticket_id": tid, "agent_id": agent, "created_at": datetime(2026, 11, 1),
                "due_at": due, "closed_at": closed}  # fmt: skip

    add_records(ws, "tickets", [
        # A1: three tickets overdue at the end of 11 November (16:00 UTC)
        ticket("t1", "A1", datetime(2026, 11, 10)),
        ticket("t2", "A1", datetime(2026, 11, 11, 10)),
        # closed after the cut-off: still overdue then
        ticket("t3", "A1", datetime(2026, 11, 11, 12), datetime(2026, 11, 11, 17)),
        ticket("t4", "A1", datetime(2026, 11, 11, 12), datetime(2026, 11, 11, 11)),  # on time
        ticket("t5", "A2", datetime(2026, 11, 12)),
    ])  # fmt: skip
    add_records(ws, "complaints", [
        {"complaint_id": "k1", "agent_id": "A1", "received_at": datetime(2026, 11, 11, 3),
         "attributed": True, "status": "upheld"},
        {"complaint_id": "k2", "agent_id": "A2", "received_at": datetime(2026, 11, 11, 3),
         "attributed": False, "status": "upheld"},
    ])  # fmt: skip
    engine = FakeEngine([
        fig("frt_avg.phone", 45, key="A1", sample=25, period=DAY),
        fig("frt_avg.phone", 45, key="A2", sample=5, period=DAY),
        fig("frt_avg.phone", 45, key="T1", sample=30, period=DAY, level=Level.TEAM),
    ])  # fmt: skip
    report = monitor(ws, DAY, as_of=datetime(2026, 11, 12, 8), compute=engine)
    by = {(r["level"], r["key"]): r for r in report.rows}
    assert by[("agent", "A1")]["overdue_tickets"] == 3
    assert by[("agent", "A2")]["overdue_tickets"] == 0
    assert by[("agent", "A1")]["new_upheld_complaints"] == 1
    assert by[("agent", "A2")]["new_complaints"] == 1
    assert by[("agent", "A2")]["new_upheld_complaints"] == 0
    assert by[("team", "T1")]["overdue_tickets"] == 3
    alerts = {(a["level"], a["key"], a["watch"]) for a in report.alerts}
    overdue = next(a for a in report.alerts if a["key"] == "A1" and a["watch"] == "overdue_tickets")
    assert (overdue["rule"], overdue["value"]) == ("at_least", 3)
    assert alerts == {
        ("team", "T1", "frt_avg.phone"),
        ("agent", "A1", "frt_avg.phone"),  # A2 has only 5 contacts: below min_sample 20
        ("agent", "A1", "overdue_tickets"),
        ("team", "T1", "overdue_tickets"),
        ("agent", "A1", "new_upheld_complaints"),  # agent level only
    }


def test_monitor_needs_a_day(ws):
    with pytest.raises(UsageError, match="one day"):
        monitor(ws, "2026-11", compute=FakeEngine([]))


def test_a_past_days_monitor_is_kept_until_the_next_import(ws):
    from kefu.periods import Period
    from kefu.scoring.monitor import kept_monitor

    add_records(ws, "agents", [
        {"agent_id": "A1", "name": "张三", "team": "T1", "valid_from": date(2026, 1, 1)},
    ])  # fmt: skip

    def overdue_ticket(tid):
        return {"ticket_id": tid, "agent_id": "A1", "created_at": datetime(2026, 11, 1),
                "due_at": datetime(2026, 11, 10), "closed_at": None}  # fmt: skip

    add_records(ws, "tickets", [overdue_ticket("t1")])
    day = Period.parse("2026-11-11")
    first = kept_monitor(ws, day)
    assert kept_monitor(ws, day) is first
    assert next(r for r in first.rows if r["key"] == "A1")["overdue_tickets"] == 1
    add_records(ws, "tickets", [overdue_ticket("t2")])
    again = kept_monitor(ws, day)
    assert again is not first
    assert next(r for r in again.rows if r["key"] == "A1")["overdue_tickets"] == 2
