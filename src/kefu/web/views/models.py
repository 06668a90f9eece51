"""The shapes the appraisal views return, typed: pages read them, the API answers them.

The API's response models (:mod:`kefu.web.api.results_schemas`) are these
classes, so a page and its JSON answer cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class PeriodPublic(BaseModel):
    label: str = Field(examples=["2026-10"])
    grain: str = Field(description="month, quarter or year")
    status: str = Field(
        description="open, scored, stale, published, published_stale, published_revision "
        "or revision_pending"
    )


class RunPublic(BaseModel):
    period: str
    status: str
    run_id: int | None
    revision: int | None
    created_at: datetime | None
    created_by: str | None
    published_at: datetime | None
    stale: bool = Field(
        default=False, description="Data imported since scoring: figures and grades disagree"
    )


class TrendPublic(BaseModel):
    months: list[str]
    values: list[float | None] = Field(description="In display units (percent, per mille …)")


class IndicatorCardPublic(BaseModel):
    indicator: str
    value: float | None = Field(description="In data units (a rate is a fraction)")
    value_text: str
    sample: int
    target_text: str
    rating: str | None = Field(description="meets, between, beyond or unscored")
    trend: TrendPublic


class GradeCountPublic(BaseModel):
    grade: str
    agents: int


class TeamRankPublic(BaseModel):
    team: str
    team_id: str = Field(description="Addresses the team in URLs: /teams/{team_id}")
    agents: int
    mean_total: float | None
    grades: dict[str, int]
    rank: int


class BatchPublic(BaseModel):
    id: int
    table: str
    source: str
    source_file: str
    mapping: str | None
    state: str
    rows_read: int
    accepted: int
    rejected: int
    new: int
    changed: int
    unchanged: int
    period_start: date | None
    period_end: date | None
    created_at: datetime
    created_by: str | None


class ScorecardVersionPublic(BaseModel):
    id: int
    name: str
    version: str
    content_hash: str
    saved_at: datetime
    saved_by: str | None
    active: bool


class RunActionPublic(BaseModel):
    period: str
    run_id: int
    state: str
    agents: int
