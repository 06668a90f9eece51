"""Scoring rules: from agents' figures and events to points and totals.

The rules run over every agent of one scorecard at once, one numpy array per
indicator (status, scored value, share, effective weight, points), so a
10,000-agent centre costs a few array operations per indicator. Reasons are
written only where something unusual happened (sparse), and penalties and
vetoes come from the events of the agents that have any::

    scores = score_agents(card, [figures_a1, figures_a2], events=[{}, {"complaint": [...]}])
    s = score_agent(card, {"fcr_rate": fig, ...})  # the single-agent case
    s.total, [i.points for i in s.indicators]

The floats are those of the scalar formulas to the last bit: every operation
is done in the same order, sums run indicator by indicator, and the clamps keep
Python's ``min``/``max`` semantics (the first argument wins unless the second
is strictly better). The rules are those of the spec (scorecard.md, "How
points are computed").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from kefu.metrics.figures import Figure, Level, Status
from kefu.scoring import catalogue
from kefu.scoring.fairness import shrink, wilson_intervals
from kefu.scoring.scorecard import (
    Direction,
    IndicatorRule,
    SamplePolicy,
    Scorecard,
    Step,
    Where,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Events = Mapping[str, Sequence[Mapping[str, Any]]]


class ScoreStatus(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"
    INSUFFICIENT_SAMPLE = "insufficient_sample"


def _g(x: float | None) -> str:
    return "—" if x is None else f"{x:.6g}"


def _max(a: Any, b: Any) -> Any:
    """Python's ``max(a, b)`` element by element: ``a`` unless ``b > a`` (false with NaN)."""
    return np.where(b > a, b, a)


def _min(a: Any, b: Any) -> Any:
    """Python's ``min(a, b)`` element by element: ``a`` unless ``b < a``."""
    return np.where(b < a, b, a)


def _array(value: float) -> FloatArray:
    return np.array([value], dtype=np.float64)


# -- one indicator's share of its weight ------------------------------------
def linear_shares(target: float, threshold: float, values: FloatArray) -> FloatArray:
    """``(v − threshold) / (target − threshold)`` clamped to [0, 1] (either direction).

    The same formula serves lower_better: there target < threshold, so the
    quotient equals ``(threshold − v) / (threshold − target)``.
    """
    with np.errstate(all="ignore"):  # NaN and ±inf clamp as in Python
        share = (values - threshold) / (target - threshold)
    return _min(1.0, _max(0.0, share))


def band_shares(low: float, high: float, tolerance: float, values: FloatArray) -> FloatArray:
    """1 inside ``[low, high]``; falls linearly to 0 at ``low − tol`` and ``high + tol``."""
    inside = (low <= values) & (values <= high)
    if tolerance <= 0:
        return np.where(inside, 1.0, 0.0)
    with np.errstate(all="ignore"):  # NaN and ±inf clamp as in Python
        distance = np.where(values < low, low - values, values - high)
        outside = 1.0 - distance / tolerance
    return np.where(inside, 1.0, _max(0.0, outside))


def step_shares(steps: Sequence[Step], values: FloatArray) -> tuple[FloatArray, npt.NDArray[Any]]:
    """The share of the first step whose range holds each value, and its index (−1: none).

    A step matches when ``v ≤ max`` (if it has a max) and ``v ≥ min`` (if it
    has a min); a step with neither matches everything. No match: share 0.
    """
    shares = np.zeros(len(values))
    index = np.full(len(values), -1)
    open_ = np.ones(len(values), dtype=bool)
    for i, step in enumerate(steps):
        hit = open_.copy()
        if step.max is not None:
            hit &= values <= step.max
        if step.min is not None:
            hit &= values >= step.min
        shares[hit] = step.share
        index[hit] = i
        open_ &= ~hit
    return shares, index


def rule_shares(rule: IndicatorRule, values: FloatArray) -> tuple[FloatArray, BoolArray]:
    """The share of ``rule``'s weight earned by each value, and where no step matched."""
    if rule.steps:
        shares, index = step_shares(rule.steps, values)
        return shares, index < 0
    none = np.zeros(len(values), dtype=bool)
    if rule.band is not None:
        return band_shares(rule.band[0], rule.band[1], rule.tolerance, values), none
    assert rule.direction is not None and rule.target is not None and rule.threshold is not None
    return linear_shares(rule.target, rule.threshold, values), none


# The scalar forms (the single-value case of the array rules above).
def linear_share(direction: Direction, target: float, threshold: float, value: float) -> float:
    return float(linear_shares(target, threshold, _array(value))[0])


