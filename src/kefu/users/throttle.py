"""Login throttling (ASVS 2.2.1): slows guessing, per account and per address.

Three counters, each with its own rule (free failures, then a delay that
doubles up to a cap, forgotten after a quiet window):

- ``acct:<name>`` counts wrong passwords for one account *from any address*,
  so guessing spread over many addresses is slowed just as much;
- ``ip:<address>`` counts every failure from one address. Its cap is a few
  seconds: it slows one address spraying many accounts, but the people
  behind the same NAT or proxy only ever wait seconds, never minutes;
- ``totp:<name>`` counts wrong one-time codes for one account across logins
  (a fresh password login does not reset it; only a right code does).

Every attempt is *claimed* before its password or code is checked: one
``INSERT … ON CONFLICT DO UPDATE … WHERE not blocked … RETURNING`` per
counter, in a short transaction of its own. The increment is done by the
database, so parallel attempts can neither lose updates nor all slip through
the check before any of them is counted; an attempt that finds a counter
blocked changes nothing and is answered "try again in N seconds". A success
then clears the account's counter and gives back its unit of the address's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, case, delete, literal, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from kefu.store.appdb import AppDB, UTCDateTime
from kefu.users.models import LoginThrottle


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before any delay
    cap: timedelta  # the longest single block
    window: timedelta = timedelta(hours=1)  # a counter quiet this long starts again

    def __post_init__(self) -> None:
        # Seconds are accepted too (Rule(5, 60)).
        if not isinstance(self.cap, timedelta):
            object.__setattr__(self, "cap", timedelta(seconds=self.cap))


@dataclass(frozen=True)
class ThrottlePolicy:
    account: Rule = Rule(free=10, cap=timedelta(minutes=5))
    source: Rule = Rule(free=20, cap=timedelta(seconds=15), window=timedelta(minutes=15))
    totp: Rule = Rule(free=5, cap=timedelta(minutes=15))

    def delay(self, rule: Rule, failures: int) -> timedelta:
        """The block after the ``failures``-th failure: 1 s, 2 s, 4 s … up to the cap."""
        if failures <= rule.free:
            return timedelta(0)
        seconds = 2 ** min(failures - rule.free - 1, 20)
        return min(timedelta(seconds=seconds), rule.cap)


def _name(username: str) -> str:
    return username.strip().casefold()[:100]


def login_keys(username: str, ip: str, policy: ThrottlePolicy) -> list[tuple[str, Rule]]:
    """The counters a password attempt claims (sorted: a fixed lock order)."""
    return [(f"acct:{_name(username)}", policy.account), (f"ip:{ip[:64]}", policy.source)]


def totp_keys(username: str, ip: str, policy: ThrottlePolicy) -> list[tuple[str, Rule]]:
    """The counters a one-time-code attempt claims (sorted: a fixed lock order)."""
    return [(f"ip:{ip[:64]}", policy.source), (f"totp:{_name(username)}", policy.totp)]


def _at(value: datetime) -> ColumnElement[Any]:
    return literal(value, UTCDateTime)


def _blocked_until(
    count: ColumnElement[Any], rule: Rule, policy: ThrottlePolicy, now: datetime
) -> ColumnElement[Any]:
    """SQL for ``now + delay(count)``: one WHEN per doubling (the delay table is short)."""
    whens: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [(count <= rule.free, null())]
    n = rule.free + 1
    while policy.delay(rule, n) < rule.cap and n <= rule.free + 21:
        whens.append((count == n, _at(now + policy.delay(rule, n))))
        n += 1
    return case(*whens, else_=_at(now + rule.cap))


def _claim(conn: Any, key: str, rule: Rule, policy: ThrottlePolicy, now: datetime) -> bool:
    """Count one attempt on ``key`` unless it is blocked; False when it is."""
    table = LoginThrottle.__table__
    c = table.c
    stale = c.last_failure_at < _at(now - rule.window)
    count = case((stale, 0), else_=c.failures) + 1
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    first = now + policy.delay(rule, 1) if policy.delay(rule, 1) else None
    stmt = (
        dialect.insert(table)
        .values(key=key, failures=1, last_failure_at=now, blocked_until=first)
        .on_conflict_do_update(
            index_elements=[c.key],
            set_={
                "failures": count,
                "last_failure_at": _at(now),
                "blocked_until": _blocked_until(count, rule, policy, now),
            },
            where=or_(c.blocked_until.is_(None), c.blocked_until <= _at(now)),
        )
        .returning(c.failures)
    )
    return conn.execute(stmt).first() is not None


def claim(
    db: AppDB, keys: Sequence[tuple[str, Rule]], now: datetime, policy: ThrottlePolicy
) -> timedelta:
    """Count an attempt on every counter of ``keys``; zero when it may go ahead.

    Otherwise nothing is counted and the wait until the attempt is allowed is
    returned. Runs in its own transaction, committed before the slow password
    check, so parallel attempts see each other's counts.
    """
    with db.engine.connect() as conn:
        for key, rule in keys:
            if not _claim(conn, key, rule, policy, now):
                conn.rollback()
                wait = _wait(conn, [k for k, _ in keys], now)
                conn.rollback()
                return wait
        conn.commit()
    return timedelta(0)


def _wait(conn: Any, keys: list[str], now: datetime) -> timedelta:
    table = LoginThrottle.__table__
    rows = conn.execute(select(table.c.blocked_until).where(table.c.key.in_(keys))).scalars()
    until = [u for u in rows if u is not None]
    wait = max(until) - now if until else timedelta(0)
    return max(wait, timedelta(microseconds=1))  # never zero: zero means "go ahead"


def release(db: AppDB, keys: Sequence[tuple[str, Rule]]) -> None:
    """A claimed attempt succeeded: clear its own counters, give back the address's unit.

    ``ip:`` counters are shared by everyone at the address, so a success only
    takes back the unit it claimed; the account's (or code's) counter ends.
    """
    table = cast(Table, LoginThrottle.__table__)
    with db.engine.begin() as conn:
        for key, _ in keys:
            if key.startswith("ip:"):
                conn.execute(
                    update(table)
                    .where((table.c.key == key) & (table.c.failures > 0))
                    .values(failures=table.c.failures - 1)
                )
            else:
                conn.execute(delete(table).where(table.c.key == key))


def failures(db: AppDB, key: str) -> int:
    """The current count of counter ``key`` (0 when there is none)."""
    table = LoginThrottle.__table__
    with db.engine.connect() as conn:
        value = conn.execute(select(table.c.failures).where(table.c.key == key)).scalar()
    return int(value or 0)
