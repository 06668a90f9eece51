"""Scoring runs: score a period, publish it, revise it, and read the results.

A month is *open* until scored, *scored* (can be re-scored freely),
*published* (frozen: results immutable) and *stale* when an import committed
after the run touches the period. Re-scoring a published period creates a
revision that lists, per agent, what changed and why::

    run = score_period(ws, "2026-10", actor="cli:li")
    publish(ws, "2026-10", actor="cli:li")
    results(ws, "2026-10")[0].total
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kefu import audit
from kefu.errors import KefuError, NotFound, UsageError
from kefu.ingest.outbox import flush
from kefu.periods import Grain, Period
from kefu.scoring.cycles import month_runs, score_cycle
from kefu.scoring.models import RunState, ScoringResult, ScoringRun
from kefu.scoring.month import ComputeFn, default_compute, gc_paused, read_month, results_from
from kefu.scoring.result_model import AgentResult
from kefu.scoring.scorecard import Scorecard
from kefu.scoring.storing import (
    latest_run,
    results_hash,
    run_results,
    scorecards_for,
    store_run,
)
from kefu.store import notices
from kefu.store.appdb import utcnow
from kefu.store.catalog import ImportBatch
from kefu.workspace import Workspace

# Read from here by callers of the lifecycle; they live with the storing.
__all__ = ["latest_run", "results_hash", "run_results"]


class RunStatus(StrEnum):
    OPEN = "open"
    SCORED = "scored"
    PUBLISHED = "published"
    STALE = "stale"


def as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return utcnow()
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@notices.emit_on_failure(
    notices.EventKind.SCORING_FAILED, lambda a: {"period": str(a["period"]), "actor": a["actor"]}
)
def score_period(
    ws: Workspace,
    period: Period | str,
    *,
    scorecard: Scorecard | Path | str | None = None,
    actor: str,
    as_of: datetime | None = None,
    compute: ComputeFn | None = None,
) -> ScoringRun:
    """Score every agent of ``period`` (a month, quarter or year) and store the run.

    ``as_of`` is the instant tickets are judged at (default now); it is
    recorded so a run can be recomputed exactly. ``compute`` replaces the
    indicator engine (tests, benchmarks).
    """
    period = as_period(period)
    if period.grain is Grain.DAY:
        raise UsageError("score a month, quarter or year; for a day use `kefu monitor`")
    if period.grain in (Grain.QUARTER, Grain.YEAR):
        return score_cycle(
            ws,
            period,
            scorecard=scorecard,
            actor=actor,
            compute=compute,
            as_of=None if as_of is None else _aware(as_of),
        )
    moment = _aware(as_of)
    # Records the application store still owes the fact store (plan items) count too.
    flush(ws, actor)
    batch_ids = sorted(b.id for b in ws.facts.committed_batches())
    cards = scorecards_for(ws, scorecard)
    con = ws.duckdb()
    # A run is a bounded batch that builds millions of small objects (figures, results),
    # none in a reference cycle, all dropped once stored. With the collector running, its
    # full passes walked every one of them again and again (nine passes, a second in all
    # at 10,000 agents) to free nothing; it resumes when the run is stored.
    with gc_paused():
        inputs = read_month(
            ws,
            period,
            cards,
            compute=compute or default_compute(),
            as_of=moment.replace(tzinfo=None),
            con=con,
        )
        rows = results_from(period, cards, inputs)
        used = {c.content_hash: c for c in cards.all}
        run = store_run(ws, period, rows, used, batch_ids=batch_ids, as_of=moment, actor=actor)
        del rows, inputs
    return run


# -- queries -------------------------------------------------------------------
def _require(ws: Workspace, period: Period | str, published: bool) -> ScoringRun:
    run = latest_run(ws, period, published=published)
    if run is None:
        label = as_period(period).label
        what = "published" if published else "scored"
        raise NotFound(f"{label} has not been {what} yet; run `kefu score --period {label}`")
    return run


def results(ws: Workspace, period: Period | str, *, published: bool = False) -> list[AgentResult]:
    """One result per agent of the newest run (best first)."""
    return run_results(ws, _require(ws, period, published).id)


def agent_result(
    ws: Workspace, period: Period | str, agent_id: str, *, published: bool = False
) -> AgentResult:
    run = _require(ws, period, published)
    with ws.db.session() as s:
        found = s.scalars(
            select(ScoringResult).where(
                ScoringResult.run_id == run.id, ScoringResult.agent_id == agent_id
            )
        ).first()
    if found is None:
        raise NotFound(f"agent {agent_id} has no result for {run.period}")
    return found.result


def revisions(ws: Workspace, period: Period | str) -> list[dict[str, Any]]:
    """Every revision of a published period, oldest first, with its per-agent changes."""
    label = as_period(period).label
    with ws.db.session() as s:
        runs = s.scalars(
            select(ScoringRun)
            .where(ScoringRun.period == label, ScoringRun.revision_of.is_not(None))
            .order_by(ScoringRun.id)
        )
        return [
            {
                "run_id": r.id,
                "revision": r.revision,
                "revision_of": r.revision_of,
                "state": r.state,
                "created_at": r.created_at,
                "created_by": r.created_by,
                "published_at": r.published_at,
                "changes": r.changes or [],
            }
            for r in runs
        ]


def _touches(batch: ImportBatch, run: ScoringRun) -> bool:
    start, end = run.period_start, run.period_end
    if batch.table_name == "agents":
        # A roster change effective before the period's end can move an agent's team;
        # rows without valid_from are in force from the beginning of time.
        return batch.period_start is None or batch.period_start < end
    if batch.period_start is None or batch.period_end is None:
        return False
    if batch.table_name == "contacts":
        # A repeat contact after the period end still breaks FCR inside it.
        hours = max((c.get("repeat_window_hours", 48.0) for c in run.scorecards), default=48.0)
        end = end + timedelta(days=int(hours // 24) + 1)
    return batch.period_start < end and batch.period_end >= start


#: The committed and the retracted batches, read once for several runs (a period picker).
Catalog = tuple[Sequence[ImportBatch], Sequence[ImportBatch]]


def catalog(ws: Workspace) -> Catalog:
    return ws.facts.committed_batches(), ws.facts.retracted_batches()


def stale_batches(ws: Workspace, run: ScoringRun, batches: Catalog | None = None) -> list[int]:
    """Batches that touch the run's period and count otherwise than when it was made:
    committed ones not in its inputs, and retracted ones that were."""
    committed, retracted = batches if batches is not None else catalog(ws)
    used = set(run.batch_ids or [])
    added = [b.id for b in committed if b.id not in used and _touches(b, run)]
    gone = [b.id for b in retracted if b.id in used and _touches(b, run)]
    return sorted(added + gone)


def is_stale(ws: Workspace, run: ScoringRun, batches: Catalog | None = None) -> bool:
    if stale_batches(ws, run, batches):
        return True
    if run.input_runs:
        current = [r.id for r in month_runs(ws, as_period(run.period))]
        return current != list(run.input_runs)
    return False


def run_status(ws: Workspace, period: Period | str) -> RunStatus:
    run = latest_run(ws, period)
    if run is None:
        return RunStatus.OPEN
    if is_stale(ws, run):
        return RunStatus.STALE
    return RunStatus(run.state)


def publish(ws: Workspace, period: Period | str, actor: str) -> ScoringRun:
    """Freeze the newest run of ``period``: its results can no longer change."""
    period = as_period(period)
    run = _require(ws, period, published=False)
    if run.state == RunState.PUBLISHED:
        raise KefuError(
            f"{period.label} is already published (run {run.id}); re-score it to revise"
        )
    if is_stale(ws, run):
        raise KefuError(
            f"the scores of {period.label} are stale (data imported since run {run.id}); "
            f"run `kefu score --period {period.label}` before publishing"
        )
    with ws.db.transaction() as s:
        fresh = s.get(ScoringRun, run.id)
        assert fresh is not None
        fresh.state = RunState.PUBLISHED
        fresh.published_at = utcnow()
        fresh.published_by = actor
        audit.record(
            s,
            actor,
            "score.publish",
            "scoring_run",
            run.id,
            before={"state": RunState.SCORED},
            after={
                "state": RunState.PUBLISHED,
                "period": period.label,
                "revision": fresh.revision,
                "results_hash": fresh.results_hash,
            },
        )
        notices.emit(s, notices.EventKind.RESULTS_PUBLISHED, {"period": period.label,
                     "run_id": run.id, "revision": fresh.revision}, actor=actor)  # fmt: skip
    return fresh


def scored_periods(ws: Workspace, grain: Grain = Grain.MONTH) -> list[str]:
    """Labels of the periods of ``grain`` with at least one run, newest first."""
    with ws.db.session() as s:
        labels = s.scalars(
            select(ScoringRun.period).where(ScoringRun.grain == str(grain)).distinct()
        )
        return sorted(labels, reverse=True)


def period_dates(run: ScoringRun) -> tuple[date, date]:
    return run.period_start, run.period_end
