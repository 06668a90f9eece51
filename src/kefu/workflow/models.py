"""Reviews, appeals and improvement plans in the application store (migration 0005_workflow)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.store.appdb import Base, UTCDateTime, utcnow


class ReviewState(StrEnum):
    DRAFT = "draft"
    HELD = "held"
    ACKNOWLEDGED = "acknowledged"


class AppealState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    REJECTED = "rejected"


class Review(Base):
    """One review meeting (绩效面谈) per agent and period."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(20))
    team: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default=ReviewState.DRAFT)
    # What the sheet said when the review was opened: total, grade, weakest
    # indicators, change against the previous period (kept as shown then).
    prefill: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    strengths: Mapped[str] = mapped_column(Text, default="")
    gaps: Mapped[str] = mapped_column(Text, default="")
    self_assessment: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    requests: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_by: Mapped[str | None] = mapped_column(String(100))  # the supervisor's acknowledgement
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))  # the agent's

    __table_args__ = (Index("ix_reviews_agent_period", "agent_id", "period", unique=True),)


class Appeal(Base):
    """An appeal (申诉) against one scored input record."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(200))
    record_source: Mapped[str] = mapped_column(String(100))
    # The record as it stood when the appeal was filed.
    original: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The correction asked for (column → value); the decider may amend it.
    requested: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default=AppealState.OPEN)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    applied: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    correction_batch: Mapped[int | None] = mapped_column(Integer)
    revision_run: Mapped[int | None] = mapped_column(Integer)
    # Per affected agent: old and new total, grade and pay coefficient.
    changes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_appeals_agent", "agent_id", "period"),
        Index("ix_appeals_state", "state"),
    )


class ImprovementPlan(Base):
    """A personal improvement plan (个人改进计划), usually created from a review."""

    __tablename__ = "improvement_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    agent_id: Mapped[str] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))

    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", order_by="PlanItem.id", lazy="selectin"
    )

    __table_args__ = (Index("ix_improvement_plans_agent", "agent_id"),)


class PlanItem(Base):
    __tablename__ = "improvement_plan_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("improvement_plans.id"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[ImprovementPlan] = relationship(back_populates="items")

    @property
    def item_id(self) -> str:
        """The record key in the fact store's ``improvement_items`` (source ``kefu``)."""
        return f"plan{self.plan_id}-{self.id}"
