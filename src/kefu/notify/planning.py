"""Turning an event into its deliveries and in-app notices, in one transaction.

Planning takes the event (``new`` → ``planned``) with its first statement, so
of two senders planning at once only one proceeds; the deliveries and the
in-app notices are written in the same transaction. A kill before the commit
leaves the event ``new`` and nothing else; after it, everything is there.
Messages are rendered now and stored with the delivery, so every try and
every resend sends the same text.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kefu.notify.config import link
from kefu.notify.messages import Message, render
from kefu.notify.models import Address, Channel, ChannelKind, Delivery, DeliveryState, Notification
from kefu.notify.routing import PERSONAL_ONLY, Directory, Personal, Scope, route
from kefu.store.appdb import changed_rows
from kefu.store.notices import EventState, NotificationEvent
from kefu.workspace import Workspace

log = logging.getLogger(__name__)


def active_channels(s: Session) -> list[Channel]:
    return list(s.scalars(select(Channel).where(Channel.removed_at.is_(None)).order_by(Channel.id)))


def _delivery(
    event: NotificationEvent, channel: Channel, topic: str, message: Message, now: datetime,
    recipient: str = "", user_id: int | None = None,
) -> Delivery:  # fmt: skip
    return Delivery(
        event_id=event.id,
        channel_id=channel.id,
        topic=topic,
        recipient=recipient,
        user_id=user_id,
        state=DeliveryState.PENDING,
        attempts=0,
        failures=0,
        resends=0,
        next_attempt_at=now,
        message=message.as_dict(),
        created_at=now,
        updated_at=now,
    )


def pending_events(ws: Workspace, limit: int = 100) -> list[int]:
    with ws.db.session() as s:
        return list(
            s.scalars(
                select(NotificationEvent.id)
                .where(NotificationEvent.state == EventState.NEW)
                .order_by(NotificationEvent.id)
                .limit(limit)
            )
        )


def plan_event(ws: Workspace, event_id: int, now: datetime) -> bool:
    """Plan one event; False when another sender planned it first."""
    with ws.db.transaction() as s:
        taken = changed_rows(
            s,
            update(NotificationEvent)
            .where(NotificationEvent.id == event_id, NotificationEvent.state == EventState.NEW)
            .values(state=EventState.PLANNED, planned_at=now),
        )
        if taken != 1:
            return False
        event = s.get(NotificationEvent, event_id)
        assert event is not None
        today = now.astimezone(ZoneInfo(ws.timezone)).date()
        directory = Directory(ws, s, today)
        routed = route(ws, directory, event)
        channels = active_channels(s)
        for channel in channels:
            if routed.topic not in (channel.events or []) or routed.topic in PERSONAL_ONLY:
                continue
            if channel.kind == ChannelKind.EMAIL and not (channel.config or {}).get("recipients"):
                continue  # a channel that only mails the people concerned
            context = routed.group(Scope.of(channel))
            if context is None:
                continue
            message = render(
                routed.topic, "group", context, locale=channel.locale, path=routed.path,
                link=link(ws, routed.path), event_key=event.key,
            )  # fmt: skip
            s.add(_delivery(event, channel, routed.topic, message, now))
        addresses = {uid: email for uid, email in s.execute(select(Address.user_id, Address.email))}
        mailers = [c for c in channels if c.kind == ChannelKind.EMAIL and c.personal]
        told: set[tuple[int, str]] = set()
        for person in routed.personal:
            if (person.user.id, person.topic) in told:
                continue
            told.add((person.user.id, person.topic))
            _tell(ws, s, directory, event, person, mailers, addresses.get(person.user.id), now)
    return True


def _tell(
    ws: Workspace,
    s: Session,
    directory: Directory,
    event: NotificationEvent,
    person: Personal,
    mailers: list[Channel],
    address: str | None,
    now: datetime,
) -> None:
    message = render(
        person.topic, "personal", person.context, locale=person.user.locale or "zh-CN",
        path=person.path, link=link(ws, person.path), event_key=event.key,
        attachment=person.attachment,
    )  # fmt: skip
    s.add(
        Notification(
            user_id=person.user.id,
            event_id=event.id,
            topic=person.topic,
            title=message.title[:300],
            body="\n".join(message.lines),
            link=person.path,
            created_at=now,
        )
    )
    if address is None:
        return
    team = person.team or event.team
    for channel in mailers:
        # One e-mail per person and topic, through the first channel that covers them.
        if person.topic in (channel.events or []) and directory.covers(Scope.of(channel), team):
            s.add(_delivery(event, channel, person.topic, message, now, address, person.user.id))
            return


def plan_pending(ws: Workspace, now: datetime) -> int:
    """Plan every new event; returns how many this call planned."""
    planned = 0
    for event_id in pending_events(ws):
        try:
            if plan_event(ws, event_id, now):
                planned += 1
        except Exception:  # one bad event must not hold up the others
            log.exception("notification event %s could not be planned", event_id)
            with ws.db.transaction() as s:
                s.execute(
                    update(NotificationEvent)
                    .where(NotificationEvent.id == event_id,
                           NotificationEvent.state == EventState.NEW)
                    .values(state=EventState.FAILED, planned_at=now)
                )  # fmt: skip
    return planned
