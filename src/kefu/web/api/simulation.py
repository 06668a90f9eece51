"""``POST /api/v1/scorecards/simulate``: a draft scorecard scored over past months (试算).

The same roles as editing a scorecard (manager, admin); nothing is stored.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from kefu.web.api.results_schemas import ScorecardIssuesBody, invalid_scorecard
from kefu.web.api.schemas import BAD_REQUEST, ERRORS
from kefu.web.deps import CentreUser, Ws
from kefu.web.templating import request_locale
from kefu.web.views.simulation import MAX_PERIODS, simulation_answer

router = APIRouter(prefix="/scorecards", tags=["scorecards"], responses={**ERRORS, **BAD_REQUEST})

MonthLabel = Annotated[
    str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="A month, e.g. 2026-10")
]


class SimulateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    yaml: str = Field(min_length=1, max_length=200_000, description="The draft scorecard YAML")
    periods: list[MonthLabel] = Field(min_length=1, max_length=MAX_PERIODS, description="Months")
    sensitivity: StrictBool = Field(
        default=False, description="Also count the grades a ±5-point weight would move"
    )


class OutcomePublic(BaseModel):
    total: float
    grade: str
    pay_coefficient: float | None
    rank_centre: int | None


class ReasonPublic(BaseModel):
    indicator_id: str = Field(description="An indicator id, or bonus / penalty")
    label: str = Field(description="Its name in the caller's language")
    points_current: float | None
    points_draft: float | None
    delta: float


class VetoPublic(BaseModel):
    event: str
    cap_grade: str


class SimulationRowPublic(BaseModel):
    agent_id: str
    name: str | None
    team: str | None
    period: str
    current: OutcomePublic | None
    draft: OutcomePublic | None
    grade_changed: bool
    reasons: list[ReasonPublic] = Field(description="For a mover: the indicators that moved most")
    new_vetoes: list[VetoPublic] = Field(description="Vetoes only the draft applies")
    lifted_vetoes: list[VetoPublic] = Field(description="Vetoes only the current one applies")
    reason_text: str | None = Field(description="Why the grade moves, in the caller's language")


class PeriodSummaryPublic(BaseModel):
    period: str
    agents: int
    grades_current: dict[str, int]
    grades_draft: dict[str, int]
    pay_sum_current: float
    pay_sum_draft: float
    grade_changes: int
    baseline: str = Field(description="Which scorecards 'current' is: 'run N' or 'active'")


class IndicatorSensitivityPublic(BaseModel):
    indicator_id: str
    label: str
    weight: float
    minus: int = Field(description="Grades changed with the weight 5 points lower")
    plus: int = Field(description="Grades changed with the weight 5 points higher")
    by_period: dict[str, dict[str, int]]


class TargetAttainmentPublic(BaseModel):
    indicator_id: str
    label: str
    direction: str
    target: float | None
    band: list[float] | None
    shares: dict[str, float | None] = Field(description="Month → share of agents who met it")


class SensitivityPublic(BaseModel):
    step: float
    periods: list[str]
    indicators: list[IndicatorSensitivityPublic]
    targets: list[TargetAttainmentPublic]


class ScorecardNamePublic(BaseModel):
    name: str
    version: str


class SimulationPublic(BaseModel):
    scorecard: ScorecardNamePublic
    periods: list[str]
    rows: list[SimulationRowPublic]
    summary: list[PeriodSummaryPublic]
    sensitivity: SensitivityPublic | None


@router.post(
    "/simulate",
    response_model=SimulationPublic,
    summary="Score a draft scorecard over past months beside the current one (stores nothing)",
    responses={422: {"model": ScorecardIssuesBody, "description": "The draft's issues"}},
)
def simulate(
    body: SimulateRequest, request: Request, ws: Ws, user: CentreUser
) -> SimulationPublic | JSONResponse:
    answer, issues = simulation_answer(
        ws,
        user,
        body.yaml,
        body.periods,
        request_locale(request, user),
        with_sensitivity=body.sensitivity,
    )
    if answer is None:
        return invalid_scorecard(issues)
    return SimulationPublic.model_validate(answer)
