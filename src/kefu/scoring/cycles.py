"""Quarter and year: composites of the monthly results.

An agent's quarter (year) total is the mean of their monthly totals over the
months in which they were scored (so an agent who joined in the second month
of a quarter is judged on two months, not penalised for the first). The
indicator values shown beside it are recomputed over the whole quarter from
the records (Σ numerators / Σ denominators), never averaged. Grades come from
the same scorecard's thresholds (or distribution); vetoes act on the months.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from statistics import fmean
from typing import Any

from kefu.errors import KefuError
from kefu.metrics.figures import Level
from kefu.periods import Period
from kefu.scoring.catalogue import is_rate
from kefu.scoring.fairness import wilson_interval
from kefu.scoring.inputs import Assignment, roster_on
from kefu.scoring.models import ScoringRun
from kefu.scoring.month import ComputeFn, card_of, default_compute, grade_and_rank
from kefu.scoring.scorecard import Scorecard
from kefu.workspace import Workspace


def month_runs(ws: Workspace, period: Period) -> list[ScoringRun]:
    """The newest run of each month of ``period`` that has one, in month order."""
    from kefu.scoring.runs import latest_run

    found = [latest_run(ws, m) for m in period.months()]
    return [r for r in found if r is not None]


def composite_rows(
    period: Period,
    monthly: dict[str, list[dict[str, Any]]],
    roster: dict[str, Assignment],
    cards_for: Any,
    figures: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Result rows of a quarter/year from monthly result rows (pure).

    ``monthly`` maps a month label to that month's result rows; ``cards_for``
    maps an :class:`Assignment` to its scorecard; ``figures`` maps agent →
    indicator → Figure recomputed over the whole period.
    """
    per_agent: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for month in sorted(monthly):
        for r in monthly[month]:
            per_agent[r["agent_id"]].append((month, r))
    rows = []
    used: dict[str, Scorecard] = {}
    for agent in sorted(per_agent):
        months = per_agent[agent]
        last = months[-1][1]
        who = roster.get(agent) or Assignment(
            agent, last.get("name"), last.get("team"), last.get("site")
        )
        card = cards_for(who)
        used[card.content_hash] = card
        dims: dict[str, list[float]] = defaultdict(list)
        for _, r in months:
            for d in r.get("dimensions", []):
                dims[d["id"]].append(d["points"])
        indicators = []
        for ind in card.indicator_ids:
            f = figures.get(agent, {}).get(ind)
            value = None if f is None else f.value
            wilson = None
            if f is not None and is_rate(ind) and f.denominator:
                wilson = wilson_interval(f.numerator or 0.0, f.denominator)
            indicators.append(
                {
                    "indicator": ind,
                    "value": value,
                    "numerator": None if f is None else f.numerator,
                    "denominator": None if f is None else f.denominator,
                    "sample": 0 if f is None else f.sample,
                    "status": "no_data" if value is None else "ok",
                    "wilson": list(wilson) if wilson else None,
                    "weight": next(r.weight for _, r in card.rules if r.id == ind),
                    "share": None,
                    "points": None,
                    "reason": None,
                }
            )
        rows.append(
            {
                "agent_id": agent,
                "name": who.name,
                "team": who.team,
                "site": who.site,
                "period": period.label,
                "scorecard": {
                    "name": card.name,
                    "version": card.version,
                    "content_hash": card.content_hash,
                },
                "total": fmean(r["total"] for _, r in months),
                "months": [
                    {"period": m, "total": r["total"], "grade": r["grade"]} for m, r in months
                ],
                "grade": None,
                "grade_before_veto": None,
                "pay_coefficient": None,
                "rank_team": None,
                "rank_site": None,
                "rank_centre": None,
                "bonus": fmean(r.get("bonus", 0.0) for _, r in months),
                "penalty": fmean(r.get("penalty", 0.0) for _, r in months),
                "vetoes": [v for _, r in months for v in r.get("vetoes", [])],
                "indicators": indicators,
                "dimensions": [
                    {
                        "id": d.id,
                        "name": d.name.model_dump(),
                        "points": fmean(dims[d.id]) if dims.get(d.id) else 0.0,
                        "weight": d.total_weight,
                        "effective_weight": d.total_weight,
                    }
                    for d in card.dimensions
                ],
                "bonus_items": [],
                "penalty_items": [],
                "reasons": [
                    f"mean of {len(months)} monthly total(s): " + ", ".join(m for m, _ in months)
                ],
                "cap_grades": [],
            }
        )
    grade_and_rank(rows, used)
    return rows


def score_cycle(
    ws: Workspace,
    period: Period,
    *,
    scorecard: Scorecard | Path | str | None,
    actor: str,
    compute: ComputeFn | None,
) -> ScoringRun:
    from kefu.scoring.runs import _scorecards, run_results, store_run

    runs = month_runs(ws, period)
    if not runs:
        raise KefuError(
            f"no month of {period.label} has been scored yet; score the months first "
            f"(kefu score --period {period.months()[0].label})"
        )
    cards = _scorecards(ws, scorecard)
    con = ws.duckdb()
    roster = roster_on(ws, period.start, con)
    monthly = {r.period: run_results(ws, r.id) for r in runs}
    agents = sorted({row["agent_id"] for rows in monthly.values() for row in rows})
    compute = compute or default_compute()
    figures: dict[str, dict[str, Any]] = defaultdict(dict)
    for card in cards.all:
        mine = [a for a in agents if card_of(cards, roster.get(a)) is card]
        if not mine:
            continue
        for f in compute(
            ws, period, level=Level.AGENT, indicators=card.indicator_ids,
            params=card.indicator_params(), as_of=None, con=con, keys=mine,
        ):  # fmt: skip
            figures[f.key][f.indicator] = f
    rows = composite_rows(period, monthly, roster, lambda who: card_of(cards, who), dict(figures))
    batch_ids = sorted(b.id for b in ws.facts.committed_batches())
    used = {c.content_hash: c for c in cards.all}
    return store_run(
        ws,
        period,
        rows,
        used,
        batch_ids=batch_ids,
        as_of=None,
        actor=actor,
        input_runs=[r.id for r in runs],
    )
