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
from dataclasses import dataclass, field
from enum import StrEnum
from operator import attrgetter
from typing import Any

import numpy as np

from kefu.metrics.figures import Figure, Level, Status
from kefu.scoring import catalogue
from kefu.scoring.fairness import shrink, wilson_intervals
from kefu.scoring.result_model import (
    BonusItem,
    DimensionRow,
    IndicatorRow,
    PenaltyItem,
    Veto,
    dimension_rows,
    indicator_rows,
)
from kefu.scoring.sanctions import Events, sanctions
from kefu.scoring.sanctions import figure_text as _g
from kefu.scoring.scorecard import IndicatorRule, SamplePolicy, Scorecard
from kefu.scoring.shares import BoolArray, FloatArray, max_of, min_of, rule_shares


class ScoreStatus(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"
    INSUFFICIENT_SAMPLE = "insufficient_sample"


@dataclass(frozen=True, slots=True)
class AgentScore:
    """One agent's score under one scorecard, before grading (see ``month.build_results``)."""

    indicators: tuple[IndicatorRow, ...]
    dimensions: tuple[DimensionRow, ...]
    bonus: float
    bonus_items: list[BonusItem]
    penalty: float
    penalty_items: list[PenaltyItem]
    vetoes: list[Veto]
    total: float
    reasons: list[str] = field(default_factory=list)

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
    """Status, scored value and share of every agent on one indicator rule."""
    values, nums, dens, samples, provisional = _columns(figures, rule.id)
    present = np.array([v is not None for v in values], dtype=bool)
    ok = present & ~(np.array(samples, dtype=np.int64) < rule.min_sample)
    status = _STATUS[present.astype(np.int8) + ok].tolist()
    if _shrinkable(card, rule.id) or card.insufficient_sample is SamplePolicy.TEAM_VALUE:
        team_values = [(t.get(rule.id) or _NO_FIGURE).value for t in team_figures]
    else:  # nothing reads the team's value
        team_values = [None] * len(figures)
    # The value each agent is scored at, as the scalar rules kept it: the figure's own
    # value object, the shrunk float, or (below) the team's value.
    scored_values = [v if o else None for v, o in zip(values, ok.tolist(), strict=True)]
    a = _Assessed(
        rule, values, nums, dens, samples, provisional, status, ok.copy(),
        np.zeros(len(values)), scored_values, {},
    )  # fmt: skip
    scored_value = np.where(ok, _floats(values), np.nan)
    if _shrinkable(card, rule.id):
        scored_value = _shrink(card, a, ok, team_values, scored_value)
    share, no_step = rule_shares(rule, scored_value)
    a.share = share
    for i in np.flatnonzero(ok & no_step).tolist():
        _note(a.notes, i, f"value {_g(scored_values[i])} matches no step: no points", "no_step")
    if not ok.all():
        _unscorable(card, a, present, team_values)
    return a


def _shrink(
    card: Scorecard,
    a: _Assessed,
    ok: BoolArray,
    team_values: Sequence[float | None],
    scored_value: FloatArray,
) -> FloatArray:
    """Small samples shrunk toward the team's value: the values scored, with notes."""
    has_team = np.array([v is not None for v in team_values], dtype=bool)
    if not has_team.any():
        return scored_value
    assert card.shrinkage is not None
    k = card.shrinkage.prior_strength
    can = ok & has_team
    can &= np.array([n is not None for n in a.numerators], dtype=bool)
    can &= np.array([bool(d) for d in a.denominators], dtype=bool)
    with np.errstate(all="ignore"):
        shrunk = shrink(_floats(a.numerators), _floats(a.denominators), _floats(team_values), k)
    shrunk_values = shrunk.tolist()
    for i in np.flatnonzero(can).tolist():
        a.scored_values[i] = shrunk_values[i]
        _note(
            a.notes,
            i,
            f"small-sample shrinkage toward the team value {_g(team_values[i])} "
            f"(strength {_g(k)}): {_g(a.values[i])} scored as {_g(shrunk_values[i])}",
            "shrunk",
        )
    return np.where(can, shrunk, scored_value)


def _unscorable(
    card: Scorecard, a: _Assessed, present: BoolArray, team_values: Sequence[float | None]
) -> None:
    """The agents without a value or sample to score, as the scorecard's policy has it."""
    rule, policy = a.rule, card.insufficient_sample
    has_team = [v is not None for v in team_values]
    team_share = None
    if policy is SamplePolicy.TEAM_VALUE:
        team_share, _ = rule_shares(rule, _floats(team_values))
    for i in np.flatnonzero(~a.scored).tolist():
        why = (
            "no data"
            if not present[i]
            else f"sample {a.samples[i]} below the minimum {rule.min_sample}"
        )
        if policy is SamplePolicy.ZERO:
            a.share[i], a.scored[i] = 0.0, True
            a.notes[i] = [f"{why}: scored as zero", "zero"]
        elif policy is SamplePolicy.TEAM_VALUE and has_team[i]:
            assert team_share is not None
            a.share[i], a.scored[i] = team_share[i], True
            a.scored_values[i] = team_values[i]
            a.notes[i] = [f"{why}: the team value {_g(team_values[i])} is used", "team_value"]
        else:
            fallback = " (no team value either)" if policy is SamplePolicy.TEAM_VALUE else ""
            a.notes[i] = [
                f"{why}{fallback}: its {_g(rule.weight)} points are shared among the "
                "other scored indicators",
                "redistributed",
            ]


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


def _sanctioned(
    card: Scorecard, agent_events: Sequence[Events], n: int
) -> tuple[FloatArray, dict[int, tuple[list[PenaltyItem], float, list[Veto]]]]:
    """Each agent's penalty points, and the sanctions of the agents with any events."""
    penalty = np.zeros(n)
    sanctioned: dict[int, tuple[list[PenaltyItem], float, list[Veto]]] = {}
    if card.penalties or card.veto:
        for i, ev in enumerate(agent_events):
            if ev:
                sanctioned[i] = found = sanctions(card, ev)
                penalty[i] = found[1]
    return penalty, sanctioned


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
    assessed = [_assess(card, r, figures, teams) for _, r in card.rules]
    weighted = _Weighted.of(card, assessed, n)
    indicator_columns = [
        _indicator_rows(dim.id, a, weighted, j, n)
        for j, ((dim, _), a) in enumerate(zip(card.rules, assessed, strict=True))
    ]
    dimension_columns = _dimension_rows(card, weighted, n)
    bonus, bonus_columns = _bonus(card, figures, n)
    penalty, sanctioned = _sanctioned(card, agent_events, n)

    raw_total = _sequential_sum(weighted.points, n) + bonus - penalty
    upper = 100.0 + card.bonus_cap
    total = min_of(upper, max_of(0.0, raw_total))
    clamped = (total != raw_total).tolist()
    nothing_scored = (weighted.weight_scored == 0).tolist()
    raw_list, total_list, bonus_list = raw_total.tolist(), total.tolist(), bonus.tolist()
    out = []
    for i, indicators in enumerate(zip(*indicator_columns, strict=True)):
        reasons = []
        if nothing_scored[i]:
            reasons.append("no indicator could be scored: no points from indicators")
        if clamped[i]:
            reasons.append(f"total {_g(raw_list[i])} clamped to [0, {_g(upper)}]")
        penalty_items, penalty_i, vetoes = sanctioned.get(i, ([], 0.0, []))
        out.append(
            AgentScore(
                indicators=indicators,
                dimensions=tuple([c[i] for c in dimension_columns]),
                bonus=bonus_list[i],
                bonus_items=[c[i] for c in bonus_columns],
                penalty=penalty_i,
                penalty_items=penalty_items,
                vetoes=vetoes,
                total=total_list[i],
                reasons=reasons,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class _Weighted:
    """Effective weights and points of every rule after redistribution (one array each)."""

    weight_scored: FloatArray
    factor: FloatArray
    effective: list[FloatArray]
    points: list[FloatArray]

    @classmethod
    def of(cls, card: Scorecard, assessed: Sequence[_Assessed], n: int) -> _Weighted:
        # The weights of what could not be scored go to what was, in proportion.
        weight_all = sum(r.weight for _, r in card.rules)
        weight_scored = _sequential_sum(
            [np.where(a.scored, a.rule.weight, 0.0) for a in assessed], n
        )
        with np.errstate(divide="ignore"):
            factor = np.where(weight_scored > 0, weight_all / weight_scored, 0.0)
        effective = [np.where(a.scored, a.rule.weight * factor, 0.0) for a in assessed]
        points = [
            np.where(a.scored, a.share, 0.0) * eff
            for a, eff in zip(assessed, effective, strict=True)
        ]
        return cls(weight_scored, factor, effective, points)


def _indicator_rows(
    dimension: str, a: _Assessed, weighted: _Weighted, j: int, n: int
) -> list[IndicatorRow]:
    """Rule ``j``'s row of every agent."""
    rule, eff, points = a.rule, weighted.effective[j], weighted.points[j]
    raised = a.scored & (weighted.factor != 1.0) & (eff > 0)
    for i in np.flatnonzero(raised).tolist():
        extra = f"weight raised from {_g(rule.weight)} to {_g(float(eff[i]))} by redistribution"
        _note(a.notes, i, extra, "weight_raised")
    scored = a.scored.tolist()
    shares = [s if ok else None for s, ok in zip(a.share.tolist(), scored, strict=True)]
    reasons: list[str | None] = [None] * n
    codes: list[str | None] = [None] * n
    for i, (reason, code) in a.notes.items():
        reasons[i], codes[i] = reason, code
    # Built by zip, in C, in the rows' field order: a dict per agent and indicator would be
    # 160,000 dicts at 10,000 agents.
    return list(
        map(
            indicator_rows,
            zip(
                a.denominators, [dimension] * n, eff.tolist(), [rule.id] * n, a.numerators,
                points.tolist(), a.provisional, reasons, codes, a.samples, a.scored_values,
                shares, a.status, a.values, [rule.weight] * n,
                _wilson(rule, a.numerators, a.denominators),
                strict=True,
            ),
        )
    )  # fmt: skip


def _dimension_rows(card: Scorecard, weighted: _Weighted, n: int) -> list[list[DimensionRow]]:
    """Every dimension's row of every agent: the sums of its rules."""
    out = []
    for d in card.dimensions:
        mine = [j for j, (dim, _) in enumerate(card.rules) if dim.id == d.id]
        name, weight = d.name.model_dump(), d.total_weight
        pts: list[float] | list[int]
        eff: list[float] | list[int]
        if mine:
            pts = _sequential_sum([weighted.points[j] for j in mine], n).tolist()
            eff = _sequential_sum([weighted.effective[j] for j in mine], n).tolist()
        else:
            pts = eff = [0] * n  # sum() of nothing, as for one agent
        out.append(
            list(
                map(
                    dimension_rows, zip(eff, [d.id] * n, [name] * n, pts, [weight] * n, strict=True)
                )
            )
        )
    return out


def _bonus(
    card: Scorecard, figures: Sequence[Mapping[str, Figure]], n: int
) -> tuple[FloatArray, list[list[BonusItem]]]:
    """Every agent's bonus points, and its items per bonus rule."""
    bonus = np.zeros(n)
    columns = []
    for b in card.bonus:
        counts = [0.0 if v is None else v for v in _columns(figures, b.indicator)[0]]
        raw = _floats(counts) * b.points_each
        pts_array = min_of(raw, b.cap)
        bonus = bonus + pts_array
        column = [
            BonusItem(indicator=b.indicator, count=c, points=p)
            for c, p in zip(counts, pts_array.tolist(), strict=True)
        ]
        for i in np.flatnonzero(raw > b.cap).tolist():
            column[i]["reason"] = f"{_g(float(raw[i]))} bonus points capped at {_g(b.cap)}"
        columns.append(column)
    return bonus, columns


def score_agent(
    card: Scorecard,
    figures: Mapping[str, Figure],
    *,
    team_figures: Mapping[str, Figure] | None = None,
    events: Events | None = None,
) -> AgentScore:
    """Points, bonus, penalties, vetoes and the total of one agent under ``card``."""
    return score_agents(card, [figures], team_figures=[team_figures], events=[events])[0]
