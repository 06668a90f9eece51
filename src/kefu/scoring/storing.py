"""Storing a scoring run and reading its results back.

A run's results are stored once, each as canonical JSON (orjson, sorted keys,
shortest exact floats) of :meth:`AgentResult.to_stored`; the same bytes make
the run's content hash, so equal inputs give an equal hash and the stored text
of every result can be checked against it. Months (:mod:`kefu.scoring.runs`)
and quarters and years (:mod:`kefu.scoring.cycles`) both store through
:func:`store_run`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import orjson
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from kefu import audit
from kefu.errors import KefuError
from kefu.periods import Period
from kefu.scoring.diff import diff_results
from kefu.scoring.models import RunState, ScoringResult, ScoringRun
from kefu.scoring.month import gc_paused
from kefu.scoring.registry import ScorecardSet, record_version, single, workspace_scorecards
from kefu.scoring.result_model import AgentResult
from kefu.scoring.scorecard import Scorecard, load_scorecard, parse_window_hours
from kefu.store import notices
from kefu.workspace import Workspace


def serialise(result: AgentResult) -> bytes:
    """One result as stored: canonical JSON (sorted keys, shortest exact floats)."""
    return orjson.dumps(result.to_stored(), option=orjson.OPT_SORT_KEYS, default=str)


def results_hash(rows: Sequence[AgentResult], encoded: dict[str, bytes] | None = None) -> str:
    """Content hash of a run's results: equal inputs give an equal hash."""
    ordered = sorted(rows, key=lambda r: r.agent_id)
    lines = [encoded[r.agent_id] if encoded else serialise(r) for r in ordered]
    return hashlib.sha256(b"\n".join([*lines, b""])).hexdigest()


def scorecards_for(ws: Workspace, scorecard: Scorecard | Path | str | None) -> ScorecardSet:
    """The scorecards a run uses: ``scorecard`` alone, or the workspace's."""
    if scorecard is None:
        cards = workspace_scorecards(ws)
    else:
        card = scorecard if isinstance(scorecard, Scorecard) else load_scorecard(scorecard)
        cards = single(card)
    for c in cards.all:
        # Periods are read in the workspace's zone; a scorecard written for another zone
        # would silently move records between months.
        if c.timezone and c.timezone != ws.timezone:
            raise KefuError(
                f"scorecard '{c.name}' is written for time zone {c.timezone} but this "
                f"workspace reads periods in {ws.timezone}; make them agree"
            )
    return cards


@gc_paused()
def store_run(
    ws: Workspace,
    period: Period,
    rows: Sequence[AgentResult],
    cards: dict[str, Scorecard],
    *,
    batch_ids: list[int],
    as_of: datetime | None,
    actor: str,
    input_runs: list[int] | None = None,
) -> ScoringRun:
    """Store a run and its results; a revision when the period is published."""
    encoded = {r.agent_id: serialise(r) for r in rows}
    digest = results_hash(rows, encoded)
    in_use = {r.scorecard["content_hash"] for r in rows}
    with ws.db.transaction() as s:
        published = published_run(s, period)
        run = ScoringRun(
            period=period.label,
            grain=str(period.grain),
            period_start=period.start,
            period_end=period.end,
            state=RunState.SCORED,
            revision=0 if published is None else published.revision + 1,
            revision_of=None if published is None else published.id,
            scorecards=_versions(s, [cards[h] for h in sorted(in_use)], actor),
            batch_ids=batch_ids,
            input_runs=input_runs or [],
            as_of=as_of,
            results_hash=digest,
            agents=len(rows),
            created_by=actor,
        )
        if published is not None:
            run.changes = diff_results(stored_results(s, published.id), rows)
        s.add(run)
        s.flush()
        if rows:
            _insert_results(s, run.id, rows, encoded)
        _record(s, run, actor)
    return run


