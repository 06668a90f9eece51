"""Append-only audit log.

Revision ID: 0002_audit
Revises: 0001_ingest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0002_audit"
down_revision = "0001_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(60), nullable=False),
        sa.Column("object_id", sa.String(200)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("ip", sa.String(64)),
    )
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            "ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("audit_log")