def band_share(low: float, high: float, tolerance: float, value: float) -> float:
    return float(band_shares(low, high, tolerance, _array(value))[0])


def step_share(steps: Sequence[Step], value: float) -> tuple[float, int | None]:
    shares, index = step_shares(steps, _array(value))
    return float(shares[0]), (int(index[0]) if index[0] >= 0 else None)


# -- events -----------------------------------------------------------------
def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected) == bool(actual) if actual is not None else False
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return actual is not None and str(expected) == str(actual)


def matches(where: Where, record: Mapping[str, Any]) -> bool:
    """Whether an event record passes a ``where`` filter (a list means any of)."""
    for column, expected in where.items():
        actual = record.get(column)
        if actual is None:  # matches nothing (see _same)
            return False
        if type(expected) is str and type(actual) is str:  # the usual case, as _same has it
            if expected != actual:
                return False
            continue
        options = expected if isinstance(expected, list) else [expected]
        for option in options:
            if _same(option, actual):
                break
        else:
            return False
    return True


def sanctions(
    card: Scorecard, events: Events
) -> tuple[list[dict[str, Any]], float, list[dict[str, Any]]]:
    """One agent's penalty items, penalty points and vetoes from its events."""
    penalty_items = []
    for pen in card.penalties:
        hits = [e for e in events.get(pen.event, ()) if matches(pen.where, e)]
        raw = len(hits) * pen.points_each
        pts = min(raw, pen.cap) if pen.cap is not None else raw
        if hits:
            item = {"event": str(pen.event), "where": pen.where, "count": len(hits), "points": pts}
            if pts < raw:
                item["reason"] = f"{_g(raw)} penalty points capped at {_g(pen.cap)}"
            penalty_items.append(item)
    penalty = sum((i["points"] for i in penalty_items), 0.0)

    vetoes = []
    for v in card.veto:
        hits = [e for e in events.get(v.event, ()) if matches(v.where, e)]
        if hits:
            what = ", ".join(f"{k}={val}" for k, val in v.where.items())
            vetoes.append(
                {
                    "event": str(v.event),
                    "where": v.where,
                    "count": len(hits),
                    "cap_grade": v.cap_grade,
                    "reason": f"{len(hits)} {v.event} event(s){f' ({what})' if what else ''}: "
                    f"grade capped at {v.cap_grade}",
                }
            )
    return penalty_items, penalty, vetoes


# -- results ------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorScore:
    indicator: str
    dimension: str
    value: float | None
    numerator: float | None
    denominator: float | None
    sample: int
    status: ScoreStatus
    share: float | None
    points: float
    weight: float
    effective_weight: float
    reason: str | None = None
    reason_code: str | None = None
    scored_value: float | None = None
    wilson: tuple[float, float] | None = None
    provisional: bool = False

    def as_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies and is 20× slower at 10 k agents.
        d = {f: getattr(self, f) for f in _SCORE_FIELDS}
        d["status"] = str(self.status)
        d["wilson"] = list(self.wilson) if self.wilson else None
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> IndicatorScore:
        wilson = d["wilson"]
        return cls(
            **{
                **d,
                "status": ScoreStatus(d["status"]),
                "wilson": (wilson[0], wilson[1]) if wilson else None,
            }
        )


_SCORE_FIELDS = tuple(f.name for f in fields(IndicatorScore))
# The fields of the stored tables' rows, in the order score_agents builds them: sorted,
# as models.pack_result packs dicts.
INDICATOR_FIELDS = (
    "denominator", "dimension", "effective_weight", "indicator", "numerator", "points",
    "provisional", "reason", "reason_code", "sample", "scored_value", "share", "status",
    "value", "weight", "wilson",
)  # fmt: skip
DIMENSION_FIELDS = ("effective_weight", "id", "name", "points", "weight")


@dataclass(frozen=True)
class AgentScore:
    """One agent's score; its indicators and dimensions as rows of the stored tables."""

    indicator_table: Sequence[tuple[Any, ...]]
    dimension_table: Sequence[tuple[Any, ...]]
    bonus: float
    bonus_items: list[dict[str, Any]]
    penalty: float
    penalty_items: list[dict[str, Any]]
    vetoes: list[dict[str, Any]]
    total: float
    reasons: list[str] = field(default_factory=list)

    @cached_property
    def indicator_rows(self) -> list[dict[str, Any]]:
        """The indicators as the dicts the results are read as."""
        return [dict(zip(INDICATOR_FIELDS, r, strict=True)) for r in self.indicator_table]

    @cached_property
    def dimensions(self) -> list[dict[str, Any]]:
        return [dict(zip(DIMENSION_FIELDS, r, strict=True)) for r in self.dimension_table]

    @cached_property
    def indicators(self) -> list[IndicatorScore]:
        return [IndicatorScore.from_dict(d) for d in self.indicator_rows]

    @property
    def cap_grades(self) -> list[str]:
        return [v["cap_grade"] for v in self.vetoes]


