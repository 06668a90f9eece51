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
    texts: list[str] = Field(
        default_factory=list, description="Each month's value as shown, e.g. 85.71%"
    )


class ChangePublic(BaseModel):
    """A figure against the same figure of the previous period (month-on-month)."""

    previous_period: str = Field(examples=["2026-09"])
    before: float = Field(description="The previous period's value, in data units")
    before_text: str
    difference: float = Field(description="Now minus before, in display units as shown")
    text: str = Field(examples=["▲5.00", "▼1.50", "±0.00"])
    trend: str = Field(description="up, down or same")
    better: bool | None = Field(
        description="True if the change is an improvement, False if worse, None if neither"
    )


class GradeChangePublic(BaseModel):
    previous_period: str
    before: str
    after: str
    text: str = Field(examples=["B→A"])
    better: bool | None


class IndicatorCardPublic(BaseModel):
    indicator: str
    value: float | None = Field(description="In data units (a rate is a fraction)")
    value_text: str
    sample: int
    target_text: str
    rating: str | None = Field(description="meets, between, beyond or unscored")
    trend: TrendPublic
    change: ChangePublic | None = None


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
    mean_change: ChangePublic | None = None


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


class CellPublic(BaseModel):
    value: float | None
    text: str
    points: float | None
    rating: str | None
    status: str | None
    change: ChangePublic | None = None


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
    total_change: ChangePublic | None = None
    grade_change: GradeChangePublic | None = None


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
    change: ChangePublic | None = None
    points_change: ChangePublic | None = None


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
    total_change: ChangePublic | None = None
    grade_change: GradeChangePublic | None = None


class FigurePublic(BaseModel):
    value: float | None
    numerator: float | None
    denominator: float | None
    sample: int
    status: str


class RecordTablePublic(BaseModel):
    """One kind of record behind a figure: its columns and its records by how they count."""

    table: str
    columns: list[str]
    counts: dict[str, int] = Field(
        description="Records by how they count: numerator, denominator (only), not_counted"
    )
    listed: int = Field(description="Records the filter keeps")


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
    counted: str | None = Field(
        default=None, description="The filter: numerator, denominator (only), not_counted"
    )
    counts: dict[str, int] = Field(default_factory=dict)
    tables: list[RecordTablePublic] = Field(default_factory=list)


class TeamRowView(TeamRowPublic):
    """One agent of the team table page: the API's fields and why the grade."""

    grade_reason: str


class TeamTableView(BaseModel):
    """The team table page; :meth:`public` is its API answer (with the run)."""

    team: str
    period: str
    columns: list[TeamColumnPublic]
    rows: list[TeamRowView]
    mean_total: float | None

    def public(self, run: RunPublic) -> TeamTablePublic:
        return TeamTablePublic.model_validate({**self.model_dump(), "run": run})


class BonusItemView(BaseModel):
    """A bonus line of the sheet; counts and points keep the type they were stored with."""

    indicator: str
    count: int | float
    points: int | float
    reason: str | None
    name: str = Field(description="The indicator's name in the page's language")
    line: str = Field(description="How the points were counted, e.g. 表扬 6 次 × 1 分 = 6 分")


class PenaltyItemView(BaseModel):
    """A penalty line of the sheet; ``event`` is the event's name in the page's language."""

    event: str
    where: dict[str, Any]
    count: int | float
    points: int | float
    reason: str | None
    line: str


class HistoryEntry(BaseModel):
    """An earlier monthly result of an agent (the PDF sheet's history block)."""

    period: str
    total: float
    grade: str | None
    rank_team: int | None


class AgentSheetView(BaseModel):
    """The agent sheet page; :meth:`public` is its API answer (with the run)."""

    agent_id: str
    name: str | None
    team: str | None
    site: str | None
    period: str
    scorecard: dict[str, Any] | None
    dimensions: list[SheetDimensionPublic]
    bonus: float | None
    bonus_items: list[BonusItemView]
    penalty: float | None
    penalty_items: list[PenaltyItemView]
    vetoes: list[str]
    reasons: list[str]
    total: float | None
    grade: str | None
    grade_before_veto: str | None
    grade_reason: str
    bonus_text: str
    penalty_text: str
    pay_coefficient: float | None
    rank_team: int | None
    rank_site: int | None
    rank_centre: int | None
    population: dict[str, int]
    team_mean_total: float | None
    radar: RadarPublic
    trend: TrendPublic
    total_change: ChangePublic | None = None
    grade_change: GradeChangePublic | None = None
    unscored_indicators: list[str]
    #: A quarter's or a year's months with their totals (empty for a month).
    cycle_months: list[HistoryEntry] = Field(default_factory=list)

    def public(self, run: RunPublic) -> AgentSheetPublic:
        return AgentSheetPublic.model_validate({**self.model_dump(), "run": run})
