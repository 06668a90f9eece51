"""Scoring one month: figures and events in, one result per agent out.

:func:`grade_and_rank` and :func:`build_results` are pure (figures and scores
in, :class:`~kefu.scoring.result_model.AgentResult` out); :func:`month_figures` and
:func:`month_events` are the reads from the indicator engine and the fact
store. The indicator engine is passed in as ``compute`` so that scoring can be
exercised with hand-made figures.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from kefu.errors import KefuError
from kefu.metrics.figures import Figure, Level
from kefu.periods import Period
from kefu.scoring.grading import (
    cap_grade,
    display_total,
    forced_distribution,
    grade_by_thresholds,
    grades_by_thresholds,
    ranks_of_shown,
)
from kefu.scoring.inputs import Assignment, agent_events, roster_on
from kefu.scoring.registry import ScorecardSet
from kefu.scoring.result_model import AgentResult, ScorecardRef, Standing, agent_result
from kefu.scoring.rules import AgentScore, score_agents
from kefu.scoring.scorecard import SamplePolicy, Scorecard

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace

ComputeFn = Callable[..., list[Figure]]


def default_compute() -> ComputeFn:
    from kefu.metrics import compute

    return compute


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a block without the cyclic garbage collector.

    Scoring a centre builds a few million small acyclic containers (result
    dicts and lists); every 700 allocations the collector would walk them,
    and its full passes also walk every figure: more than half the time of
    scoring 10,000 agents. Nothing built here forms cycles, so plain reference
    counting frees it all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def needed_indicators(card: Scorecard) -> list[str]:
    ids = [*card.indicator_ids, *(b.indicator for b in card.bonus)]
    return list(dict.fromkeys(ids))


def _by_key(figures: Sequence[Figure]) -> dict[str, dict[str, Figure]]:
    out: dict[str, dict[str, Figure]] = defaultdict(dict)
    for f in figures:
        out[f.key][f.indicator] = f
    return out


def card_of(cards: ScorecardSet, who: Assignment | None) -> Scorecard:
    if who is None or not cards.specific:
        return cards.default
    return cards.for_agent(who.team, who.site)


class Ungraded(NamedTuple):
    """What grading reads of a result: its total, where it is ranked, its vetoes' caps."""

    agent_id: str
    team: str | None
    site: str | None
    total: float
    content_hash: str
    cap_grades: Sequence[str]


def grade_and_rank(rows: Sequence[Ungraded], cards: Mapping[str, Scorecard]) -> list[Standing]:
    """Grade, pay coefficient and ranks of each row, in the rows' order.

    ``cards`` maps content hashes to scorecards: each row is graded by its own
    card's thresholds or distribution, then ranked by its shown total within
    its team, its site and the centre.
    """
    before: list[str] = [""] * len(rows)
    notes: dict[int, list[str]] = defaultdict(list)
    by_card: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_card[r.content_hash].append(i)
    grades: list[str] = [""] * len(rows)
    pay: list[float | None] = [None] * len(rows)
    for card_hash, members in by_card.items():
        card = cards[card_hash]
        _grade_before_veto(card, rows, members, before, notes)
        order, coefficients = card.grades.order, card.applications.pay_coefficient
        for i in members:
            grades[i] = grade = cap_grade(before[i], rows[i].cap_grades, order)
            pay[i] = coefficients.get(grade)
    ranks = {scope: _ranks(rows, scope) for scope in ("team", "site", "centre")}
    return [
        Standing(
            grade=grades[i],
            grade_before_veto=before[i],
            pay_coefficient=pay[i],
            rank_team=ranks["team"].get(i),
            rank_site=ranks["site"].get(i),
            rank_centre=ranks["centre"].get(i),
            reasons=notes.get(i, ()),
        )
        for i in range(len(rows))
    ]


def _grade_before_veto(
    card: Scorecard,
    rows: Sequence[Ungraded],
    members: Sequence[int],
    before: list[str],
    notes: dict[int, list[str]],
) -> None:
    """The grades of one card's rows by its thresholds or distribution (into ``before``)."""
    grades = card.grades
    dist = grades.distribution
    if dist is None:
        assert grades.thresholds is not None
        found = grades_by_thresholds([rows[i].total for i in members], grades.thresholds)
        for i, grade in zip(members, found, strict=True):
            before[i] = grade
        return
    populations: dict[Any, list[int]] = defaultdict(list)
    for i in members:
        key = "centre" if dist.within == "centre" else getattr(rows[i], str(dist.within), None)
        populations[key].append(i)
    for pop in populations.values():
        small = dist.min_population is not None and len(pop) < dist.min_population
        if small and grades.thresholds:
            for i in pop:
                before[i] = grade_by_thresholds(rows[i].total, grades.thresholds)
                notes[i].append(
                    f"population of {len(pop)} is below {dist.min_population}: graded by thresholds"
                )
            continue
        assigned = forced_distribution({rows[i].agent_id: rows[i].total for i in pop}, dist.shares)
        for i in pop:
            before[i] = assigned[rows[i].agent_id]


