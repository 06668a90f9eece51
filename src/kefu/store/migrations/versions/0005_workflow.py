"""Reviews, appeals and improvement plans.

Revision ID: 0005_workflow
Revises: 0004_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kefu.store.appdb import UTCDateTime

revision = "0005_workflow"
down_revision = "0004_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables and their indexes.

    One statement per table, in the order of their foreign keys: long, and clearer
    read straight through than split (a migration is never changed once released).
    """
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("team", sa.String(200)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("prefill", sa.JSON, nullable=False),
        sa.Column("strengths", sa.Text, nullable=False),
        sa.Column("gaps", sa.Text, nullable=False),
        sa.Column("self_assessment", sa.Text, nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("requests", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("held_at", UTCDateTime),
        sa.Column("held_by", sa.String(100)),
        sa.Column("acknowledged_at", UTCDateTime),
        sa.Column("acknowledged_by", sa.String(100)),
    )
    op.create_index("ix_reviews_agent_period", "reviews", ["agent_id", "period"], unique=True)
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("team", sa.String(200)),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("record_source", sa.String(100), nullable=False),
        sa.Column("original", sa.JSON, nullable=False),
        sa.Column("requested", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("attachments", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("filed_at", UTCDateTime, nullable=False),
        sa.Column("filed_by", sa.String(100), nullable=False),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decision_reason", sa.Text),
        sa.Column("applied", sa.JSON),
        sa.Column("correction_batch", sa.Integer),
        sa.Column("revision_run", sa.Integer),
        sa.Column("changes", sa.JSON),
    )
    op.create_index("ix_appeals_agent", "appeals", ["agent_id", "period"])
    op.create_index("ix_appeals_state", "appeals", ["state"])
    op.create_table(
        "improvement_plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "review_id",
            sa.Integer,
            sa.ForeignKey("reviews.id", name="fk_improvement_plans_review_id_reviews"),
        ),
        sa.Column("agent_id", sa.String(100), nullable=False),
        sa.Column("team", sa.String(200)),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_improvement_plans_agent", "improvement_plans", ["agent_id"])
    op.create_table(
        "improvement_plan_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey(
                "improvement_plans.id",
                name="fk_improvement_plan_items_plan_id_improvement_plans",
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("completed_on", sa.Date),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_improvement_plan_items_plan", "improvement_plan_items", ["plan_id"])


def downgrade() -> None:
    op.drop_table("improvement_plan_items")
    op.drop_table("improvement_plans")
    op.drop_table("appeals")
    op.drop_index("ix_reviews_agent_period", "reviews")
    op.drop_table("reviews")
