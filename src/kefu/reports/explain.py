"""Every grade explains itself, and bonus and penalty lines read as arithmetic.

Sentences, not tooltips: the sheet, the team table, the applications page, the
workbook and the PDF print them beside the grade::

    grade_reason(row, card, population=12, locale="zh-CN")
    # "总分 89.01 本可评为 A;1 次投诉(重大):等级封顶为 C"
    bonus_line({"indicator": "praise_count", "count": 6, "points": 5}, rule, "zh-CN")
    # "表扬 6 次 × 1 分 = 6 分,封顶 5 分"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kefu.reports.catalogue import indicator_name
from kefu.reports.formatting import format_points
from kefu.reports.reasons import event_name, translate
from kefu.reports.table import veto_text
from kefu.scoring.grading import quotas
from kefu.scoring.reads import RunRows
from kefu.scoring.result_model import AgentResult
from kefu.scoring.scorecard import BonusRule, PenaltyRule, Scorecard

#: What one unit of a bonus indicator is called in a sentence ("表扬 6 次").
_UNITS = {"praise_count": ("表扬", "praise")}

_SMALL_SAMPLE = "graded by thresholds"


def number(value: float | int | None) -> str:
    """A figure as people write it in a sum: 6, 0.5, 89.01 (never 6.00 or −0.00)."""
    if value is None:
        return "—"
    v = round(float(value), 2) + 0.0  # + 0.0 turns −0.0 into 0.0
    return f"{v:.0f}" if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def signed(value: float | None, sign: str) -> str:
    """``+5.00``/``−5.00`` for a bonus or penalty total; a zero has no sign (never −0.00)."""
    if not value or abs(float(value)) < 0.005:
        return format_points(0.0)
    return f"{sign}{format_points(abs(float(value)))}"


def _unit(indicator: str, locale: str) -> str:
    zh = locale.startswith("zh")
    names = _UNITS.get(indicator)
    return (names[0] if zh else names[1]) if names else indicator_name(indicator, locale)


def bonus_line(item: Mapping[str, Any], rule: BonusRule | None, locale: str) -> str:
    """``表扬 6 次 × 1 分 = 6 分,封顶 5 分`` (English: ``praise 6 × 1 = 6 points, capped at 5``)."""
    name = _unit(str(item.get("indicator")), locale)
    return _count_line(name, item, None if rule is None else (rule.points_each, rule.cap), locale)


def penalty_line(item: Mapping[str, Any], rule: PenaltyRule | None, locale: str) -> str:
    """``投诉 2 次 × 5 分 = 10 分`` (with the cap when one applied)."""
    name = event_name(str(item.get("event")), locale)
    return _count_line(name, item, None if rule is None else (rule.points_each, rule.cap), locale)


def _count_line(
    name: str, item: Mapping[str, Any], rule: tuple[float, float | None] | None, locale: str
) -> str:
    """A count times its points each, as a manager checks it in their head; the cap if it bit."""
    zh = locale.startswith("zh")
    count, points = item.get("count") or 0, item.get("points") or 0
    if rule is None:  # a result stored without its rule at hand: what it gave
        return (
            f"{name} {number(count)} 次 = {number(points)} 分"
            if zh
            else f"{name} {number(count)} = {number(points)} points"
        )
    each, cap = rule
    raw = float(count) * each
    line = (
        f"{name} {number(count)} 次 × {number(each)} 分 = {number(raw)} 分"
        if zh
        else f"{name} {number(count)} × {number(each)} = {number(raw)} points"
    )
    if cap is not None and raw > float(points) + 1e-9:
        line += f",封顶 {number(cap)} 分" if zh else f", capped at {number(cap)}"
    return line


def bonus_rule(card: Scorecard | None, item: Mapping[str, Any]) -> BonusRule | None:
    if card is None:
        return None
    return next((b for b in card.bonus if b.indicator == item.get("indicator")), None)


def penalty_rule(card: Scorecard | None, item: Mapping[str, Any]) -> PenaltyRule | None:
    if card is None:
        return None
    event, where = str(item.get("event")), dict(item.get("where") or {})
    found = (p for p in card.penalties if str(p.event) == event and dict(p.where) == where)
    return next(found, None)


_WITHIN = {"team": ("班组", "team"), "site": ("职场", "site"), "centre": ("全中心", "centre")}


def grade_reason(
    row: Mapping[str, Any], card: Scorecard | None, population: int | None, locale: str
) -> str:
    """Why the agent has this grade, as one sentence (or "" when there is no grade)."""
    zh = locale.startswith("zh")
    grade, total = row.get("grade"), row.get("total")
    if not grade:
        return ""
    parts: list[str] = []
    before = row.get("grade_before_veto")
    reasons = [str(r) for r in row.get("reasons") or ()]
    small = next((r for r in reasons if r.endswith(_SMALL_SAMPLE)), None)
    dist = card.grades.distribution if card is not None else None
    if small is not None:
        parts.append(translate(small, locale))
    elif dist is not None and population:
        within = str(dist.within)
        where = _WITHIN.get(within, (within, within))[0 if zh else 1]
        rank = row.get(f"rank_{within}")
        first = before or grade
        quota = quotas(population, dist.shares).get(str(first))
        if zh:
            parts.append(
                f"强制分布:{where} {population} 人中总分排第 {rank or '—'} 名,"
                f"{first} 等名额 {quota if quota is not None else '—'} 人"
            )
        else:
            parts.append(
                f"forced distribution: ranked {rank or '—'} of {population} in the {where}, "
                f"{quota if quota is not None else '—'} place(s) for {first}"
            )
    elif card is not None and card.grades.thresholds and total is not None:
        first = str(before or grade)
        line = card.grades.thresholds.get(first)
        if line is not None:
            parts.append(
                f"总分 {number(total)} ≥ {first} 等分数线 {number(line)}"
                if zh
                else f"total {number(total)} ≥ the {first} line {number(line)}"
            )
    if before and before != grade:
        vetoes = "; ".join(veto_text(v, locale) for v in row.get("vetoes") or ())
        parts.append(f"本可评为 {before},{vetoes}" if zh else f"would be {before}; {vetoes}")
    return (";" if zh else "; ").join(p for p in parts if p)


def population_sizes(rows: Sequence[Mapping[str, Any]], card: Scorecard | None) -> dict[Any, int]:
    """Agents per grading population (team, site or centre) of ``card``'s distribution."""
    dist = card.grades.distribution if card is not None else None
    within = str(dist.within) if dist is not None else "centre"
    out: dict[Any, int] = {}
    for r in rows:
        key = "centre" if within == "centre" else r.get(within)
        out[key] = out.get(key, 0) + 1
    return out


