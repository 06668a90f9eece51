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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kefu.errors import UsageError
from kefu.periods import Grain, Period
from kefu.scoring.month import (
    ComputeFn,
    MonthInputs,
    default_compute,
    gc_paused,
    read_month,
    results_from,
)
from kefu.scoring.registry import ScorecardSet, load_version
from kefu.scoring.result_model import AgentResult
from kefu.scoring.schema import Direction, IndicatorRule
from kefu.scoring.scorecard import Scorecard, default_scorecard
from kefu.scoring.storing import latest_run, scorecards_for
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
    grade changes: the indicators whose points moved most, largest move first;
    ``new_vetoes`` and ``lifted_vetoes`` the vetoes, as ``(event, cap grade)``, that
    only the draft or only the current scorecard applies.
    """

    agent_id: str
    name: str | None
    team: str | None
    period: str
    current: Outcome | None
    draft: Outcome | None
    reasons: tuple[Reason, ...] = ()
    new_vetoes: tuple[tuple[str, str], ...] = ()
    lifted_vetoes: tuple[tuple[str, str], ...] = ()

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
            "new_vetoes": [{"event": e, "cap_grade": c} for e, c in self.new_vetoes],
            "lifted_vetoes": [{"event": e, "cap_grade": c} for e, c in self.lifted_vetoes],
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
    compute: ComputeFn | None = None,
) -> Simulation:
    """Score ``draft`` over each month of ``periods`` beside the current scorecards.

    ``current`` is the scorecards of the month's newest run (else the active
    ones); ``baseline``, when given, takes the place of its namesake there as the
    draft does. The draft replaces the scorecard of the same name, or the default
    when it has no ``applies_to``, exactly as activating it would. ``compute``
    replaces the indicator engine (tests). Stores nothing.
    """
    months = _months(periods)
    rows: list[SimulationRow] = []
    summary: dict[str, PeriodSummary] = {}
    for period in months:
        month = _Month.read(ws, period, draft, baseline, compute)
        current = {r.agent_id: r for r in month.current_results()}
        drafted = {r.agent_id: r for r in month.draft_results()}
        found = [
            _row(period.label, current.get(a), drafted.get(a)) for a in _agents(current, drafted)
        ]
        rows += found
        summary[period.label] = _summary(period.label, found, month.baseline_label)
    return Simulation(
        draft_name=draft.name,
        draft_version=draft.version,
        periods=tuple(p.label for p in months),
        rows=tuple(rows),
        summary=summary,
    )


def simulated_results(
    ws: Workspace,
    draft: Scorecard,
    period: Period | str,
    *,
    compute: ComputeFn | None = None,
) -> list[AgentResult]:
    """The full results ``draft`` would give the month (as a run would store them)."""
    (month,) = _months([period])
    return _Month.read(ws, month, draft, None, compute).draft_results()


def sensitivity(
    ws: Workspace,
    draft: Scorecard,
    periods: Sequence[Period | str],
    *,
    compute: ComputeFn | None = None,
) -> Sensitivity:
    """Per indicator of ``draft``: grade changes with its weight -5 and +5 points (the
    other weights rescaled to keep the total); per target: the share of agents who met
    it in each month. Stores nothing."""
    months = _months(periods)
    moved: dict[str, dict[str, tuple[int, int]]] = {i: {} for i in draft.indicator_ids}
    shares: dict[str, dict[str, float | None]] = {i: {} for i in draft.indicator_ids}
    for period in months:
        month = _Month.read(ws, period, draft, None, compute, current=False)
        drafted = month.draft_results()
        base = {r.agent_id: r.grade for r in drafted}
        for rule_id in draft.indicator_ids:
            counts = []
            for step in (-WEIGHT_STEP, WEIGHT_STEP):
                varied = month.results_with(reweighted(draft, rule_id, step))
                counts.append(sum(1 for r in varied if base.get(r.agent_id) != r.grade))
            moved[rule_id][period.label] = (counts[0], counts[1])
        for _, rule in draft.rules:
            shares[rule.id][period.label] = _share_met(rule, drafted)
    weights = {r.id: r.weight for _, r in draft.rules}
    return Sensitivity(
        step=WEIGHT_STEP,
        periods=tuple(p.label for p in months),
        indicators=tuple(
            IndicatorSensitivity(
                indicator_id=i,
                weight=weights[i],
                minus=sum(m for m, _ in moved[i].values()),
                plus=sum(q for _, q in moved[i].values()),
                by_period=moved[i],
            )
            for i in draft.indicator_ids
        ),
        targets=tuple(
            TargetAttainment(
                indicator_id=rule.id,
                direction=str(rule.direction),
                target=rule.target,
                band=None if rule.band is None else (rule.band[0], rule.band[1]),
                shares=shares[rule.id],
            )
            for _, rule in draft.rules
            if rule.direction is not None and not rule.steps
        ),
    )


# -- the month's inputs and the scorecard sets ------------------------------------------
def _months(periods: Sequence[Period | str]) -> list[Period]:
    months = [p if isinstance(p, Period) else Period.parse(p) for p in periods]
    if not months:
        raise UsageError("name at least one month to simulate (--period 2026-10)")
    for p in months:
        if p.grain is not Grain.MONTH:
            raise UsageError(f"simulate months (2026-10), not {p.label}")
    return list(dict.fromkeys(months))


def with_card(cards: ScorecardSet, card: Scorecard) -> ScorecardSet:
    """``cards`` with ``card`` in place of the one it would replace when activated:
    the scorecard of the same name, and for a default scorecard the current default."""
    specific = [c for c in cards.specific if c.name != card.name]
    if card.is_default:
        return ScorecardSet(card, tuple(specific))
    default = cards.default if cards.default.name != card.name else default_scorecard()
    return ScorecardSet(default, (*specific, card))


def _same(a: ScorecardSet, b: ScorecardSet) -> bool:
    return [c.content_hash for c in a.all] == [c.content_hash for c in b.all]


def _run_cards(ws: Workspace, period: Period) -> tuple[ScorecardSet, datetime | None, str]:
    """The scorecards of the month's newest run, the instant it judged tickets at, and
    which they are ("run N", or "active" when the month has no run)."""
    active = scorecards_for(ws, None)
    run = latest_run(ws, period)
    if run is None:
        return active, None, "active"
    used = [load_version(ws, entry["content_hash"]) for entry in run.scorecards or []]
    defaults = [c for c in used if c.is_default]
    default = defaults[0] if defaults else active.default
    cards = ScorecardSet(default, tuple(c for c in used if not c.is_default))
    return cards, run.as_of, f"run {run.id}"


def _naive_utc(moment: datetime | None) -> datetime:
    """The instant as the indicator engine takes it (naive UTC); now without one."""
    if moment is None:
        return datetime.now(UTC).replace(tzinfo=None)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@dataclass
class _Month:
    """One month read once per distinct set of scorecards, with both sets' results."""

    period: Period
    current_cards: ScorecardSet
    draft_cards: ScorecardSet
    current_inputs: MonthInputs | None
    draft_inputs: MonthInputs
    baseline_label: str

    @classmethod
    def read(
        cls,
        ws: Workspace,
        period: Period,
        draft: Scorecard,
        baseline: Scorecard | None,
        compute: ComputeFn | None,
        *,
        current: bool = True,
    ) -> _Month:
        cards, as_of, label = _run_cards(ws, period)
        if baseline is not None:
            cards, label = with_card(cards, baseline), "baseline"
        drafted = with_card(cards, draft)
        for c in drafted.all:
            scorecards_for(ws, c)  # the time-zone check of a real run
        engine = compute or default_compute()
        moment = _naive_utc(as_of)
        con = ws.duckdb()
        with gc_paused():
            draft_inputs = read_month(ws, period, drafted, compute=engine, as_of=moment, con=con)
            current_inputs = None
            if current and not _same(cards, drafted):
                current_inputs = read_month(
                    ws, period, cards, compute=engine, as_of=moment, con=con
                )
        return cls(period, cards, drafted, current_inputs, draft_inputs, label)

    def draft_results(self) -> list[AgentResult]:
        return results_from(self.period, self.draft_cards, self.draft_inputs)

    def current_results(self) -> list[AgentResult]:
        if self.current_inputs is None:
            return self.draft_results()
        return results_from(self.period, self.current_cards, self.current_inputs)

    def results_with(self, draft: Scorecard) -> list[AgentResult]:
        """The results with ``draft`` (a variant of the draft that reads the same
        figures and events) in the draft's place."""
        return results_from(self.period, with_card(self.current_cards, draft), self.draft_inputs)