def _shrinkable(card: Scorecard, indicator: str) -> bool:
    shr = card.shrinkage
    if shr is None or not shr.enabled:
        return False
    if shr.indicators is not None:
        return indicator in shr.indicators
    return catalogue.is_rate(indicator)


# What an agent without a figure shows: every field of a figure, empty.
_NO_FIGURE = Figure("", Level.AGENT, "", "", None, None, None, 0, Status.NO_DATA)
_FIELDS = attrgetter("value", "numerator", "denominator", "sample", "provisional")
# Indexed by present + ok (0, 1 or 2).
_STATUS = np.array(
    [str(ScoreStatus.NO_DATA), str(ScoreStatus.INSUFFICIENT_SAMPLE), str(ScoreStatus.OK)],
    dtype=object,
)


def _columns(figures: Sequence[Mapping[str, Figure]], indicator: str) -> list[tuple[Any, ...]]:
    """Values, numerators, denominators, samples and provisional flags of every agent."""
    if not figures:
        return [()] * 5
    return list(zip(*map(_FIELDS, [f.get(indicator) or _NO_FIGURE for f in figures]), strict=True))


def _floats(values: Sequence[Any]) -> FloatArray:
    # None becomes NaN; callers keep their own masks of what was None.
    return np.array(values, dtype=np.float64)


def _note(notes: dict[int, list[str | None]], i: int, reason: str, code: str) -> None:
    """Append ``reason`` to agent ``i``'s reason; the first code stays."""
    old = notes.get(i)
    if old is None:
        notes[i] = [reason, code]
    else:
        old[0] = f"{old[0]}; {reason}" if old[0] else reason
        old[1] = old[1] or code


@dataclass
class _Assessed:
    """One indicator rule over every agent: what is scored, at what value and share."""

    rule: IndicatorRule
    values: Sequence[float | None]
    numerators: Sequence[float | None]
    denominators: Sequence[float | None]
    samples: Sequence[int]
    provisional: Sequence[bool]
    status: list[str]
    scored: BoolArray
    share: FloatArray
    # The value each agent is scored at (None: not scored at a value), as given.
    scored_values: list[Any]
    notes: dict[int, list[str | None]]


def _assess(
    card: Scorecard,
    rule: IndicatorRule,
    figures: Sequence[Mapping[str, Figure]],
    team_figures: Sequence[Mapping[str, Figure]],
) -> _Assessed:
    values, nums, dens, samples, provisional = _columns(figures, rule.id)
    present = np.array([v is not None for v in values], dtype=bool)
    ok = present & ~(np.array(samples, dtype=np.int64) < rule.min_sample)
    status = _STATUS[present.astype(np.int8) + ok].tolist()
    notes: dict[int, list[str | None]] = {}
    value = _floats(values)

    if _shrinkable(card, rule.id) or card.insufficient_sample is SamplePolicy.TEAM_VALUE:
        team_values = [(t.get(rule.id) or _NO_FIGURE).value for t in team_figures]
    else:  # nothing reads the team's value
        team_values = [None] * len(figures)
    has_team = np.array([v is not None for v in team_values], dtype=bool)
    team_value = _floats(team_values)

    scored_value = np.where(ok, value, np.nan)
    # The value each agent is scored at, as the scalar rules kept it: the figure's own
    # value object, the shrunk float, or (below) the team's value.
    scored_values = [v if o else None for v, o in zip(values, ok.tolist(), strict=True)]
    if _shrinkable(card, rule.id) and has_team.any():
        assert card.shrinkage is not None
        k = card.shrinkage.prior_strength
        can = ok & has_team
        can &= np.array([n is not None for n in nums], dtype=bool)
        can &= np.array([bool(d) for d in dens], dtype=bool)
        with np.errstate(all="ignore"):
            shrunk = shrink(_floats(nums), _floats(dens), team_value, k)
        scored_value = np.where(can, shrunk, scored_value)
        shrunk_values = shrunk.tolist()
        for i in np.flatnonzero(can).tolist():
            scored_values[i] = shrunk_values[i]
            _note(
                notes,
                i,
                f"small-sample shrinkage toward the team value {_g(team_values[i])} "
                f"(strength {_g(k)}): {_g(values[i])} scored as {_g(shrunk_values[i])}",
                "shrunk",
            )
    share, no_step = rule_shares(rule, scored_value)
    for i in np.flatnonzero(ok & no_step).tolist():
        _note(notes, i, f"value {_g(scored_values[i])} matches no step: no points", "no_step")

    scored = ok.copy()
    policy = card.insufficient_sample
    if not ok.all():
        team_share = None
        if policy is SamplePolicy.TEAM_VALUE:
            team_share, _ = rule_shares(rule, team_value)
        for i in np.flatnonzero(~ok).tolist():
            why = (
                "no data"
                if not present[i]
                else f"sample {samples[i]} below the minimum {rule.min_sample}"
            )
            if policy is SamplePolicy.ZERO:
                share[i], scored[i] = 0.0, True
                notes[i] = [f"{why}: scored as zero", "zero"]
            elif policy is SamplePolicy.TEAM_VALUE and has_team[i]:
                assert team_share is not None
                share[i], scored[i] = team_share[i], True
                scored_values[i] = team_values[i]
                notes[i] = [f"{why}: the team value {_g(team_values[i])} is used", "team_value"]
            else:
                fallback = " (no team value either)" if policy is SamplePolicy.TEAM_VALUE else ""
                notes[i] = [
                    f"{why}{fallback}: its {_g(rule.weight)} points are shared among the "
                    "other scored indicators",
                    "redistributed",
                ]
    return _Assessed(
        rule,
        values,
        nums,
        dens,
        samples,
        provisional,
        status,
        scored,
        share,
        scored_values,
        notes,
    )


