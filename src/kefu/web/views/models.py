"""The shapes the appraisal views return, typed: pages read them, the API answers them.

The API's response models (:mod:`kefu.web.api.results_schemas`) are these
classes, so a page and its JSON answer cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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


class AlertPublic(BaseModel):
    level: str
    key: str
    name: str | None = None
    team: str | None = None
    watch: str
    value: float | None = None
    severity: str
    message: str


class AlertsPublic(BaseModel):
    date: str | None
    alerts: list[AlertPublic]


class OverviewPublic(BaseModel):
    run: RunPublic
    scope_level: str
    scope_key: str
    indicators: list[IndicatorCardPublic]
    grades: list[GradeCountPublic]
    teams: list[TeamRankPublic]
    alerts: AlertsPublic


class ApplicationPublic(BaseModel):
    agent_id: str
    name: str | None
    team: str | None
    site: str | None
    period: str
    total: float
    grade: str
    pay_coefficient: float | None
    promotion_candidate: bool
    qualifying_months: list[str]
    training: list[str]
    improvement_plan_required: bool


class ApplicationsPublic(BaseModel):
    period: str
    run: RunPublic
    agents: list[ApplicationPublic]
    distribution: list[dict[str, Any]]


class AlertView(AlertPublic):
    """An alert as the pages show it: also the rule crossed and its limit (the API omits them)."""

    rule: str = Field(description="above, below, outside or at_least")
    limit: float | list[float] = Field(description="The limit crossed; [low, high] for outside")


class AlertsView(BaseModel):
    date: str | None
    alerts: list[AlertView]


class OverviewView(BaseModel):
    """The centre overview's page; :class:`OverviewPublic` is its API answer."""

    run: RunPublic
    scope_level: str
    scope_key: str
    indicators: list[IndicatorCardPublic]
    grades: list[GradeCountPublic]
    teams: list[TeamRankPublic]
    alerts: AlertsView

    def public(self) -> OverviewPublic:
        # Validation from the dump drops what only the page reads (each alert's rule, limit).
        return OverviewPublic.model_validate(self.model_dump())


class ApplicationRow(ApplicationPublic):
    """One agent on the applications page: the API's fields, why the grade, weak dimensions."""

    training_detail: list[dict[str, Any]] = Field(
        description="The weak dimensions behind training: dimension id, name by language …"
    )
    grade_reason: str


class ApplicationsView(BaseModel):
    """The applications page; :class:`ApplicationsPublic` is its API answer."""

    period: str
    run: RunPublic
    agents: list[ApplicationRow]
    distribution: list[dict[str, Any]]

    def public(self) -> ApplicationsPublic:
        return ApplicationsPublic.model_validate(self.model_dump())
