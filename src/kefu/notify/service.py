"""What administrators and users do with notifications (the CLI and the web call these).

Channels: add, list, test, change topics, remove. Deliveries: the list that
needs attention (dead letters and unconfirmed sends) and resend. In-app:
a user's notices, the unread count, open (marks read), read all. Addresses:
a user's e-mail for notifications. Every change goes to the audit log,
without secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kefu import audit
from kefu.errors import NotFound
from kefu.notify import channels as channel_rules
from kefu.notify import config as notify_config
from kefu.notify.channels import ChannelError, ChannelSpec
from kefu.notify.messages import render
from kefu.notify.models import (
    ATTENTION,
    Address,
    Channel,
    ChannelKind,
    Delivery,
    DeliveryState,
    Notification,
)
from kefu.store.appdb import changed_rows, utcnow
from kefu.store.notices import NotificationEvent
from kefu.users.models import User
from kefu.users.roles import Principal
from kefu.workspace import Workspace

NOTICES_SHOWN = 200


# -- channels -----------------------------------------------------------------------
def add_channel(ws: Workspace, spec: ChannelSpec, actor: str) -> Channel:
    fields = channel_rules.prepare(ws, spec)
    with ws.db.transaction() as s:
        channel = Channel(**fields, created_at=utcnow(), created_by=actor)
        s.add(channel)
        s.flush()
        audit.record(s, actor, "notify.channel_add", "notify_channel", channel.id,
                     after=_audited(channel))  # fmt: skip
        s.expunge(channel)
    return channel


def _audited(channel: Channel) -> dict[str, Any]:
    shown = channel_rules.public(channel)
    shown.pop("created_at", None)
    return shown


def list_channels(ws: Workspace) -> list[Channel]:
    with ws.db.session() as s:
        found = list(
            s.scalars(select(Channel).where(Channel.removed_at.is_(None)).order_by(Channel.id))
        )
        s.expunge_all()
        return found


def get_channel(s: Session, channel_id: int) -> Channel:
    channel = s.get(Channel, channel_id)
    if channel is None or channel.removed_at is not None:
        raise NotFound(f"no notification channel {channel_id}")
    return channel


def set_topics(ws: Workspace, channel_id: int, events: list[str], actor: str) -> Channel:
    with ws.db.transaction() as s:
        channel = get_channel(s, channel_id)
        before = _audited(channel)
        channel.events = channel_rules.parse_topics(events, ChannelKind(channel.kind))
        audit.record(s, actor, "notify.channel_topics", "notify_channel", channel.id,
                     before=before, after=_audited(channel))  # fmt: skip
        s.flush()
        s.expunge(channel)
    return channel


def remove_channel(ws: Workspace, channel_id: int, actor: str) -> None:
    """Remove a channel; what it still had to send goes to the dead letters, saying why."""
    now = utcnow()
    with ws.db.transaction() as s:
        channel = get_channel(s, channel_id)
        channel.removed_at = now
        s.execute(
            update(Delivery)
            .where(Delivery.channel_id == channel_id, Delivery.state == DeliveryState.PENDING)
            .values(state=DeliveryState.DEAD, last_error="the channel was removed", updated_at=now)
        )
        audit.record(s, actor, "notify.channel_remove", "notify_channel", channel.id,
                     before=_audited(channel))  # fmt: skip


@dataclass(frozen=True)
class TryResult:
    ok: bool
    error: str | None = None


def try_channel(ws: Workspace, channel_id: int, actor: str, *, to: str | None = None) -> TryResult:
    """Send a test message now (not through the outbox) and say how it went."""
    from kefu.notify.config import notify_settings
    from kefu.notify.transport import InDoubt, NotSent, Refused

    with ws.db.session() as s:
        channel = get_channel(s, channel_id)
        s.expunge(channel)
    recipient = (to or "").strip()
    if channel.kind == ChannelKind.EMAIL and recipient and not channel_rules.valid_email(recipient):
        raise ChannelError("recipient", f"not an e-mail address: {recipient}", addresses=recipient)
    if channel.kind == ChannelKind.EMAIL and not recipient and not channel.config.get("recipients"):
        raise ChannelError("test_to", "this channel mails people at their own addresses: "
                           "name an address to send the test to")  # fmt: skip
    message = render(
        "test", "group", {"channel": channel.name}, locale=channel.locale, path="/",
        link=notify_config.link(ws, "/"), event_key=f"test-{channel.id}",
    )  # fmt: skip
    settings = notify_settings(ws)
    now = utcnow()
    try:
        channel_rules.send(
            ws, channel, message, recipient=recipient,
            message_id=f"test-{channel.id}-{int(now.timestamp())}",
            timeout=settings.timeout_seconds, before_commit=lambda: None, now=now,
        )  # fmt: skip
        result = TryResult(True)
    except (NotSent, Refused, InDoubt) as exc:
        result = TryResult(False, exc.reason)
    with ws.db.transaction() as s:
        audit.record(s, actor, "notify.channel_test", "notify_channel", channel.id,
                     after={"ok": result.ok, "error": result.error})  # fmt: skip
    return result


# -- deliveries ---------------------------------------------------------------------
@dataclass(frozen=True)
class DeliveryRow:
    id: int
    event_kind: str
    event_key: str
    channel: str
    channel_kind: str
    topic: str
    recipient: str
    state: str
    attempts: int
    failures: int
    resends: int
    title: str
    last_error: str | None
    updated_at: datetime


def attention(ws: Workspace, limit: int = 500) -> list[DeliveryRow]:
    """Dead letters and unconfirmed sends, newest first."""
    return deliveries(ws, states=[str(s) for s in ATTENTION], limit=limit)


def deliveries(
    ws: Workspace, *, states: list[str] | None = None, limit: int = 500
) -> list[DeliveryRow]:
    with ws.db.session() as s:
        q = (
            select(Delivery, Channel, NotificationEvent)
            .join(Channel, Delivery.channel_id == Channel.id)
            .join(NotificationEvent, Delivery.event_id == NotificationEvent.id)
            .order_by(Delivery.updated_at.desc(), Delivery.id.desc())
            .limit(limit)
        )
        if states:
            q = q.where(Delivery.state.in_(states))
        return [
            DeliveryRow(
                d.id,
                e.kind,
                e.key,
                c.name,
                c.kind,
                d.topic,
                d.recipient,
                d.state,
                d.attempts,
                d.failures,
                d.resends,
                str(d.message.get("title", "")),
                d.last_error,
                d.updated_at,
            )
            for d, c, e in s.execute(q).all()
        ]


def resend(ws: Workspace, delivery_id: int, actor: str) -> None:
    """Put a dead or unconfirmed delivery back in the queue, with fresh tries.

    An unconfirmed one may have been delivered already: the resend carries the
    same message id, so its receiver can recognise a second copy.
    """
    now = utcnow()
    with ws.db.transaction() as s:
        row = s.get(Delivery, delivery_id)
        if row is None:
            raise NotFound(f"no delivery {delivery_id}")
        if row.state not in ATTENTION:
            raise ChannelError("not_resendable", f"delivery {delivery_id} is {row.state}; only "
                               "dead and unconfirmed deliveries are resent")  # fmt: skip
        channel = s.get(Channel, row.channel_id)
        if channel is None or channel.removed_at is not None:
            raise ChannelError("channel_removed", "its channel was removed; add the channel "
                               "again to send to it")  # fmt: skip
        before = {"state": row.state, "failures": row.failures, "last_error": row.last_error}
        row.state = DeliveryState.PENDING
        row.failures = 0
        row.resends += 1
        row.next_attempt_at = now
        row.updated_at = now
        audit.record(s, actor, "notify.resend", "notify_delivery", row.id, before=before,
                     after={"state": row.state, "resends": row.resends})  # fmt: skip


# -- in-app -----------------------------------------------------------------------------
def unread_count(s: Session, user_id: int) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def notices_of(s: Session, user: Principal, limit: int = NOTICES_SHOWN) -> list[Notification]:
    return list(
        s.scalars(
            select(Notification)
            .where(Notification.user_id == user.user_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def open_notice(s: Session, user: Principal, notice_id: int, now: datetime) -> str:
    """Mark the user's notice read; returns the page it points to. Another user's: 404."""
    notice = s.get(Notification, notice_id)
    if notice is None or notice.user_id != user.user_id:
        raise NotFound("no such notification")
    if notice.read_at is None:
        notice.read_at = now
    # Only a path of this site (never "//host"): the link is followed as a redirect.
    local = notice.link.startswith("/") and not notice.link.startswith("//")
    return notice.link if local else "/"


def read_all(s: Session, user: Principal, now: datetime) -> int:
    return changed_rows(
        s,
        update(Notification)
        .where(Notification.user_id == user.user_id, Notification.read_at.is_(None))
        .values(read_at=now),
    )


# -- addresses -------------------------------------------------------------------------
def address_of(s: Session, user_id: int) -> str | None:
    found = s.get(Address, user_id)
    return None if found is None else found.email


def set_address(s: Session, user: User, email: str | None, actor: str) -> None:
    """Set (or, with an empty one, clear) ``user``'s notification e-mail address."""
    email = (email or "").strip() or None
    if email is not None and not channel_rules.valid_email(email):
        raise ChannelError("recipient", f"not an e-mail address: {email}", addresses=email)
    found = s.get(Address, user.id)
    before = None if found is None else found.email
    if email is None:
        if found is not None:
            s.delete(found)
    elif found is None:
        s.add(Address(user_id=user.id, email=email, updated_at=utcnow()))
    else:
        found.email, found.updated_at = email, utcnow()
    if before != email:
        audit.record(s, actor, "notify.address", "user", user.username,
                     before={"email": before}, after={"email": email})  # fmt: skip
