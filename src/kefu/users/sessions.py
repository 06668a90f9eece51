"""Server-side browser sessions (ASVS 3): opaque ids, hashed at rest, two timeouts.

The cookie carries a 256-bit random id; the database keeps only its SHA-256.
A session ends after ``idle`` without a request or ``absolute`` after login,
whichever comes first, and when the user is disabled or changes password
(:func:`kefu.users.service.end_sessions`). Logging in always creates a new
id, so an id planted before login (session fixation) is worthless after it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kefu.store.appdb import changed_rows
from kefu.users.models import User, WebSession
from kefu.users.service import digest

STAGE_FULL = "full"
STAGE_TOTP = "totp"  # password accepted, TOTP code still due
STAGE_ENROL = "enrol"  # password accepted, the role requires 2FA that is not set up yet

# Touch last_seen at most this often: the idle timeout stays exact to within
# this margin while most page views do not write to the database.
_TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def start(
    session: Session,
    user: User,
    stage: str,
    now: datetime,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> tuple[WebSession, str]:
    """A new session for ``user``; returns the row and the id to put in the cookie."""
    sid = secrets.token_urlsafe(32)
    row = WebSession(
        id_hash=digest(sid),
        user_id=user.id,
        stage=stage,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(row)
    session.flush()
    return row, sid


def lookup(
    session: Session,
    sid: str | None,
    now: datetime,
    timeouts: Timeouts,
    *,
    engine: Engine | None = None,
) -> tuple[WebSession, User] | None:
    """The live session for cookie value ``sid`` and its user, or None.

    An expired session, or one whose user is gone or disabled, is deleted. With
    ``engine``, a due touch of ``last_seen_at`` is written in a transaction of its
    own, committed at once: on SQLite a write in the request's transaction would hold
    the write lock for the whole request, and a slow page would make every other
    request's touch wait for it (and fail past the busy timeout).
    """
    if not sid or len(sid) > 100:
        return None
    row = session.get(WebSession, digest(sid))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    expired = now - row.last_seen_at >= timeouts.idle or now - row.created_at >= timeouts.absolute
    if expired or user is None or user.disabled:
        session.delete(row)
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        if engine is None:
            row.last_seen_at = now
        else:
            with engine.begin() as conn:
                conn.execute(
                    update(WebSession)
                    .where(WebSession.id_hash == row.id_hash)
                    .values(last_seen_at=now)
                )
            set_committed_value(row, "last_seen_at", now)
    return row, user


def rotate(session: Session, row: WebSession, stage: str, now: datetime) -> tuple[WebSession, str]:
    """Replace ``row`` by a new session (new id and CSRF token) at ``stage``.

    Used when a privilege step is passed (TOTP verified or enrolled); the
    absolute timeout keeps counting from the original login.
    """
    user_id, created_at, ip, agent = row.user_id, row.created_at, row.ip, row.user_agent
    session.delete(row)
    session.flush()
    sid = secrets.token_urlsafe(32)
    new = WebSession(
        id_hash=digest(sid),
        user_id=user_id,
        stage=stage,
        csrf_token=secrets.token_urlsafe(32),
        created_at=created_at,
        last_seen_at=now,
        ip=ip,
        user_agent=agent,
    )
    session.add(new)
    session.flush()
    return new, sid


def of_user(session: Session, user_id: int) -> list[WebSession]:
    """The user's sessions, most recently active first."""
    return list(
        session.scalars(
            select(WebSession)
            .where(WebSession.user_id == user_id)
            .order_by(WebSession.last_seen_at.desc())
        )
    )


def end_others(session: Session, user_id: int, keep: WebSession) -> int:
    """End every session of the user except ``keep``; returns how many were ended."""
    return changed_rows(
        session,
        delete(WebSession).where(
            (WebSession.user_id == user_id) & (WebSession.id_hash != keep.id_hash)
        ),
    )


def end(session: Session, sid: str | None) -> None:
    if sid:
        session.execute(delete(WebSession).where(WebSession.id_hash == digest(sid)))


def purge_expired(session: Session, now: datetime, timeouts: Timeouts) -> int:
    """Delete sessions past either timeout (housekeeping at login)."""
    return changed_rows(
        session,
        delete(WebSession).where(
            (WebSession.last_seen_at <= now - timeouts.idle)
            | (WebSession.created_at <= now - timeouts.absolute)
        ),
    )
