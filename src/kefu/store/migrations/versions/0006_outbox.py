"""Records queued for the fact store by changes in the application store.

Revision ID: 0006_outbox
Revises: 0005_workflow
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0006_outbox"
down_revision = "0005_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("table_name", sa.String(100), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("record_key", sa.String(200), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("queued_at", UTCDateTime, nullable=False),
        sa.Column("queued_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_fact_outbox_key", "fact_outbox", ["table_name", "source", "record_key"])


def downgrade() -> None:
    op.drop_index("ix_fact_outbox_key", "fact_outbox")
    op.drop_table("fact_outbox")
