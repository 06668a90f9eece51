"""The inputs of the exports, read from a workspace.

The renderers are pure; this module gathers what they need for one period:
the scoring results (optionally one team or one agent), the exact scorecard
versions that scored them, the run's state (a draft is marked as such), each
agent's recent history and the team's own indicator values.

    results, meta = load_report(ws, "2026-10", team="一组")
    pdf = team_sheets_pdf(results, meta, histories=histories(ws, "2026-10", results))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from kefu import scoring
from kefu.errors import NotFound
from kefu.periods import Period
from kefu.reports.meta import ReportMeta, ScorecardMeta, scorecard_meta_from
from kefu.reports.pdf import HISTORY_MONTHS
from kefu.reports.status import status_of
from kefu.scoring.registry import find_scorecard, load_version
from kefu.scoring.result_model import AgentResult
from kefu.scoring.runs import latest_run, run_results
from kefu.workspace import Workspace

Result = Mapping[str, Any]


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def load_results(
    ws: Workspace,
    period: Period | str,
    *,
    team: str | None = None,
    agent: str | None = None,
    published: bool = False,
) -> list[AgentResult]:
    """The period's results (newest run, or newest published one), narrowed to a team or agent."""
    label = _period(period).label
    rows = scoring.results(ws, label, published=published)
    if team is not None:
        rows = [r for r in rows if r.get("team") == team]
        if not rows:
            raise NotFound(f"team '{team}' has no results for {label}")
    if agent is not None:
        rows = [r for r in rows if str(r.get("agent_id")) == agent]
        if not rows:
            raise NotFound(f"agent {agent} has no result for {label}")
    return rows


def _scorecard_meta(ws: Workspace, result: Result) -> ScorecardMeta:
    sc = result.get("scorecard") or {}
    digest = sc.get("content_hash")
    if digest:
        try:
            return scorecard_meta_from(load_version(ws, digest), digest)
        except NotFound:
            pass  # a run older than version recording: fall back to the name
    return scorecard_meta_from(find_scorecard(ws, sc.get("name")))


def report_meta(
    ws: Workspace,
    period: Period | str,
    results: Sequence[Result],
    *,
    published: bool = False,
    title: str | None = None,
) -> ReportMeta:
    """The scorecards behind ``results`` and the state of the run they come from."""
    label = _period(period).label
    cards: dict[str, ScorecardMeta] = {}
    for r in results:
        sc = r.get("scorecard") or {}
        key = sc.get("content_hash") or f"{sc.get('name')}\x00{sc.get('version')}"
        if key not in cards:
            cards[key] = _scorecard_meta(ws, r)
    if not cards:
        cards["default"] = scorecard_meta_from(find_scorecard(ws))
    run = latest_run(ws, label, published=published)
    status = None
    label_run = None
    if run is not None:
        status = status_of(ws, run)
        label_run = f"#{run.id}" + (f" rev {run.revision}" if run.revision else "")
    return ReportMeta.of(*cards.values(), title=title, status=status, run=label_run)


def load_report(
    ws: Workspace,
    period: Period | str,
    *,
    team: str | None = None,
    agent: str | None = None,
    published: bool = False,
) -> tuple[list[AgentResult], ReportMeta]:
    """Results and their metadata, ready for any renderer."""
    rows = load_results(ws, period, team=team, agent=agent, published=published)
    return rows, report_meta(ws, period, rows, published=published)


def history_months(period: Period | str, months: int = HISTORY_MONTHS) -> list[str]:
    """The ``months`` month labels ending with the period's last month, oldest first."""
    last = Period.month_of(_period(period).end - timedelta(days=1))
    labels = [last]
    while len(labels) < months:
        labels.insert(0, Period.month_of(labels[0].start - timedelta(days=1)))
    return [p.label for p in labels]


def histories(
    ws: Workspace,
    period: Period | str,
    agent_ids: Sequence[str],
    *,
    published: bool = False,
    months: int = HISTORY_MONTHS,
) -> dict[str, list[dict[str, Any]]]:
    """Each agent's totals in the last ``months`` scored months up to ``period``."""
    wanted = set(agent_ids)
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in agent_ids}
    for label in history_months(period, months):
        run = latest_run(ws, label, published=published)
        if run is None:
            continue
        for r in run_results(ws, run.id):
            if r["agent_id"] in wanted:
                out[r["agent_id"]].append(
                    {
                        "period": label,
                        "total": r.get("total"),
                        "grade": r.get("grade"),
                        "rank_team": r.get("rank_team"),
                    }
                )
    return out


def team_values(
    ws: Workspace, period: Period | str, results: Sequence[Result]
) -> dict[str, dict[str, float | None]]:
    """Each team's own indicator values (Σ numerators / Σ denominators) and mean total.

    Computed by the indicator engine at team level with the parameters of the
    scorecard that scored the team's agents, as of the run's instant.
    """
    from kefu.metrics import compute
    from kefu.metrics.figures import Level

    label = _period(period).label
    run = latest_run(ws, label)
    as_of = run.as_of.replace(tzinfo=None) if run is not None and run.as_of else None
    by_card: dict[str, tuple[Any, set[str]]] = {}
    totals: dict[str, list[float]] = {}
    for r in results:
        team = r.get("team")
        if team is None:
            continue
        if r.get("total") is not None:
            totals.setdefault(str(team), []).append(float(r["total"]))
        digest = (r.get("scorecard") or {}).get("content_hash") or ""
        if digest not in by_card:
            try:
                card = load_version(ws, digest) if digest else find_scorecard(ws)
            except NotFound:
                card = find_scorecard(ws, (r.get("scorecard") or {}).get("name"))
            by_card[digest] = (card, set())
        by_card[digest][1].add(str(team))
    out: dict[str, dict[str, float | None]] = {}
    con = ws.duckdb()
    try:
        for card, teams in by_card.values():
            figures = compute(
                ws,
                label,
                level=Level.TEAM,
                indicators=card.indicator_ids,
                params=card.indicator_params(),
                as_of=as_of,
                con=con,
                keys=sorted(teams),
            )
            for f in figures:
                out.setdefault(f.key, {})[f.indicator] = f.value
    finally:
        con.disconnect()
    for team, values in totals.items():
        out.setdefault(team, {})["total"] = sum(values) / len(values)
    return out
