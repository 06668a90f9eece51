"""Response models of the appraisal, monitor, import, scorecard and application API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, StrictBool

from kefu.web.api.schemas import ErrorDetail
from kefu.web.views.models import (
    AlertPublic,
    AlertsPublic,
    ApplicationPublic,
    ApplicationsPublic,
    BatchPublic,
    GradeCountPublic,
    IndicatorCardPublic,
    OverviewPublic,
    PeriodPublic,
    RunActionPublic,
    RunPublic,
    ScorecardVersionPublic,
    TeamRankPublic,
    TrendPublic,
)

# The views' shapes are the API's: one definition each (kefu.web.views.models).
__all__ = [
    "AlertPublic",
    "AlertsPublic",
    "ApplicationPublic",
    "ApplicationsPublic",
    "BatchPublic",
    "GradeCountPublic",
    "IndicatorCardPublic",
    "OverviewPublic",
    "PeriodPublic",
    "RunActionPublic",
    "RunPublic",
    "ScorecardVersionPublic",
    "TeamRankPublic",
    "TrendPublic",
]


class CellPublic(BaseModel):
    value: float | None
    text: str
    points: float | None
    rating: str | None
    status: str | None


class TeamColumnPublic(BaseModel):
    indicator: str
    name: str
    weight: float | None
    target_text: str


class TeamRowPublic(BaseModel):
    agent_id: str
    name: str | None
    cells: list[CellPublic]
    total: float | None
    grade: str | None
    rank_team: int | None
    rank_centre: int | None
    vetoes: list[str]


class TeamTablePublic(BaseModel):
    team: str
    period: str
    run: RunPublic
    columns: list[TeamColumnPublic]
    rows: list[TeamRowPublic]
    mean_total: float | None


class SheetIndicatorPublic(BaseModel):
    indicator: str
    name: str
    weight: float | None
    effective_weight: float | None
    target_text: str
    value: float | None
    value_text: str
    sample: int | None
    share: float | None
    points: float | None
    points_text: str
    rating: str | None
    status: str | None
    reason: str | None
    drillable: bool


class SheetDimensionPublic(BaseModel):
    id: str
    name: str
    weight: float
    effective_weight: float | None
    points: float | None
    share: float | None = Field(description="Points over the effective weight")
    indicators: list[SheetIndicatorPublic]


class RadarPublic(BaseModel):
    dimensions: list[str]
    agent: list[float] = Field(description="Share of each dimension's weight earned, in %")
    team: list[float] = Field(description="The team's mean share, in %")


class AgentSheetPublic(BaseModel):
    agent_id: str
    name: str | None
    team: str | None
    site: str | None
    period: str
    run: RunPublic
    scorecard: dict[str, Any] | None
    dimensions: list[SheetDimensionPublic]
    bonus: float | None
    bonus_items: list[dict[str, Any]]
    penalty: float | None
    penalty_items: list[dict[str, Any]]
    vetoes: list[str]
    reasons: list[str]
    total: float | None
    grade: str | None
    grade_before_veto: str | None
    pay_coefficient: float | None
    rank_team: int | None
    rank_site: int | None
    rank_centre: int | None
    population: dict[str, int]
    team_mean_total: float | None
    radar: RadarPublic
    trend: TrendPublic


class FigurePublic(BaseModel):
    value: float | None
    numerator: float | None
    denominator: float | None
    sample: int
    status: str


class RecordsPublic(BaseModel):
    agent_id: str
    indicator: str
    period: str
    figure: FigurePublic
    scored_value: float | None
    columns: list[str]
    records: list[dict[str, Any]] = Field(
        description="One record per row: table, id, in_numerator, in_denominator, its values, "
        "source_file, source_row, batch_id"
    )
    page: int
    per_page: int
    total: int
    pages: int


class MonitorPublic(BaseModel):
    day: str
    indicators: list[str]
    rows: list[dict[str, Any]]
    alerts: list[AlertPublic]


class ImportResultPublic(BaseModel):
    file: str
    table: str | None
    batch: int | None
    status: str
    rows_read: int
    accepted: int
    rejected: int
    skipped: int
    new: int
    changed: int
    unchanged: int
    message: str
    ok: bool


class ImportJobPublic(BaseModel):
    """An upload's import job: ``state`` is queued, running, done or failed."""

    id: int
    state: str
    files: list[str]
    table: str | None
    rows_read: int = Field(description="Rows read so far (of the files finished)")
    message: str | None = Field(description="What the job is doing, or why it failed")
    message_key: str | None
    message_params: dict[str, Any]
    results: list[dict[str, Any]] = Field(description="One summary per file imported so far")
    created_at: datetime
    created_by: str
    started_at: datetime | None
    finished_at: datetime | None


class RejectPublic(BaseModel):
    source_file: str
    row: int
    column: str | None
    value: str | None
    rule: str


class RejectsPublic(BaseModel):
    batch: BatchPublic
    rejects: list[RejectPublic]
    page: int
    per_page: int
    total: int
    pages: int


class ScorecardDetailPublic(ScorecardVersionPublic):
    content: str = Field(description="The scorecard YAML")


class ScorecardCreate(BaseModel):
    content: str = Field(min_length=1, max_length=200_000, description="The scorecard YAML")
    activate: StrictBool = False


class IssuePublic(BaseModel):
    path: str = Field(description="Key path, e.g. dimensions[0].indicators[1].target")
    message: str


class ScorecardIssuesDetail(ErrorDetail):
    issues: list[IssuePublic] = Field(
        default_factory=list, description="Every issue of the scorecard; absent for other 422s"
    )


class ScorecardIssuesBody(BaseModel):
    """The error body of a refused scorecard: the usual code and message, and its issues."""

    error: ScorecardIssuesDetail


class SuggestionPublic(BaseModel):
    indicator: str
    dimension: str
    direction: str
    values: int
    current_target: float | None
    current_threshold: float | None
    suggested_target: float | None
    suggested_threshold: float | None
    note: str | None


class SuggestionsPublic(BaseModel):
    scorecard: str
    months: list[str]
    rows: list[SuggestionPublic]
    message: str | None
