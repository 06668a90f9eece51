"""Channels, deliveries, in-app notifications and addresses (migration 0009_notifications).

A :class:`Delivery` is one message to one destination: one channel's group
message for an event, or one person's e-mail. Its ``state`` moves

    pending → sending → committing → sent
                  ↘ pending (retry, with backoff)   ↘ unconfirmed (no answer after the send)
                  ↘ dead (tries used up, or a permanent refusal)

and :mod:`kefu.notify.sender` explains why each step is safe against a kill.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.store.appdb import Base, UTCDateTime, utcnow


class ChannelKind(StrEnum):
    WECOM = "wecom"  # 企业微信 group robot
    DINGTALK = "dingtalk"  # 钉钉 custom robot
    FEISHU = "feishu"  # 飞书 custom bot
    EMAIL = "email"  # SMTP


class ScopeKind(StrEnum):
    CENTRE = "centre"
    TEAM = "team"
    SITE = "site"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed; the platform cannot have the whole request yet
    COMMITTING = "committing"  # the request's last byte goes (or went) out now
    SENT = "sent"
    UNCONFIRMED = "unconfirmed"  # sent in full, but no answer: may have been delivered
    DEAD = "dead"


#: The states an administrator is asked to look at (the dead-letter list).
ATTENTION = (DeliveryState.DEAD, DeliveryState.UNCONFIRMED)


class Channel(Base):
    __tablename__ = "notify_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    scope_kind: Mapped[str] = mapped_column(String(10), default=ScopeKind.CENTRE)
    scope: Mapped[str | None] = mapped_column(String(200))
    # The topics (event kinds, and appraisal_workbook for e-mail) the channel receives.
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    # What may be shown: SMTP host, port, security, user, sender, fixed recipients.
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Webhook URL, signing secret, SMTP password: encrypted (kefu.notify.secrets).
    secret: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(40))
    # E-mail only: also mail the people concerned (agents, deciders) at their addresses.
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    __tablename__ = "notify_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_events.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("notify_channels.id"))
    topic: Mapped[str] = mapped_column(String(40))
    # "" for the channel's group message, else the person's address.
    recipient: Mapped[str] = mapped_column(String(254), default="")
    user_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # tries started
    failures: Mapped[int] = mapped_column(Integer, default=0)  # tries that were refused
    resends: Mapped[int] = mapped_column(Integer, default=0)  # by an administrator
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(36))
    claimed_by: Mapped[str | None] = mapped_column(String(100))  # host:pid
    # The rendered message (title, lines, link, locale; attachment to build at send time).
    message: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("event_id", "channel_id", "topic", "recipient",
                         name="uq_notify_deliveries_target"),
        Index("ix_notify_deliveries_due", "state", "next_attempt_at"),
    )  # fmt: skip

    @property
    def message_id(self) -> str:
        """The id the receiver sees: the same on every try and every resend."""
        return f"{self.message.get('event_key', '')}.{self.id}"


class Notification(Base):
    """One in-app notice to one user (the list behind the unread count on 待办)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("notification_events.id"))
    topic: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))  # a path of this site
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("event_id", "user_id", "topic", name="uq_notifications_target"),
        Index("ix_notifications_user", "user_id", "read_at"),
    )


class Address(Base):
    """A user's e-mail address for notifications (set by the user or an administrator)."""

    __tablename__ = "notify_addresses"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Mark(Base):
    """A scheduled thing done once: a day's digest, a reminder about one plan item."""

    __tablename__ = "notify_marks"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
