"""Scoring rules: from an agent's figures and events to points and a total.

Pure functions over :class:`~kefu.metrics.figures.Figure` values and plain
event records, so every rule is testable without the indicator engine::

    s = score_agent(card, {"fcr_rate": fig, ...}, events={"complaint": [...]})
    s.total, [i.points for i in s.indicators]

The rules are those of the spec (scorecard.md, "How points are computed").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from kefu.metrics.figures import Figure
from kefu.scoring import catalogue
from kefu.scoring.fairness import shrink, wilson_interval
from kefu.scoring.scorecard import (
    Direction,
    IndicatorRule,
    SamplePolicy,
    Scorecard,
    Step,
    Where,
)


class ScoreStatus(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"
    INSUFFICIENT_SAMPLE = "insufficient_sample"


def _g(x: float | None) -> str:
    return "—" if x is None else f"{x:.6g}"


# -- one indicator's share of its weight ------------------------------------
def linear_share(direction: Direction, target: float, threshold: float, value: float) -> float:
    """``(v − threshold) / (target − threshold)`` clamped to [0, 1] (either direction).

    The same formula serves lower_better: there target < threshold, so the
    quotient equals ``(threshold − v) / (threshold − target)``.
    """
    share = (value - threshold) / (target - threshold)
    return min(1.0, max(0.0, share))


def band_share(low: float, high: float, tolerance: float, value: float) -> float:
    """1 inside ``[low, high]``; falls linearly to 0 at ``low − tol`` and ``high + tol``."""
    if low <= value <= high:
        return 1.0
    distance = low - value if value < low else value - high
    if tolerance <= 0:
        return 0.0
    return max(0.0, 1.0 - distance / tolerance)


def step_share(steps: Sequence[Step], value: float) -> tuple[float, int | None]:
    """The share of the first step whose range holds ``value`` (and its index).

    A step matches when ``v ≤ max`` (if it has a max) and ``v ≥ min`` (if it
    has a min); a step with neither matches everything. No match: share 0.
    """
    for i, step in enumerate(steps):
        if step.max is not None and not value <= step.max:
            continue
        if step.min is not None and not value >= step.min:
            continue
        return step.share, i
    return 0.0, None


def rule_share(rule: IndicatorRule, value: float) -> tuple[float, str | None]:
    """The share of ``rule``'s weight earned by ``value``, with a note for odd cases."""
    if rule.steps:
        share, index = step_share(rule.steps, value)
        if index is None:
            return 0.0, f"value {_g(value)} matches no step: no points"
        return share, None
    if rule.direction is Direction.BAND:
        assert rule.band is not None
        return band_share(rule.band[0], rule.band[1], rule.tolerance, value), None
    assert rule.direction is not None and rule.target is not None and rule.threshold is not None
    return linear_share(rule.direction, rule.target, rule.threshold, value), None


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
        options = expected if isinstance(expected, list) else [expected]
        if not any(_same(e, actual) for e in options):
            return False
    return True


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


_SCORE_FIELDS = tuple(f.name for f in fields(IndicatorScore))


@dataclass(frozen=True)
class AgentScore:
    indicators: list[IndicatorScore]
    dimensions: list[dict[str, Any]]
    bonus: float
    bonus_items: list[dict[str, Any]]
    penalty: float
    penalty_items: list[dict[str, Any]]
    vetoes: list[dict[str, Any]]
    total: float
    reasons: list[str] = field(default_factory=list)

    @property
    def cap_grades(self) -> list[str]:
        return [v["cap_grade"] for v in self.vetoes]


@dataclass
class _Pending:
    rule: IndicatorRule
    dimension: str
    figure: Figure | None
    status: ScoreStatus
    share: float | None = None
    scored: bool = False
    reason: str | None = None
    code: str | None = None
    scored_value: float | None = None


def _shrinkable(card: Scorecard, indicator: str) -> bool:
    shr = card.shrinkage
    if shr is None or not shr.enabled:
        return False
    if shr.indicators is not None:
        return indicator in shr.indicators
    return catalogue.is_rate(indicator)


def _status(rule: IndicatorRule, fig: Figure | None) -> ScoreStatus:
    if fig is None or fig.value is None:
        return ScoreStatus.NO_DATA
    if fig.sample < rule.min_sample:
        return ScoreStatus.INSUFFICIENT_SAMPLE
    return ScoreStatus.OK


