"""Notification events, written in the transaction of the change that causes them.

An appeal decided, a review held, results published, an import with
rejects: each adds one :class:`NotificationEvent` row in the *same* session
as the change, so the event exists exactly when the change does (a rolled
back change leaves no event, a committed one always has its event). The
sender (:mod:`kefu.notify.sender`) later turns each event into deliveries
to the channels and people concerned and delivers them::

    with ws.db.transaction() as s:
        ...                                   # the change itself
        notices.emit(s, EventKind.REVIEW_HELD, {"review_id": 7, ...}, team="T1")

Events carry ids and figures, not rendered text: who may be told what is
decided when the event is planned, by the rules of :mod:`kefu.notify.routing`.
"""

from __future__ import annotations

import functools
import inspect
import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.store.appdb import Base, UTCDateTime, utcnow

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class EventKind(StrEnum):
    """What happened; each kind is also a topic channels subscribe to."""

    MONITOR_DIGEST = "monitor_digest"  # the day's alerts of one team, one digest
    RESULTS_PUBLISHED = "results_published"
    REVIEW_HELD = "review_held"  # waiting for the agent's acknowledgement
    APPEAL_FILED = "appeal_filed"
    APPEAL_DECIDED = "appeal_decided"
    PLAN_DUE = "plan_due"  # plan items due within three days
    PLAN_OVERDUE = "plan_overdue"
    IMPORT_REJECTS = "import_rejects"  # an import finished with rejected rows
    SCORING_FINISHED = "scoring_finished"
    SCORING_FAILED = "scoring_failed"


class EventState(StrEnum):
    NEW = "new"  # written with the change, not yet turned into deliveries
    PLANNED = "planned"  # its deliveries and in-app notices exist
    FAILED = "failed"  # could not be planned (logged); the change itself stands


class NotificationEvent(Base):
    __tablename__ = "notification_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The event id receivers see (HTTP header, e-mail Message-ID): stable across retries.
    key: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    team: Mapped[str | None] = mapped_column(String(200))
    # Scheduled events (digests, reminders) name what they cover, so a second scheduler
    # pass cannot add the same event again.
    dedupe: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(12), default=EventState.NEW)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_notification_events_state", "state", "id"),)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def emit(
    s: Session,
    kind: EventKind | str,
    payload: Mapping[str, Any],
    *,
    team: str | None = None,
    actor: str = "system",
    dedupe: str | None = None,
) -> NotificationEvent:
    """Add a notification event to ``s``: committed (or rolled back) with the change."""
    event = NotificationEvent(
        key=str(uuid.uuid4()),
        kind=str(EventKind(kind)),
        payload=_plain(dict(payload)),
        team=team,
        dedupe=dedupe,
        state=EventState.NEW,
        created_at=utcnow(),
        created_by=actor,
    )
    s.add(event)
    return event


def emit_on_failure(
    kind: EventKind, describe: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate ``f(ws, ...)`` so that its failure is also a notification event.

    A failed change has no transaction to share, so the event gets its own;
    ``describe`` turns the call's arguments into the payload. Usage errors
    (a mistyped period) are the caller's to report and make no event.
    """
    from kefu.errors import KefuError, UsageError

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except UsageError:
                raise
            except Exception as exc:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                reason = exc.message if isinstance(exc, KefuError) else type(exc).__name__
                payload = {**describe(bound.arguments), "error": reason[:1000]}
                try:
                    with bound.arguments["ws"].db.transaction() as s:
                        emit(s, kind, payload, actor=str(payload.get("actor") or "system"))
                except Exception:  # the failure itself is what the caller must see
                    log.exception("could not record the %s notification", kind)
                raise

        return wrapper

    return decorate
