"""Import catalog and reject log.

Revision ID: 0001_ingest
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0001_ingest"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("mapping", sa.String(100)),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("committed_at", UTCDateTime),
        sa.Column("created_by", sa.String(100)),
        sa.Column("pid", sa.Integer),
    )
    op.create_index(
        "ix_import_batches_lookup",
        "import_batches",
        ["table_name", "source", "file_sha256", "state"],
    )
    op.create_table(
        "import_rejects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "batch_id",
            sa.Integer,
            sa.ForeignKey("import_batches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("column", sa.String(100)),
        sa.Column("value", sa.Text),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("raw", sa.JSON),
    )
    op.create_index("ix_import_rejects_batch", "import_rejects", ["batch_id", "row"])


def downgrade() -> None:
    op.drop_table("import_rejects")
    op.drop_table("import_batches")
