"""Response models of the appraisal, monitor, import, scorecard and application API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool

from kefu.web.api.schemas import ErrorDetail
from kefu.web.views.models import (
    AgentSheetPublic,
    AlertPublic,
    AlertsPublic,
    ApplicationPublic,
    ApplicationsPublic,
    BatchPublic,
    CellPublic,
    FigurePublic,
    GradeCountPublic,
    IndicatorCardPublic,
    OverviewPublic,
    PeriodPublic,
    RadarPublic,
    RecordsPublic,
    RunActionPublic,
    RunPublic,
    ScorecardVersionPublic,
    SheetDimensionPublic,
    SheetIndicatorPublic,
    TeamColumnPublic,
    TeamRankPublic,
    TeamRowPublic,
    TeamTablePublic,
    TrendPublic,
)

# The views' shapes are the API's: one definition each (kefu.web.views.models).
__all__ = [
    "AgentSheetPublic",
    "AlertPublic",
    "AlertsPublic",
    "ApplicationPublic",
    "ApplicationsPublic",
    "BatchPublic",
    "CellPublic",
    "FigurePublic",
    "GradeCountPublic",
    "IndicatorCardPublic",
    "OverviewPublic",
    "PeriodPublic",
    "RadarPublic",
    "RecordsPublic",
    "RunActionPublic",
    "RunPublic",
    "ScorecardVersionPublic",
    "SheetDimensionPublic",
    "SheetIndicatorPublic",
    "TeamColumnPublic",
    "TeamRankPublic",
    "TeamRowPublic",
    "TeamTablePublic",
    "TrendPublic",
]


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


def invalid_scorecard(issues: list[dict[str, Any]]) -> JSONResponse:
    """The 422 answer of a refused scorecard or draft, every issue at its key path."""
    detail = {"code": "invalid_scorecard", "message": f"{len(issues)} issue(s)", "issues": issues}
    return JSONResponse({"error": detail}, status_code=422)


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