def _ranks(rows: Sequence[Ungraded], scope: str) -> dict[int, int]:
    """Competition ranks of the rows' shown totals within each team, site or the centre."""
    groups: dict[Any, dict[int, float]] = defaultdict(dict)
    for i, r in enumerate(rows):
        key = "centre" if scope == "centre" else getattr(r, scope)
        if key is not None:
            groups[key][i] = display_total(r.total)
    ranks: dict[int, int] = {}
    for totals in groups.values():
        ranks.update(ranks_of_shown(totals))
    return ranks


def scorecard_entry(card: Scorecard) -> ScorecardRef:
    return {"name": card.name, "version": card.version, "content_hash": card.content_hash}


@gc_paused()
def _members_by_card(
    cards: ScorecardSet,
    roster: Mapping[str, Assignment],
    figures: Mapping[str, Mapping[str, Figure]],
) -> tuple[dict[str, list[tuple[int, str, Assignment]]], dict[str, Scorecard], int]:
    """The scored agents grouped by scorecard hash, the cards used, and how many agents.

    Each member is ``(position in the result, agent id, assignment)``, in agent order.
    """
    members: dict[str, list[tuple[int, str, Assignment]]] = defaultdict(list)
    used: dict[str, Scorecard] = {}
    scored_ids = {c.content_hash: c.indicator_ids for c in cards.all}
    position = 0
    for agent in sorted(figures):
        who = roster.get(agent) or Assignment(agent, None, None, None)
        card = card_of(cards, who)
        mine = figures[agent]
        ids = scored_ids[card.content_hash]
        if all((f := mine.get(i)) is None or f.value is None for i in ids):
            # Employed but without a single record to judge (long leave, joined on the
            # last day…): not scored this period, rather than a zero and a D.
            continue
        used[card.content_hash] = card
        members[card.content_hash].append((position, agent, who))
        position += 1
    return members, used, position


def build_results(
    period: Period,
    cards: ScorecardSet,
    roster: Mapping[str, Assignment],
    figures: Mapping[str, Mapping[str, Figure]],
    *,
    team_figures: Mapping[str, Mapping[str, Figure]] | None = None,
    events: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]] | None = None,
) -> list[AgentResult]:
    """The result of every agent in ``figures`` with any data (pure: no reads).

    An agent none of whose scored indicators has a value is left out: the
    period is not scored for them (quarters average the months that are).
    The agents of each scorecard are scored together (:func:`score_agents`).
    """
    team_figures, events = team_figures or {}, events or {}
    members, used, position = _members_by_card(cards, roster, figures)
    at_position: dict[int, tuple[Assignment, AgentScore, ScorecardRef]] = {}
    for card_hash, group in members.items():
        card = used[card_hash]
        scores = score_agents(
            card,
            [figures[agent] for _, agent, _ in group],
            team_figures=[team_figures.get(who.team or "") for _, _, who in group],
            events=[events.get(agent) for _, agent, _ in group],
        )
        entry = scorecard_entry(card)  # one dict shared by the card's agents
        for (at, _, who), score in zip(group, scores, strict=True):
            at_position[at] = (who, score, entry)
    scored = [at_position[i] for i in range(position)]
    standings = grade_and_rank(
        [
            Ungraded(w.agent_id, w.team, w.site, s.total, e["content_hash"], s.cap_grades)
            for w, s, e in scored
        ],
        used,
    )
    return [
        agent_result(
            period.label, who, entry, standing, total=score.total, bonus=score.bonus,
            penalty=score.penalty, vetoes=score.vetoes, indicators=score.indicators,
            dimensions=score.dimensions, bonus_items=score.bonus_items,
            penalty_items=score.penalty_items, reasons=score.reasons,
        )
        for (who, score, entry), standing in zip(scored, standings, strict=True)
    ]  # fmt: skip


def _assigned_elsewhere(
    cards: ScorecardSet, roster: Mapping[str, Assignment]
) -> dict[str, list[str]]:
    """Agents on the roster by the hash of their scorecard, for the non-default cards."""
    assigned: dict[str, list[str]] = defaultdict(list)
    for agent, who in roster.items():
        card = card_of(cards, who)
        if card is not cards.default:
            assigned[card.content_hash].append(agent)
    return assigned


