"""The daily digest and the plan reminders are written once, whatever runs them again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kefu.notify.schedule import digest_alerts
from kefu.notify.sender import Sender
from kefu.store.notices import NotificationEvent
from tests.notify.conftest import CLOCK, Scenario


def test_the_digest_and_reminders_are_not_written_twice(scenario: Scenario) -> None:
    def count() -> int:
        with scenario.ws.db.session() as s:
            return len(list(s.scalars(select(NotificationEvent))))

    before = count()
    again = Sender(scenario.ws, clock=lambda: CLOCK + timedelta(hours=1))
    assert again.run_once().scheduled == 0
    assert count() == before
    # Before 08:00 the next day nothing is due; the plan items were announced already.
    early = Sender(scenario.ws, clock=lambda: CLOCK + timedelta(hours=20))
    assert early.run_once().scheduled == 0 and count() == before


def test_a_digest_counts_agents_and_keeps_the_teams_value_without_names() -> None:
    alerts = [
        {"level": "agent", "key": "A1", "team": "T1", "watch": "fcr_rate", "value": 0.5,
         "severity": "warning", "rule": "below", "limit": 0.7, "name": "张三"},
        {"level": "agent", "key": "A2", "team": "T1", "watch": "fcr_rate", "value": 0.6,
         "severity": "warning", "rule": "below", "limit": 0.7, "name": "李四"},
        {"level": "team", "key": "T1", "team": "T1", "watch": "fcr_rate", "value": 0.65,
         "severity": "warning", "rule": "below", "limit": 0.7, "name": None},
        {"level": "agent", "key": "A3", "team": "T2", "watch": "new_upheld_complaints",
         "value": 1, "severity": "critical", "rule": "at_least", "limit": 1, "name": "王五"},
    ]  # fmt: skip
    digests = digest_alerts(alerts)
    assert digests["T1"] == {
        "alerts": [{"watch": "fcr_rate", "rule": "below", "limit": 0.7, "severity": "warning",
                    "team_value": 0.65, "agents": 2}],
        "agents_alerted": 2,
    }  # fmt: skip
    assert digests["T2"]["alerts"][0]["agents"] == 1
    assert "张三" not in str(digests) and "A1" not in str(digests)
