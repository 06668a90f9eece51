"""Login throttling: atomic counters per account, per address and per one-time code.

The expected delays are written from the rules in ``ThrottlePolicy`` (free
failures, then 1 s, 2 s, 4 s … up to the cap), not read back from the code.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from kefu.users import throttle
from kefu.users.throttle import Rule, ThrottlePolicy
from kefu.workspace import Workspace

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()


def _fail(ws: Workspace, username: str, ip: str, at: datetime = T0) -> timedelta:
    return throttle.claim(ws.db, throttle.login_keys(username, ip, POLICY), at, POLICY)


def test_delay_doubles_after_the_free_attempts_and_is_capped() -> None:
    rule = Rule(free=5, cap=timedelta(seconds=60))
    delays = [POLICY.delay(rule, n).total_seconds() for n in range(1, 14)]
    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_account_is_slowed_whatever_address_the_guesses_come_from(any_ws: Workspace) -> None:
    # Ten free failures, each from another address; the 11th is counted and sets 1 s.
    for i in range(11):
        assert _fail(any_ws, "Li.Lei", f"10.0.0.{i}") == timedelta(0)
    assert _fail(any_ws, "li.lei", "10.9.9.9") == timedelta(seconds=1)
    assert _fail(any_ws, "li.lei", "10.9.9.9", T0 + timedelta(seconds=1)) == timedelta(0)
    assert throttle.failures(any_ws.db, "acct:li.lei") == 12


def test_a_busy_address_only_slows_for_seconds_never_locks(ws: Workspace) -> None:
    # 60 failures on 60 accounts from one NAT address: 20 free, then at most 15 s each.
    at = T0
    for i in range(60):
        wait = _fail(ws, f"user{i}", "203.0.113.7", at)
        assert wait <= POLICY.source.cap
        at += wait
    assert _fail(ws, "colleague", "203.0.113.7", at) <= timedelta(seconds=15)


def test_blocked_attempt_is_not_counted_and_names_the_wait(ws: Workspace) -> None:
    for _ in range(11):
        _fail(ws, "li", "10.0.0.1")
    assert _fail(ws, "li", "10.0.0.1", T0 + timedelta(milliseconds=300)) == timedelta(
        milliseconds=700
    )
    assert throttle.failures(ws.db, "acct:li") == 11


def test_counter_forgets_after_a_quiet_window(ws: Workspace) -> None:
    for _ in range(11):
        _fail(ws, "li", "10.0.0.1")
    later = T0 + POLICY.account.window + timedelta(seconds=1)
    assert _fail(ws, "li", "10.0.0.1", later) == timedelta(0)
    assert throttle.failures(ws.db, "acct:li") == 1


def test_success_clears_the_account_and_gives_back_the_address_unit(ws: Workspace) -> None:
    for _ in range(5):
        _fail(ws, "li", "10.0.0.1")
    keys = throttle.login_keys("li", "10.0.0.1", POLICY)
    assert throttle.claim(ws.db, keys, T0, POLICY) == timedelta(0)  # the right password
    throttle.release(ws.db, keys)
    assert throttle.failures(ws.db, "acct:li") == 0
    assert throttle.failures(ws.db, "ip:10.0.0.1") == 5


def test_password_success_does_not_reset_the_one_time_code_counter(ws: Workspace) -> None:
    totp = throttle.totp_keys("li", "10.0.0.1", POLICY)
    for _ in range(3):
        throttle.claim(ws.db, totp, T0, POLICY)
    login = throttle.login_keys("li", "10.0.0.1", POLICY)
    throttle.claim(ws.db, login, T0, POLICY)
    throttle.release(ws.db, login)
    assert throttle.failures(ws.db, "totp:li") == 3


def test_twenty_parallel_failures_are_each_counted(any_ws: Workspace) -> None:
    lenient = ThrottlePolicy(account=Rule(100, timedelta(seconds=1)))
    keys = throttle.login_keys("li", "10.0.0.1", lenient)
    with ThreadPoolExecutor(max_workers=20) as pool:
        waits = list(pool.map(lambda _: throttle.claim(any_ws.db, keys, T0, lenient), range(20)))
    assert waits == [timedelta(0)] * 20
    assert throttle.failures(any_ws.db, "acct:li") == 20
    assert throttle.failures(any_ws.db, "ip:10.0.0.1") == 20


def test_parallel_guesses_cannot_slip_past_the_limit(any_ws: Workspace) -> None:
    # All at the same instant: the 10 free ones and the 11th (which sets the delay) pass.
    keys = throttle.login_keys("li", "10.0.0.1", POLICY)
    with ThreadPoolExecutor(max_workers=20) as pool:
        waits = list(pool.map(lambda _: throttle.claim(any_ws.db, keys, T0, POLICY), range(20)))
    assert waits.count(timedelta(0)) == 11
    assert throttle.failures(any_ws.db, "acct:li") == 11