def _versions(s: Session, cards: Iterable[Scorecard], actor: str) -> list[dict[str, Any]]:
    """The stored version of each scorecard, as the run lists them."""
    out = []
    for card in cards:
        v = record_version(s, card, actor)
        out.append(
            {
                "name": v.name,
                "version": v.version,
                "content_hash": card.content_hash,
                "version_id": v.id,
                "repeat_window_hours": parse_window_hours(card.repeat_window),
            }
        )
    return out


def _record(s: Session, run: ScoringRun, actor: str) -> None:
    """The run's audit record and its notice."""
    audit.record(
        s,
        actor,
        "score.revise" if run.revision_of is not None else "score.run",
        "scoring_run",
        run.id,
        after={
            "period": run.period,
            "agents": run.agents,
            "results_hash": run.results_hash,
            "revision": run.revision,
            "revision_of": run.revision_of,
            "changed_agents": len(run.changes or []),
        },
    )
    notices.emit(s, notices.EventKind.SCORING_FINISHED, {"period": run.period,
                 "run_id": run.id, "agents": run.agents, "revision": run.revision,
                 "actor": actor}, actor=actor)  # fmt: skip


_INSERT_SQLITE = (
    "INSERT INTO scoring_results"
    " (run_id, agent_id, team, site, total, grade, pay_coefficient, detail_json)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))"
)


def _insert_results(
    s: Session, run_id: int, rows: Sequence[AgentResult], encoded: dict[str, bytes]
) -> None:
    """One executemany of the results, without ORM objects or per-row bookkeeping."""
    if s.get_bind().dialect.name == "sqlite":
        # SQLite takes the JSON as the encoded UTF-8 bytes and reads them as text (CAST):
        # decoding them only for the driver to encode them again, and SQLAlchemy's
        # handling of each row's parameters, were a tenth of a 10,000-agent run.
        s.connection().exec_driver_sql(
            _INSERT_SQLITE,
            [
                (
                    run_id, r.agent_id, r.team, r.site, r.total, r.grade, r.pay_coefficient,
                    encoded[r.agent_id],
                )
                for r in rows
            ],
        )  # fmt: skip
        return
    s.execute(
        insert(cast(Table, ScoringResult.__table__)),
        [
            {
                "run_id": run_id,
                "agent_id": r.agent_id,
                "team": r.team,
                "site": r.site,
                "total": r.total,
                "grade": r.grade,
                "pay_coefficient": r.pay_coefficient,
                "detail_json": encoded[r.agent_id].decode("utf-8"),
            }
            for r in rows
        ],
    )


def published_run(s: Session, period: Period) -> ScoringRun | None:
    """The newest published run of ``period``."""
    return s.scalars(
        select(ScoringRun)
        .where(ScoringRun.period == period.label, ScoringRun.state == RunState.PUBLISHED)
        .order_by(ScoringRun.id.desc())
    ).first()


def stored_results(s: Session, run_id: int) -> list[AgentResult]:
    """The results of a run in the order they were stored."""
    # Reading a 10,000-agent run builds a few million small objects, none in a cycle:
    # without the collector's passes over them it takes a third of the time.
    with gc_paused():
        found = s.scalars(
            select(ScoringResult).where(ScoringResult.run_id == run_id).order_by(ScoringResult.id)
        )
        return [r.result for r in found]


def latest_run(
    ws: Workspace, period: Period | str, *, published: bool = False
) -> ScoringRun | None:
    """The newest run of ``period`` (the newest published one with ``published=True``)."""
    period = period if isinstance(period, Period) else Period.parse(period)
    with ws.db.session() as s:
        if published:
            return published_run(s, period)
        return s.scalars(
            select(ScoringRun)
            .where(ScoringRun.period == period.label)
            .order_by(ScoringRun.id.desc())
        ).first()


def best_first(rows: Iterable[AgentResult]) -> list[AgentResult]:
    """Results by centre rank, then agent id (unranked last)."""
    return sorted(rows, key=lambda r: (r.rank_centre or 10**9, r.agent_id))


def run_results(ws: Workspace, run_id: int) -> list[AgentResult]:
    """Every result of a run, best first."""
    with ws.db.session() as s:
        return best_first(stored_results(s, run_id))