# -- rows and summaries ------------------------------------------------------------------
def _agents(*results: Mapping[str, AgentResult]) -> list[str]:
    """Every agent of either result set, best current rank first, then the new ones."""
    seen: dict[str, None] = {}
    for found in results:
        ordered = sorted(found.values(), key=lambda r: (r.rank_centre or 10**9, r.agent_id))
        seen.update(dict.fromkeys(r.agent_id for r in ordered))
    return list(seen)


def _outcome(result: AgentResult | None) -> Outcome | None:
    if result is None:
        return None
    return Outcome(result.total, result.grade, result.pay_coefficient, result.rank_centre)


def _row(period: str, current: AgentResult | None, draft: AgentResult | None) -> SimulationRow:
    either = draft or current
    assert either is not None
    row = SimulationRow(
        agent_id=either.agent_id,
        name=either.name,
        team=either.team,
        period=period,
        current=_outcome(current),
        draft=_outcome(draft),
    )
    if not row.grade_changed:
        return row
    before, after = _vetoes(current), _vetoes(draft)
    return replace(
        row,
        reasons=reasons(current, draft),
        new_vetoes=tuple(v for v in after if v not in before),
        lifted_vetoes=tuple(v for v in before if v not in after),
    )


def _vetoes(result: AgentResult | None) -> list[tuple[str, str]]:
    if result is None:
        return []
    return list(dict.fromkeys((str(v["event"]), str(v["cap_grade"])) for v in result.vetoes))


