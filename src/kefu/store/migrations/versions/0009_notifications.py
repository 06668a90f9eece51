"""Notifications: the event outbox, channels, deliveries, in-app notices, addresses.

Revision ID: 0009_notifications
Revises: 0006_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0009_notifications"
down_revision = "0006_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables and their indexes.

    One statement per table, in the order of their foreign keys: long, and clearer
    read straight through than split (a migration is never changed once released).
    """
    op.create_table(
        "notification_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("team", sa.String(200)),
        sa.Column("dedupe", sa.String(200)),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("planned_at", UTCDateTime),
        sa.UniqueConstraint("key", name="uq_notification_events_key"),
        sa.UniqueConstraint("dedupe", name="uq_notification_events_dedupe"),
    )
    op.create_index("ix_notification_events_state", "notification_events", ["state", "id"])
    op.create_table(
        "notify_channels",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("scope_kind", sa.String(10), nullable=False),
        sa.Column("scope", sa.String(200)),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("locale", sa.String(10), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("personal", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("removed_at", UTCDateTime),
    )
    op.create_table(
        "notify_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "event_id",
            sa.Integer,
            sa.ForeignKey(
                "notification_events.id",
                name="fk_notify_deliveries_event_id_notification_events",
            ),
            nullable=False,
        ),
        sa.Column(
            "channel_id",
            sa.Integer,
            sa.ForeignKey(
                "notify_channels.id", name="fk_notify_deliveries_channel_id_notify_channels"
            ),
            nullable=False,
        ),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("resends", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("claim", sa.String(36)),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("message", sa.JSON, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "event_id", "channel_id", "topic", "recipient", name="uq_notify_deliveries_target"
        ),
    )
    op.create_index("ix_notify_deliveries_due", "notify_deliveries", ["state", "next_attempt_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_notifications_user_id_users", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.Integer,
            sa.ForeignKey(
                "notification_events.id", name="fk_notifications_event_id_notification_events"
            ),
            nullable=False,
        ),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("read_at", UTCDateTime),
        sa.UniqueConstraint("event_id", "user_id", "topic", name="uq_notifications_target"),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "read_at"])
    op.create_table(
        "notify_addresses",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", name="fk_notify_addresses_user_id_users", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "notify_marks",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notify_marks")
    op.drop_table("notify_addresses")
    op.drop_index("ix_notifications_user", "notifications")
    op.drop_table("notifications")
    op.drop_index("ix_notify_deliveries_due", "notify_deliveries")
    op.drop_table("notify_deliveries")
    op.drop_table("notify_channels")
    op.drop_index("ix_notification_events_state", "notification_events")
    op.drop_table("notification_events")
