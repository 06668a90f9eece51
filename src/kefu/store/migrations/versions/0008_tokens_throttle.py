"""API token scopes (read / write); tokens made before keep "write".

Revision ID: 0008_tokens_throttle
Revises: 0009_notifications
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_tokens_throttle"
down_revision = "0009_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(10), nullable=False, server_default="write"))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
