"""What-if simulation: score a draft scorecard against past months, storing nothing.

A draft is scored with exactly the rules of a real run (vetoes, bonus caps, the
small-sample policy, forced distribution), over the same figures and events a
run of the month reads, beside the scorecard that scored the month (the
month's newest run's scorecards, else the active ones)::

    sim = simulate(ws, draft, ["2026-10", "2026-11"])
    sim.rows[0].current.grade, sim.rows[0].draft.grade, sim.rows[0].reasons
    sim.summary["2026-10"].grade_changes
    sim.to_json()                      # the JSON of `kefu scorecard simulate`

    sens = sensitivity(ws, draft, ["2026-10"])
    sens.indicators[0].minus, sens.indicators[0].plus   # grades changed at -5 / +5 points
    sens.targets[0].shares["2026-10"]                   # share of agents who met the target

Nothing here writes: no run, no result, no scorecard version, no audit record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kefu.periods import Period
from kefu.scoring.scorecard import Scorecard
from kefu.workspace import Workspace

__all__ = [
    "IndicatorSensitivity",
    "Outcome",
    "PeriodSummary",
    "Reason",
    "Sensitivity",
    "Simulation",
    "SimulationRow",
    "TargetAttainment",
    "sensitivity",
    "simulate",
]

#: How many indicators explain why an agent's grade moved.
REASONS_KEPT = 3
#: The weight step of the sensitivity analysis, in points.
WEIGHT_STEP = 5.0


@dataclass(frozen=True)
class Outcome:
    """What a scorecard gives one agent in one period."""

    total: float
    grade: str
    pay_coefficient: float | None
    rank_centre: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "grade": self.grade,
            "pay_coefficient": self.pay_coefficient,
            "rank_centre": self.rank_centre,
        }


@dataclass(frozen=True)
class Reason:
    """One indicator whose points moved: its points under each scorecard (None: not scored)."""

    indicator_id: str
    points_current: float | None
    points_draft: float | None

    @property
    def delta(self) -> float:
        return (self.points_draft or 0.0) - (self.points_current or 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "points_current": self.points_current,
            "points_draft": self.points_draft,
            "delta": self.delta,
        }


@dataclass(frozen=True)
class SimulationRow:
    """One agent in one period, under the current scorecard and under the draft.

    ``current`` or ``draft`` is None when that scorecard does not score the agent
    (no value for any of its indicators). ``reasons`` is filled for an agent whose
    grade changes: the indicators whose points moved most, largest move first.
    """

    agent_id: str
    name: str | None
    team: str | None
    period: str
    current: Outcome | None
    draft: Outcome | None
    reasons: tuple[Reason, ...] = ()

    @property
    def grade_changed(self) -> bool:
        before = self.current.grade if self.current else None
        after = self.draft.grade if self.draft else None
        return before != after

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "name": self.name,
            "team": self.team,
            "period": self.period,
            "current": None if self.current is None else self.current.to_json(),
            "draft": None if self.draft is None else self.draft.to_json(),
            "grade_changed": self.grade_changed,
            "reasons": [r.to_json() for r in self.reasons],
        }


@dataclass(frozen=True)
class PeriodSummary:
    """One period in figures: grade counts and pay before and after, and how many moved."""

    period: str
    agents: int
    grades_current: Mapping[str, int]
    grades_draft: Mapping[str, int]
    pay_sum_current: float
    pay_sum_draft: float
    grade_changes: int
    #: Which scorecards "current" is: the period's newest run's, or the active ones.
    baseline: str

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "agents": self.agents,
            "grades_current": dict(self.grades_current),
            "grades_draft": dict(self.grades_draft),
            "pay_sum_current": self.pay_sum_current,
            "pay_sum_draft": self.pay_sum_draft,
            "grade_changes": self.grade_changes,
            "baseline": self.baseline,
        }


@dataclass(frozen=True)
class Simulation:
    """The outcome of :func:`simulate`: one row per agent and period, a summary per period."""

    draft_name: str
    draft_version: str
    periods: tuple[str, ...]
    rows: tuple[SimulationRow, ...]
    summary: Mapping[str, PeriodSummary] = field(default_factory=dict)

    def movers(self) -> list[SimulationRow]:
        return [r for r in self.rows if r.grade_changed]

    def to_json(self) -> dict[str, Any]:
        return {
            "scorecard": {"name": self.draft_name, "version": self.draft_version},
            "periods": list(self.periods),
            "rows": [r.to_json() for r in self.rows],
            "summary": [self.summary[p].to_json() for p in self.periods],
        }


@dataclass(frozen=True)
class IndicatorSensitivity:
    """How many grades change when one indicator's weight moves by a step (rest rescaled)."""

    indicator_id: str
    weight: float
    #: Grade changes (all periods) with the weight lowered / raised by the step.
    minus: int
    plus: int
    #: The same per period.
    by_period: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "weight": self.weight,
            "minus": self.minus,
            "plus": self.plus,
            "by_period": {p: {"minus": m, "plus": q} for p, (m, q) in self.by_period.items()},
        }


@dataclass(frozen=True)
class TargetAttainment:
    """For one linear or band indicator of the draft: the share of agents who met its target."""

    indicator_id: str
    direction: str
    target: float | None
    band: tuple[float, float] | None
    #: period → share of the agents with a value who met it (None: nobody had a value).
    shares: Mapping[str, float | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "direction": self.direction,
            "target": self.target,
            "band": None if self.band is None else list(self.band),
            "shares": dict(self.shares),
        }


@dataclass(frozen=True)
class Sensitivity:
    """The outcome of :func:`sensitivity` (data for a tornado chart and target shares)."""

    step: float
    periods: tuple[str, ...]
    indicators: tuple[IndicatorSensitivity, ...]
    targets: tuple[TargetAttainment, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "periods": list(self.periods),
            "indicators": [i.to_json() for i in self.indicators],
            "targets": [t.to_json() for t in self.targets],
        }


def simulate(
    ws: Workspace,
    draft: Scorecard,
    periods: Sequence[Period | str],
    *,
    baseline: Scorecard | None = None,
) -> Simulation:
    """Score ``draft`` over each month of ``periods`` beside the current scorecards.

    ``current`` is the scorecards of the month's newest run (else the active
    ones), or ``baseline`` for everyone when given. The draft replaces the
    scorecard of the same name, or the default when it has no ``applies_to``,
    exactly as activating it would. Stores nothing.
    """
    raise NotImplementedError


def sensitivity(ws: Workspace, draft: Scorecard, periods: Sequence[Period | str]) -> Sensitivity:
    """Per indicator of ``draft``: grade changes with its weight -5 and +5 points (the
    other weights rescaled to keep the total); per target: the share of agents who met
    it in each month. Stores nothing."""
    raise NotImplementedError
