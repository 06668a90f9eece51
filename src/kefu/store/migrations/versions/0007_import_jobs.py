"""Import jobs: uploads imported in the background, with their progress.

Revision ID: 0007_import_jobs
Revises: 0009_notifications
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0007_import_jobs"
# Revisions run in the order they landed: 0006, 0009, 0008, 0007.
down_revision = "0008_tokens_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("table_name", sa.String(40)),
        sa.Column("mapping", sa.String(100)),
        sa.Column("source", sa.String(100)),
        sa.Column("as_new_source", sa.Boolean, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("message_key", sa.String(100)),
        sa.Column("message_params", sa.JSON, nullable=False),
        sa.Column("results", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("started_at", UTCDateTime),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("pid", sa.Integer),
    )
    op.create_index("ix_import_jobs_state", "import_jobs", ["state", "id"])


def downgrade() -> None:
    op.drop_index("ix_import_jobs_state", table_name="import_jobs")
    op.drop_table("import_jobs")