def _wilson(
    rule: IndicatorRule, nums: Sequence[float | None], dens: Sequence[float | None]
) -> list[list[float] | None]:
    """The Wilson interval of a rate, for every agent with a positive denominator."""
    if not catalogue.is_rate(rule.id):
        return [None] * len(dens)
    # As wilson_interval(numerator or 0.0, denominator) where the denominator is truthy:
    # not None, not 0, and not ≤ 0 (NaN passes, as there).
    trials = _floats(dens)
    wanted = np.array([d is not None for d in dens], dtype=bool) & (trials != 0) & ~(trials <= 0)
    if not wanted.any():
        return [None] * len(dens)
    successes = _floats(nums)
    missing = ~np.array([n is not None for n in nums], dtype=bool)
    successes = np.where(missing | (successes == 0), 0.0, successes)
    low, high = wilson_intervals(successes, np.where(wanted, trials, 1.0))
    return [
        [lo, hi] if w else None
        for lo, hi, w in zip(low.tolist(), high.tolist(), wanted.tolist(), strict=True)
    ]


def _sequential_sum(arrays: Sequence[FloatArray], n: int) -> FloatArray:
    """``sum(...)`` element by element, in order (numpy's pairwise sum rounds differently)."""
    total = np.zeros(n)
    for a in arrays:
        total = total + a
    return total


