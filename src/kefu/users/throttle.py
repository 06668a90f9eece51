"""Login throttling (ASVS 2.2.1) that slows guessing without locking victims out.

Failures are counted per account *and* source address, and per source
address alone. After a few free failures each key is blocked for an
exponentially growing, capped delay. Because the account counter includes
the source, an attacker elsewhere cannot lock the real user out; the per
source counter slows one address spraying many accounts. Counters forget
after a quiet ``window``, and a successful login clears the account counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kefu.users.models import LoginThrottle


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before any delay
    cap: timedelta  # the longest single block


@dataclass(frozen=True)
class ThrottlePolicy:
    account: Rule = Rule(free=5, cap=timedelta(seconds=60))
    source: Rule = Rule(free=30, cap=timedelta(seconds=300))
    window: timedelta = timedelta(minutes=15)

    def delay(self, rule: Rule, failures: int) -> timedelta:
        """The block after the ``failures``-th failure: 1 s, 2 s, 4 s … up to the cap."""
        if failures <= rule.free:
            return timedelta(0)
        seconds = 2 ** min(failures - rule.free - 1, 20)
        return min(timedelta(seconds=seconds), rule.cap)


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"acct:{username.casefold()[:100]}|{ip}", f"ip:{ip}"


def blocked_for(
    session: Session, username: str, ip: str, now: datetime, policy: ThrottlePolicy
) -> timedelta:
    """How long this attempt must wait (zero when it may proceed)."""
    wait = timedelta(0)
    for key in _keys(username, ip):
        row = session.get(LoginThrottle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            wait = max(wait, row.blocked_until - now)
    return wait


def record_failure(
    session: Session, username: str, ip: str, now: datetime, policy: ThrottlePolicy
) -> None:
    for key, rule in zip(_keys(username, ip), (policy.account, policy.source), strict=True):
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
        elif now - row.last_failure_at > policy.window:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        delay = policy.delay(rule, row.failures)
        row.blocked_until = now + delay if delay else None


def record_success(session: Session, username: str, ip: str) -> None:
    account_key, _ = _keys(username, ip)
    row = session.get(LoginThrottle, account_key)
    if row is not None:
        session.delete(row)
