"""Batch retraction: who stopped a batch's records from counting, and when.

Revision ID: 0010_batch_retract
Revises: 0007_import_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0010_batch_retract"
down_revision = "0007_import_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The state column already holds any word up to 12 letters ("retracted" is 9).
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("retracted_at", UTCDateTime))
        batch.add_column(sa.Column("retracted_by", sa.String(100)))


def downgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_column("retracted_by")
        batch.drop_column("retracted_at")