def score_agents(
    card: Scorecard,
    figures: Sequence[Mapping[str, Figure]],
    *,
    team_figures: Sequence[Mapping[str, Figure] | None] | None = None,
    events: Sequence[Events | None] | None = None,
) -> list[AgentScore]:
    """Points, bonus, penalties, vetoes and the total of every agent under ``card``.

    ``figures[i]`` are agent ``i``'s figures by indicator id; ``team_figures[i]``
    its team's (for shrinkage and the team_value policy), ``events[i]`` its
    event records by kind. Each agent is scored on its own: the result for one
    agent does not depend on the others.
    """
    n = len(figures)
    teams = [t or {} for t in team_figures] if team_figures is not None else [{}] * n
    agent_events = [e or {} for e in events] if events is not None else [{}] * n
    rules = card.rules
    assessed = [_assess(card, r, figures, teams) for _, r in rules]

    # Redistribution: the weights of what could not be scored go to what was, in proportion.
    weight_all = sum(r.weight for _, r in rules)
    weight_scored = _sequential_sum([np.where(a.scored, a.rule.weight, 0.0) for a in assessed], n)
    with np.errstate(divide="ignore"):
        factor = np.where(weight_scored > 0, weight_all / weight_scored, 0.0)

    columns: list[list[tuple[Any, ...]]] = []
    points_by_rule: list[FloatArray] = []
    effective_by_rule: list[FloatArray] = []
    for (dim, rule), a in zip(rules, assessed, strict=True):
        eff = np.where(a.scored, rule.weight * factor, 0.0)
        points = np.where(a.scored, a.share, 0.0) * eff
        points_by_rule.append(points)
        effective_by_rule.append(eff)
        raised = a.scored & (factor != 1.0) & (eff > 0)
        for i in np.flatnonzero(raised).tolist():
            extra = f"weight raised from {_g(rule.weight)} to {_g(float(eff[i]))} by redistribution"
            _note(a.notes, i, extra, "weight_raised")
        scored = a.scored.tolist()
        shares = [s if ok else None for s, ok in zip(a.share.tolist(), scored, strict=True)]
        reasons: list[str | None] = [None] * n
        codes: list[str | None] = [None] * n
        for i, (reason, code) in a.notes.items():
            reasons[i], codes[i] = reason, code
        wilson = _wilson(rule, a.numerators, a.denominators)
        # Built as the stored table's rows (INDICATOR_FIELDS order) by zip, in C: a dict per
        # agent and indicator would be 160,000 dicts at 10,000 agents, packed again to store.
        columns.append(
            list(
                zip(
                    a.denominators,
                    [dim.id] * n,
                    eff.tolist(),
                    [rule.id] * n,
                    a.numerators,
                    points.tolist(),
                    a.provisional,
                    reasons,
                    codes,
                    a.samples,
                    a.scored_values,
                    shares,
                    a.status,
                    a.values,
                    [rule.weight] * n,
                    wilson,
                    strict=True,
                )
            )
        )

    dimension_columns = []
    for d in card.dimensions:
        mine = [j for j, (dim, _) in enumerate(rules) if dim.id == d.id]
        name, weight = d.name.model_dump(), d.total_weight
        if mine:
            pts = _sequential_sum([points_by_rule[j] for j in mine], n).tolist()
            eff = _sequential_sum([effective_by_rule[j] for j in mine], n).tolist()
        else:
            pts = eff = [0] * n  # sum() of nothing, as for one agent
        # As the stored table's rows (DIMENSION_FIELDS order); the name is the card's.
        dimension_columns.append(
            list(zip(eff, [d.id] * n, [name] * n, pts, [weight] * n, strict=True))
        )

    bonus = np.zeros(n)
    bonus_columns = []
    for b in card.bonus:
        counts = [0.0 if v is None else v for v in _columns(figures, b.indicator)[0]]
        raw = _floats(counts) * b.points_each
        pts_array = _min(raw, b.cap)
        bonus = bonus + pts_array
        capped = (raw > b.cap).tolist()
        column = [
            {"indicator": b.indicator, "count": c, "points": p}
            for c, p in zip(counts, pts_array.tolist(), strict=True)
        ]
        for i in np.flatnonzero(capped).tolist():
            column[i]["reason"] = f"{_g(float(raw[i]))} bonus points capped at {_g(b.cap)}"
        bonus_columns.append(column)

    penalty = np.zeros(n)
    sanctioned: dict[int, tuple[list[dict[str, Any]], float, list[dict[str, Any]]]] = {}
    if card.penalties or card.veto:
        for i, ev in enumerate(agent_events):
            if ev:
                sanctioned[i] = found = sanctions(card, ev)
                penalty[i] = found[1]

    raw_total = _sequential_sum(points_by_rule, n) + bonus - penalty
    upper = 100.0 + card.bonus_cap
    total = _min(upper, _max(0.0, raw_total))
    clamped = (total != raw_total).tolist()
    nothing_scored = (weight_scored == 0).tolist()

    raw_list, total_list, bonus_list = raw_total.tolist(), total.tolist(), bonus.tolist()
    out = []
    for i, indicator_table in enumerate(zip(*columns, strict=True)):
        reasons_i = []
        if nothing_scored[i]:
            reasons_i.append("no indicator could be scored: no points from indicators")
        if clamped[i]:
            reasons_i.append(f"total {_g(raw_list[i])} clamped to [0, {_g(upper)}]")
        penalty_items, penalty_i, vetoes = sanctioned.get(i, ([], 0.0, []))
        out.append(
            AgentScore(
                indicator_table=indicator_table,
                dimension_table=[c[i] for c in dimension_columns],
                bonus=bonus_list[i],
                bonus_items=[c[i] for c in bonus_columns],
                penalty=penalty_i,
                penalty_items=penalty_items,
                vetoes=vetoes,
                total=total_list[i],
                reasons=reasons_i,
            )
        )
    return out


def score_agent(
    card: Scorecard,
    figures: Mapping[str, Figure],
    *,
    team_figures: Mapping[str, Figure] | None = None,
    events: Events | None = None,
) -> AgentScore:
    """Points, bonus, penalties, vetoes and the total of one agent under ``card``."""
    return score_agents(card, [figures], team_figures=[team_figures], events=[events])[0]
