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
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from statistics import fmean
from typing import Any

from kefu.errors import KefuError
from kefu.metrics.figures import Figure, Level
from kefu.periods import Period
from kefu.scoring.catalogue import is_rate
from kefu.scoring.fairness import wilson_interval
from kefu.scoring.inputs import Assignment, roster_on
from kefu.scoring.models import ScoringRun
from kefu.scoring.month import (
    ComputeFn,
    Ungraded,
    card_of,
    default_compute,
    grade_and_rank,
    scorecard_entry,
)
from kefu.scoring.result_model import (
    AgentResult,
    DimensionRow,
    IndicatorRow,
    MonthTotal,
    agent_result,
)
from kefu.scoring.scorecard import Scorecard
from kefu.scoring.storing import latest_run, run_results, scorecards_for, store_run
from kefu.workspace import Workspace


def month_runs(ws: Workspace, period: Period) -> list[ScoringRun]:
    """The newest run of each month of ``period`` that has one, in month order."""
    found = [latest_run(ws, m) for m in period.months()]
    return [r for r in found if r is not None]


def composite_rows(
    period: Period,
    monthly: Mapping[str, Sequence[AgentResult]],
    roster: Mapping[str, Assignment],
    cards_for: Callable[[Assignment], Scorecard],
    figures: Mapping[str, Mapping[str, Figure]],
) -> list[AgentResult]:
    """The results of a quarter/year from the monthly results (pure).

    ``monthly`` maps a month label to that month's results; ``cards_for``
    maps an :class:`Assignment` to its scorecard; ``figures`` maps agent →
    indicator → Figure recomputed over the whole period.
    """
    per_agent: dict[str, list[tuple[str, AgentResult]]] = defaultdict(list)
    for month in sorted(monthly):
        for r in monthly[month]:
            per_agent[r.agent_id].append((month, r))
    used: dict[str, Scorecard] = {}
    agents = []
    for agent in sorted(per_agent):
        last = per_agent[agent][-1][1]
        who = roster.get(agent) or Assignment(agent, last.name, last.team, last.site)
        card = cards_for(who)
        used[card.content_hash] = card
        agents.append((who, card, per_agent[agent], fmean(r.total for _, r in per_agent[agent])))
    standings = grade_and_rank(
        [
            Ungraded(w.agent_id, w.team, w.site, total, c.content_hash, ())
            for w, c, _, total in agents
        ],
        used,
    )
    return [
        agent_result(
            period.label,
            who,
            scorecard_entry(card),
            standing,
            total=total,
            bonus=fmean(r.bonus for _, r in months),
            penalty=fmean(r.penalty for _, r in months),
            vetoes=[v for _, r in months for v in r.vetoes],
            indicators=_indicators(card, figures.get(who.agent_id, {})),
            dimensions=_dimensions(card, months),
            bonus_items=[],
            penalty_items=[],
            reasons=[f"mean of {len(months)} monthly total(s): " + ", ".join(m for m, _ in months)],
            months=[MonthTotal(period=m, total=r.total, grade=r.grade) for m, r in months],
        )
        for (who, card, months, total), standing in zip(agents, standings, strict=True)
    ]


def _indicators(card: Scorecard, figures: Mapping[str, Figure]) -> tuple[IndicatorRow, ...]:
    """The card's indicators over the whole period: figures, not scored (no points)."""
    weights = {r.id: r.weight for _, r in card.rules}
    out = []
    for ind in card.indicator_ids:
        f = figures.get(ind)
        value = None if f is None else f.value
        wilson = None
        if f is not None and is_rate(ind) and f.denominator:
            wilson = wilson_interval(f.numerator or 0.0, f.denominator)
        out.append(
            IndicatorRow(
                denominator=None if f is None else f.denominator,
                dimension=None,
                effective_weight=None,
                indicator=ind,
                numerator=None if f is None else f.numerator,
                points=None,
                provisional=None,
                reason=None,
                reason_code=None,
                sample=0 if f is None else f.sample,
                scored_value=None,
                share=None,
                status="no_data" if value is None else "ok",
                value=value,
                weight=weights[ind],
                wilson=list(wilson) if wilson else None,
            )
        )
    return tuple(out)


def _dimensions(
    card: Scorecard, months: Sequence[tuple[str, AgentResult]]
) -> tuple[DimensionRow, ...]:
    """The card's dimensions, each with the mean of its monthly points."""
    points: dict[str, list[float]] = defaultdict(list)
    for _, r in months:
        for d in r.dimensions:
            points[d.id].append(d.points)
    return tuple(
        DimensionRow(
            effective_weight=d.total_weight,
            id=d.id,
            name=d.name.model_dump(),
            points=fmean(points[d.id]) if points.get(d.id) else 0.0,
            weight=d.total_weight,
        )
        for d in card.dimensions
    )


def score_cycle(
    ws: Workspace,
    period: Period,
    *,
    scorecard: Scorecard | Path | str | None,
    actor: str,
    compute: ComputeFn | None,
    as_of: datetime | None = None,
) -> ScoringRun:
    """The composite of ``period``'s scored months; its own figures (those a cycle
    computes whole) judge open tickets at ``as_of`` (default now), recorded with the run."""
    runs = month_runs(ws, period)
    if not runs:
        raise KefuError(
            f"no month of {period.label} has been scored yet; score the months first "
            f"(kefu score --period {period.months()[0].label})"
        )
    cards = scorecards_for(ws, scorecard)
    con = ws.duckdb()
    roster = roster_on(ws, period.start, con)
    monthly = {r.period: run_results(ws, r.id) for r in runs}
    agents = sorted({row.agent_id for rows in monthly.values() for row in rows})
    compute = compute or default_compute()
    figures: dict[str, dict[str, Any]] = defaultdict(dict)
    for card in cards.all:
        mine = [a for a in agents if card_of(cards, roster.get(a)) is card]
        if not mine:
            continue
        for f in compute(
            ws, period, level=Level.AGENT, indicators=card.indicator_ids,
            params=card.indicator_params(), as_of=as_of, con=con, keys=mine,
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
        as_of=as_of,
        actor=actor,
        input_runs=[r.id for r in runs],
    )