def _wants_team_figures(card: Scorecard) -> bool:
    """Whether ``card`` reads team figures: the team_value policy or shrinkage to the team."""
    return card.insufficient_sample is SamplePolicy.TEAM_VALUE or (
        card.shrinkage is not None and card.shrinkage.enabled
    )


def month_figures(
    ws: Workspace,
    period: Period,
    cards: ScorecardSet,
    roster: Mapping[str, Assignment],
    *,
    compute: ComputeFn,
    as_of: datetime | None,
    con: BaseBackend,
) -> tuple[dict[str, dict[str, Figure]], dict[str, dict[str, Figure]]]:
    """The figures each agent's scorecard needs, and its team's where a policy wants them.

    Returns ``(agent → indicator → figure, team → indicator → figure)``.
    """
    assigned = _assigned_elsewhere(cards, roster)
    figures: dict[str, dict[str, Figure]] = {}
    team_figures: dict[str, dict[str, Figure]] = {}
    # The default scorecard goes first, over every agent: the engine decides who is in
    # the period (employed in it or with records), and the other scorecards then take
    # their agents among those — never a leaver of last year named in a team list.
    active: set[str] = set()
    for card in cards.all:
        specific = card is not cards.default
        keys = sorted(a for a in assigned.get(card.content_hash, []) if a in active)
        if specific and not keys:
            continue
        params = card.indicator_params()
        ids = needed_indicators(card)
        found = _by_key(
            compute(
                ws, period, level=Level.AGENT, indicators=ids, params=params,
                as_of=as_of, con=con, keys=keys if specific else None,
            )
        )  # fmt: skip
        if not specific:
            active = set(found)
        mine = {a: f for a, f in found.items() if card_of(cards, roster.get(a)) is card}
        figures.update(mine)
        teams = sorted({t for a in mine if a in roster and (t := roster[a].team)})
        if _wants_team_figures(card) and teams:
            team_figures.update(
                _by_key(
                    compute(
                        ws, period, level=Level.TEAM, indicators=ids, params=params,
                        as_of=as_of, con=con, keys=teams,
                    )
                )
            )  # fmt: skip
    if not figures:
        raise KefuError(
            f"nothing to score for {period.label}: no agent on the roster and no records "
            "in the period; import data first (kefu import)"
        )
    return figures, team_figures


def month_events(
    ws: Workspace, period: Period, cards: ScorecardSet, con: BaseBackend
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The events of the period, only of the kinds and columns some penalty or veto reads."""
    needs: dict[str, set[str]] = defaultdict(set)
    for card in cards.all:
        for rule in card.penalties:
            needs[str(rule.event)].update(rule.where)
        for veto in card.veto:
            needs[str(veto.event)].update(veto.where)
    with gc_paused():
        return agent_events(ws, period, con, needs=needs)


@dataclass(frozen=True)
class MonthInputs:
    """What scoring a month reads: the roster, the figures and the events.

    A run (:func:`kefu.scoring.runs.score_period`) and a simulation
    (:mod:`kefu.scoring.simulation`) read them alike, then build the results
    from them with :func:`results_from`.
    """

    roster: Mapping[str, Assignment]
    figures: dict[str, dict[str, Figure]]
    team_figures: dict[str, dict[str, Figure]]
    events: dict[str, dict[str, list[dict[str, Any]]]]


def read_month(
    ws: Workspace,
    period: Period,
    cards: ScorecardSet,
    *,
    compute: ComputeFn,
    as_of: datetime | None,
    con: BaseBackend,
) -> MonthInputs:
    """The roster on the month's first day, the figures ``cards`` need and their events.

    ``as_of`` is the naive UTC instant tickets are judged at. Reads only.
    """
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as aside:
        roster = roster_on(ws, period.start, con)
        # The period's events do not depend on the figures: read them meanwhile, on a
        # connection of their own (DuckDB leaves the interpreter free while it queries).
        events_read = aside.submit(_events_apart, ws, period, cards)
        figures, team_figures = month_figures(
            ws, period, cards, roster, compute=compute, as_of=as_of, con=con
        )
        return MonthInputs(roster, figures, team_figures, events_read.result())


def _events_apart(
    ws: Workspace, period: Period, cards: ScorecardSet
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    con = ws.duckdb()
    try:
        return month_events(ws, period, cards, con)
    finally:
        con.disconnect()


def results_from(period: Period, cards: ScorecardSet, inputs: MonthInputs) -> list[AgentResult]:
    """The month's results under ``cards`` from what :func:`read_month` read (pure)."""
    return build_results(
        period,
        cards,
        inputs.roster,
        inputs.figures,
        team_figures=inputs.team_figures,
        events=inputs.events,
    )