def reasons(
    current: AgentResult | None, draft: AgentResult | None, kept: int = REASONS_KEPT
) -> tuple[Reason, ...]:
    """The indicators whose points moved most between two results, largest first.

    Bonus and penalty points count as the indicators ``bonus`` and ``penalty``
    (a bonus cap or a new penalty moves totals too); ties go by indicator id.
    """
    before, after = _points(current), _points(draft)
    moved = [
        Reason(i, before.get(i), after.get(i))
        for i in dict.fromkeys([*before, *after])
        if (before.get(i) or 0.0) != (after.get(i) or 0.0)
    ]
    moved.sort(key=lambda r: (-abs(r.delta), r.indicator_id))
    return tuple(moved[:kept])


def _points(result: AgentResult | None) -> dict[str, float | None]:
    if result is None:
        return {}
    out: dict[str, float | None] = {i.indicator: i.points for i in result.indicators}
    if result.bonus:
        out["bonus"] = result.bonus
    if result.penalty:
        out["penalty"] = -result.penalty
    return out


def _summary(period: str, rows: Sequence[SimulationRow], baseline: str) -> PeriodSummary:
    def pay(outcome: Outcome | None) -> float:
        return (
            0.0 if outcome is None or outcome.pay_coefficient is None else outcome.pay_coefficient
        )

    return PeriodSummary(
        period=period,
        agents=len(rows),
        grades_current=dict(sorted(Counter(r.current.grade for r in rows if r.current).items())),
        grades_draft=dict(sorted(Counter(r.draft.grade for r in rows if r.draft).items())),
        # Summed in agent order, so the same rows always give the same float.
        pay_sum_current=round(sum(pay(r.current) for r in rows), 6),
        pay_sum_draft=round(sum(pay(r.draft) for r in rows), 6),
        grade_changes=sum(1 for r in rows if r.grade_changed),
        baseline=baseline,
    )


# -- sensitivity -------------------------------------------------------------------------
def reweighted(card: Scorecard, indicator_id: str, step: float) -> Scorecard:
    """``card`` with ``indicator_id``'s weight moved by ``step`` points (never below 0)
    and every other indicator's weight rescaled so the total weight is unchanged."""
    total = sum(r.weight for _, r in card.rules)
    (old,) = [r.weight for _, r in card.rules if r.id == indicator_id]
    new = min(max(old + step, 0.0), total)
    rest = total - old
    scale = (total - new) / rest if rest else 0.0
    raw = card.model_dump(mode="python")
    for dim in raw["dimensions"]:
        for rule in dim["indicators"]:
            rule["weight"] = new if rule["id"] == indicator_id else rule["weight"] * scale
        if dim.get("weight") is not None:
            dim["weight"] = sum(r["weight"] for r in dim["indicators"])
    # Built directly (not re-validated): a rescaled weight such as 33.333… is meant.
    return Scorecard.model_validate(raw)


def _share_met(rule: IndicatorRule, results: Sequence[AgentResult]) -> float | None:
    """The share of the agents with a value for ``rule`` whose value met its target."""
    values = [
        row.value
        for r in results
        if (row := r.indicator(rule.id)) is not None and row.value is not None
    ]
    if not values:
        return None
    return sum(1 for v in values if _met(rule, v)) / len(values)


def _met(rule: IndicatorRule, value: float) -> bool:
    if rule.direction is Direction.BAND:
        assert rule.band is not None
        return rule.band[0] <= value <= rule.band[1]
    if rule.target is None:
        return False
    if rule.direction is Direction.LOWER_BETTER:
        return value <= rule.target
    return value >= rule.target
