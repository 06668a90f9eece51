"""The results store: scorecard versions, scoring runs and one result per agent.

Published runs and their results are immutable: the application never
updates them, and database triggers refuse it on every backend (migration
0003_scoring). A correction after publication is a new run that is a
revision of the published one.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.scoring.result_model import AgentResult
from kefu.store.appdb import Base, UTCDateTime, utcnow


class RunState(StrEnum):
    SCORED = "scored"
    PUBLISHED = "published"


class ScorecardVersion(Base):
    __tablename__ = "scorecard_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[str] = mapped_column(Text)  # the YAML as saved or used
    path: Mapped[str | None] = mapped_column(String(500))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str | None] = mapped_column(String(100))


class ScoringRun(Base):
    __tablename__ = "scoring_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(20))  # label: 2026-10, 2026-Q4, 2026
    grain: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # exclusive
    state: Mapped[str] = mapped_column(String(12), default=RunState.SCORED)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    revision_of: Mapped[int | None] = mapped_column(ForeignKey("scoring_runs.id"))
    # [{name, version, content_hash, version_id}] of every scorecard used.
    scorecards: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    batch_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # For quarters and years: the monthly runs whose totals were averaged.
    input_runs: Mapped[list[int]] = mapped_column(JSON, default=list)
    as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_hash: Mapped[str] = mapped_column(String(64))
    agents: Mapped[int] = mapped_column(Integer, default=0)
    # For a revision: per agent, what changed against the run it revises, and why.
    changes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_scoring_runs_period", "period", "id"),)


class ScoringResult(Base):
    __tablename__ = "scoring_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"))
    agent_id: Mapped[str] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(200))
    site: Mapped[str | None] = mapped_column(String(200))
    total: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(20))
    pay_coefficient: Mapped[float | None] = mapped_column(Float)
    # The whole result as AgentResult.to_stored() has it, as JSON text (storing.serialise):
    # serialised once (orjson, sorted keys) for both the run's content hash and the
    # store, because at 10,000 agents the stdlib encoder would cost more than scoring.
    detail_json: Mapped[str] = mapped_column(Text)

    @property
    def result(self) -> AgentResult:
        return AgentResult.from_stored(orjson.loads(self.detail_json))

    __table_args__ = (Index("ix_scoring_results_run_agent", "run_id", "agent_id", unique=True),)


Run = ScoringRun
