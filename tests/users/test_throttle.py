"""Login throttling: exponential, capped, per source, forgetting after a quiet window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kefu.users import throttle
from kefu.users.throttle import Rule, ThrottlePolicy
from kefu.workspace import Workspace

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()


def test_delay_doubles_after_the_free_attempts_and_is_capped() -> None:
    rule = Rule(free=5, cap=timedelta(seconds=60))
    delays = [POLICY.delay(rule, n).total_seconds() for n in range(1, 14)]
    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_failures_block_the_account_from_that_source_only(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        for _ in range(6):
            throttle.record_failure(s, "Li.Lei", "10.0.0.1", T0, POLICY)
        assert throttle.blocked_for(s, "li.lei", "10.0.0.1", T0, POLICY) == timedelta(seconds=1)
        assert throttle.blocked_for(s, "li.lei", "10.0.0.2", T0, POLICY) == timedelta(0)
        assert throttle.blocked_for(s, "li.lei", "10.0.0.1", T0 + timedelta(seconds=1), POLICY) == (
            timedelta(0)
        )


def test_one_source_spraying_many_accounts_is_slowed(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        for i in range(31):
            throttle.record_failure(s, f"user{i}", "10.0.0.9", T0, POLICY)
        assert throttle.blocked_for(s, "someone.else", "10.0.0.9", T0, POLICY) == timedelta(
            seconds=1
        )


def test_counter_forgets_after_a_quiet_window(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        for _ in range(6):
            throttle.record_failure(s, "li", "10.0.0.1", T0, POLICY)
        later = T0 + POLICY.window + timedelta(seconds=1)
        throttle.record_failure(s, "li", "10.0.0.1", later, POLICY)
        assert throttle.blocked_for(s, "li", "10.0.0.1", later, POLICY) == timedelta(0)


def test_success_clears_the_account_counter(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        for _ in range(5):
            throttle.record_failure(s, "li", "10.0.0.1", T0, POLICY)
        throttle.record_success(s, "li", "10.0.0.1")
        throttle.record_failure(s, "li", "10.0.0.1", T0, POLICY)
        assert throttle.blocked_for(s, "li", "10.0.0.1", T0, POLICY) == timedelta(0)