def _assess(
    card: Scorecard, dim: str, rule: IndicatorRule, fig: Figure | None, team: Figure | None
) -> _Pending:
    p = _Pending(rule, dim, fig, _status(rule, fig))
    if p.status is ScoreStatus.OK:
        assert fig is not None and fig.value is not None
        value = fig.value
        if (
            _shrinkable(card, rule.id)
            and team is not None
            and team.value is not None
            and fig.numerator is not None
            and fig.denominator
        ):
            assert card.shrinkage is not None
            k = card.shrinkage.prior_strength
            value = shrink(fig.numerator, fig.denominator, team.value, k)
            p.reason = (
                f"small-sample shrinkage toward the team value {_g(team.value)} "
                f"(strength {_g(k)}): {_g(fig.value)} scored as {_g(value)}"
            )
            p.code = "shrunk"
        p.scored_value = value
        p.share, note = rule_share(rule, value)
        if note:
            p.reason = f"{p.reason}; {note}" if p.reason else note
            p.code = p.code or "no_step"
        p.scored = True
        return p
    why = (
        "no data"
        if p.status is ScoreStatus.NO_DATA
        else f"sample {fig.sample if fig else 0} below the minimum {rule.min_sample}"
    )
    policy = card.insufficient_sample
    if policy is SamplePolicy.ZERO:
        p.share, p.scored, p.code = 0.0, True, "zero"
        p.reason = f"{why}: scored as zero"
    elif policy is SamplePolicy.TEAM_VALUE and team is not None and team.value is not None:
        p.scored_value = team.value
        p.share, _ = rule_share(rule, team.value)
        p.scored, p.code = True, "team_value"
        p.reason = f"{why}: the team value {_g(team.value)} is used"
    else:
        p.code = "redistributed"
        fallback = " (no team value either)" if policy is SamplePolicy.TEAM_VALUE else ""
        p.reason = (
            f"{why}{fallback}: its {_g(rule.weight)} points are shared among the "
            "other scored indicators"
        )
    return p


def score_agent(
    card: Scorecard,
    figures: Mapping[str, Figure],
    *,
    team_figures: Mapping[str, Figure] | None = None,
    events: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> AgentScore:
    """Points, bonus, penalties, vetoes and the total of one agent under ``card``."""
    team_figures = team_figures or {}
    events = events or {}
    pending = [
        _assess(card, d.id, r, figures.get(r.id), team_figures.get(r.id)) for d, r in card.rules
    ]
    weight_all = sum(p.rule.weight for p in pending)
    weight_scored = sum(p.rule.weight for p in pending if p.scored)
    factor = weight_all / weight_scored if weight_scored > 0 else 0.0
    reasons: list[str] = []
    if weight_scored == 0:
        reasons.append("no indicator could be scored: no points from indicators")

    scores: list[IndicatorScore] = []
    for p in pending:
        fig = p.figure
        eff = p.rule.weight * factor if p.scored else 0.0
        share = p.share if p.scored else None
        points = (share or 0.0) * eff
        reason, code = p.reason, p.code
        if p.scored and factor != 1.0 and eff > 0:
            extra = f"weight raised from {_g(p.rule.weight)} to {_g(eff)} by redistribution"
            reason = f"{reason}; {extra}" if reason else extra
            code = code or "weight_raised"
        wilson = None
        if fig is not None and catalogue.is_rate(p.rule.id) and fig.denominator:
            wilson = wilson_interval(fig.numerator or 0.0, fig.denominator)
        scores.append(
            IndicatorScore(
                indicator=p.rule.id,
                dimension=p.dimension,
                value=fig.value if fig else None,
                numerator=fig.numerator if fig else None,
                denominator=fig.denominator if fig else None,
                sample=fig.sample if fig else 0,
                status=p.status,
                share=share,
                points=points,
                weight=p.rule.weight,
                effective_weight=eff,
                reason=reason,
                reason_code=code,
                scored_value=p.scored_value,
                wilson=wilson,
                provisional=bool(fig and fig.provisional),
            )
        )

    dimensions = []
    for d in card.dimensions:
        mine = [s for s in scores if s.dimension == d.id]
        dimensions.append(
            {
                "id": d.id,
                "name": d.name.model_dump(),
                "points": sum(s.points for s in mine),
                "weight": d.total_weight,
                "effective_weight": sum(s.effective_weight for s in mine),
            }
        )

    bonus_items = []
    for b in card.bonus:
        fig = figures.get(b.indicator)
        count = fig.value if fig is not None and fig.value is not None else 0.0
        raw = count * b.points_each
        pts = min(raw, b.cap)
        item = {"indicator": b.indicator, "count": count, "points": pts}
        if raw > b.cap:
            item["reason"] = f"{_g(raw)} bonus points capped at {_g(b.cap)}"
        bonus_items.append(item)
    bonus = sum((i["points"] for i in bonus_items), 0.0)

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

    raw_total = sum(s.points for s in scores) + bonus - penalty
    upper = 100.0 + card.bonus_cap
    total = min(upper, max(0.0, raw_total))
    if total != raw_total:
        reasons.append(f"total {_g(raw_total)} clamped to [0, {_g(upper)}]")
    return AgentScore(
        indicators=scores,
        dimensions=dimensions,
        bonus=bonus,
        bonus_items=bonus_items,
        penalty=penalty,
        penalty_items=penalty_items,
        vetoes=vetoes,
        total=total,
        reasons=reasons,
    )
