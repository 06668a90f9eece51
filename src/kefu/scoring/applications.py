"""Applying the results (结果应用): pay, promotion, training and improvement plans.

:func:`apply_rules` is pure (one result row, its scorecard and the agent's
grades in the preceding periods); :func:`applications` reads a scored period.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from kefu.periods import Period
from kefu.scoring.registry import load_version
from kefu.scoring.result_model import AgentResult
from kefu.scoring.runs import as_period, latest_run, results, run_results
from kefu.scoring.scorecard import Scorecard
from kefu.workspace import Workspace


def promotion(card: Scorecard, grades: Sequence[tuple[str, str | None]]) -> tuple[bool, list[str]]:
    """Whether the newest ``consecutive_months`` grades all reach ``min_grade``.

    ``grades`` lists (period label, grade or None when not scored), newest
    first. Returns the candidacy and the qualifying periods, newest first.
    """
    rule = card.applications.promotion
    if rule is None:
        return False, []
    order = card.grades.order
    bar = order.index(rule.min_grade)
    qualifying = []
    for label, grade in grades[: rule.consecutive_months]:
        if grade is None or grade not in order or order.index(grade) > bar:
            break
        qualifying.append(label)
    return len(qualifying) == rule.consecutive_months, qualifying


def training(card: Scorecard, row: AgentResult) -> list[dict[str, Any]]:
    """Dimensions scored below ``training_below_share`` of their weight.

    The weight compared is the dimension's effective weight (after any
    redistribution); a dimension with nothing scored is not judged.
    """
    share = card.applications.training_below_share
    if share is None:
        return []
    out = []
    for d in row.dimensions:
        weight = (d.weight if d.effective_weight is None else d.effective_weight) or 0.0
        if weight > 0 and d.points < share * weight:
            out.append(
                {
                    "dimension": d.id,
                    "name": d.name,
                    "points": d.points,
                    "weight": weight,
                    "achieved": d.points / weight,
                }
            )
    return out


def apply_rules(
    row: AgentResult, card: Scorecard, history: Sequence[tuple[str, str | None]]
) -> dict[str, Any]:
    """Pay coefficient, promotion candidacy, training and improvement plan of one agent.

    ``history``: (period, grade) of the periods before ``row``'s, newest first.
    """
    grades: list[tuple[str, str | None]] = [(row.period, row.grade), *history]
    candidate, qualifying = promotion(card, grades)
    weak = training(card, row)
    return {
        "agent_id": row.agent_id,
        "name": row.name,
        "team": row.team,
        "site": row.site,
        "period": row.period,
        "total": row.total,
        "grade": row.grade,
        "pay_coefficient": card.applications.pay_coefficient.get(row.grade),
        "promotion_candidate": candidate,
        "qualifying_months": qualifying,
        "training": [w["dimension"] for w in weak],
        "training_detail": weak,
        "improvement_plan_required": row.grade in card.applications.improvement_plan_grades,
    }


def grade_distribution(rows: Sequence[AgentResult], order: Sequence[str]) -> list[dict[str, Any]]:
    """Per team, then the whole centre as ``(centre)``: agents per grade and their share."""
    teams: dict[str, Counter[str]] = defaultdict(Counter)
    centre: Counter[str] = Counter()
    for r in rows:
        teams[r.team or "—"][r.grade] += 1
        centre[r.grade] += 1
    out = []
    for team, counts in [*sorted(teams.items()), ("(centre)", centre)]:
        n = sum(counts.values())
        entry: dict[str, Any] = {"team": team, "agents": n}
        for g in order:
            entry[g] = counts.get(g, 0)
            entry[f"{g}_share"] = counts.get(g, 0) / n if n else 0.0
        out.append(entry)
    return out


def applications(
    ws: Workspace, period: Period | str, *, published: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per-agent applications and the grade distribution per team of a scored period."""
    period = as_period(period)
    rows = results(ws, period, published=published)
    cards: dict[str, Scorecard] = {}
    longest = 1
    for r in rows:
        h = r.scorecard["content_hash"]
        if h not in cards:
            cards[h] = load_version(ws, h)
            promo = cards[h].applications.promotion
            longest = max(longest, promo.consecutive_months if promo else 1)
    history: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    previous = period
    for _ in range(longest - 1):
        previous = previous.previous()
        run = latest_run(ws, previous, published=published)
        grades = {} if run is None else {x.agent_id: x.grade for x in run_results(ws, run.id)}
        for r in rows:
            history[r.agent_id].append((previous.label, grades.get(r.agent_id)))
    out = [apply_rules(r, cards[r.scorecard["content_hash"]], history[r.agent_id]) for r in rows]
    order: list[str] = []
    for c in cards.values():
        order += [g for g in c.grades.order if g not in order]
    return out, grade_distribution(rows, order)