def _population_sizes(
    everyone: Sequence[AgentResult] | RunRows, content_hash: str, card: Scorecard | None
) -> dict[Any, int]:
    if not isinstance(everyone, RunRows):
        same = [
            r
            for r in everyone
            if str((r.get("scorecard") or {}).get("content_hash")) == content_hash
        ]
        return population_sizes(same, card)
    found = everyone.once(
        ("population_sizes", content_hash),
        lambda: population_sizes(everyone.scored_by(content_hash), card),
    )
    return dict(found)


def population_of(row: Mapping[str, Any], card: Scorecard | None, sizes: Mapping[Any, int]) -> int:
    dist = card.grades.distribution if card is not None else None
    within = str(dist.within) if dist is not None else "centre"
    return sizes.get("centre" if within == "centre" else row.get(within), 0)


def explained(
    ws: Any, everyone: Sequence[AgentResult] | RunRows, rows: Sequence[AgentResult], locale: str
) -> list[dict[str, Any]]:
    """``rows`` with ``grade_reason``, ``bonus_lines`` and ``penalty_lines`` for the exports.

    ``everyone``: all results of the run (the grading populations are counted in it); as
    the run's :class:`RunRows`, its populations are counted once per run, not per page.
    """
    from kefu.scoring.registry import shared_version

    cards: dict[str, Scorecard | None] = {}
    sizes: dict[str, dict[Any, int]] = {}
    out = []
    for row in rows:
        h = str((row.get("scorecard") or {}).get("content_hash"))
        if h not in cards:
            try:
                cards[h] = shared_version(ws, h)
            except Exception:  # a result without its stored scorecard: no rule to cite
                cards[h] = None
            sizes[h] = _population_sizes(everyone, h, cards[h])
        card = cards[h]
        out.append(
            {
                **row.as_dict(),
                "grade_reason": grade_reason(row, card, population_of(row, card, sizes[h]), locale),
                "bonus_lines": [bonus_line(b, bonus_rule(card, b), locale)
                                for b in row.get("bonus_items") or () if b.get("count")],
                "penalty_lines": [penalty_line(p, penalty_rule(card, p), locale)
                                  for p in row.get("penalty_items") or ()],
            }
        )  # fmt: skip
    return out
