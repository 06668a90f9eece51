"""Scorecard versions, scoring runs and results (published ones immutable).

Revision ID: 0003_scoring
Revises: 0002_audit
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0003_scoring"
down_revision = "0002_audit"
branch_labels = None
depends_on = None

_MESSAGE = "published scoring results are immutable; re-score to create a revision"


def upgrade() -> None:
    """Create the scoring tables, their indexes and the triggers that freeze published runs.

    One statement per table, in the order of their foreign keys: long, and clearer
    read straight through than split (a migration is never changed once released).
    """
    op.create_table(
        "scorecard_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("path", sa.String(500)),
        sa.Column("saved_at", UTCDateTime, nullable=False),
        sa.Column("saved_by", sa.String(100)),
    )
    op.create_table(
        "scoring_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("grain", sa.String(10), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("revision_of", sa.Integer, sa.ForeignKey("scoring_runs.id")),
        sa.Column("scorecards", sa.JSON, nullable=False),
        sa.Column("batch_ids", sa.JSON, nullable=False),
        sa.Column("input_runs", sa.JSON, nullable=False),
        sa.Column("as_of", UTCDateTime),
        sa.Column("results_hash", sa.String(64), nullable=False),
        sa.Column("agents", sa.Integer, nullable=False),
        sa.Column("changes", sa.JSON),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("published_at", UTCDateTime),
        sa.Column("published_by", sa.String(100)),
    )
    op.create_index("ix_scoring_runs_period", "scoring_runs", ["period", "id"])
    op.create_table(
        "scoring_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("scoring_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("team", sa.String(200)),
        sa.Column("site", sa.String(200)),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("grade", sa.String(20), nullable=False),
        sa.Column("pay_coefficient", sa.Float),
        sa.Column("detail_json", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_scoring_results_run_agent", "scoring_results", ["run_id", "agent_id"], unique=True
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER scoring_runs_published_no_{verb.lower()} BEFORE {verb} "
                "ON scoring_runs WHEN OLD.state = 'published' "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )
            op.execute(
                f"CREATE TRIGGER scoring_results_published_no_{verb.lower()} BEFORE {verb} "
                "ON scoring_results WHEN (SELECT state FROM scoring_runs "
                "WHERE id = OLD.run_id) = 'published' "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION scoring_runs_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF OLD.state = 'published' THEN RAISE EXCEPTION '{_MESSAGE}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER scoring_runs_frozen BEFORE UPDATE OR DELETE ON scoring_runs "
            "FOR EACH ROW EXECUTE FUNCTION scoring_runs_frozen()"
        )
        op.execute(
            "CREATE FUNCTION scoring_results_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF (SELECT state FROM scoring_runs WHERE id = OLD.run_id) = 'published' "
            f"THEN RAISE EXCEPTION '{_MESSAGE}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER scoring_results_frozen BEFORE UPDATE OR DELETE ON scoring_results "
            "FOR EACH ROW EXECUTE FUNCTION scoring_results_frozen()"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS scoring_results_frozen ON scoring_results")
        op.execute("DROP TRIGGER IF EXISTS scoring_runs_frozen ON scoring_runs")
        op.execute("DROP FUNCTION IF EXISTS scoring_results_frozen()")
        op.execute("DROP FUNCTION IF EXISTS scoring_runs_frozen()")
    op.drop_table("scoring_results")
    op.drop_table("scoring_runs")
    op.drop_table("scorecard_versions")
