"""Reading a stored run's results for pages: the whole run, one team, one agent.

A run's results never change once stored: re-scoring (a draft or a published
period) stores a new run, and database triggers refuse edits of published
results. Pages therefore keep the runs they read in a small in-process cache
instead of decoding a whole run on every request (at 10,000 agents that was
0.8 s and 200 MB of dicts per page)::

    stored = run_rows(ws, run)
    stored.team("成都一组"), stored.agent("KF10068"), stored.team_means["成都一组"]

The cache is keyed by the database, the run id *and* the run's content hash
(:func:`kefu.scoring.storing.results_hash`): even if a run were deleted and its id
given to a new run, the new content has another key, so a re-scored draft is
never answered from the old one. It holds at most :data:`MAX_ROWS` results
(least recently used runs leave first). The results are shared between
requests; they are frozen (:class:`~kefu.scoring.result_model.AgentResult`).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select

from kefu.scoring.models import ScoringResult, ScoringRun
from kefu.scoring.result_model import AgentResult
from kefu.scoring.storing import best_first, stored_results
from kefu.workspace import Workspace

T = TypeVar("T")

#: Results kept in memory across runs: a 10,000-agent centre's three newest months.
MAX_ROWS = 30_000


@dataclass(frozen=True)
class RunRows:
    """The results of one run, best first, with the look-ups pages need."""

    run_id: int
    rows: list[AgentResult]
    by_agent: dict[str, AgentResult] = field(repr=False)
    by_team: dict[str, list[AgentResult]] = field(repr=False)
    #: Mean total per team ("" for agents without a team).
    team_means: dict[str, float] = field(repr=False)
    #: Agents per site.
    site_heads: Counter[Any] = field(repr=False)
    #: Every team of the run, sorted ("" for agents without a team).
    teams: list[str] = field(repr=False)
    #: The results of each scorecard version (content hash) that scored the run, in order.
    by_scorecard: dict[str, list[AgentResult]] = field(repr=False)
    #: Figures derived from the whole run once (grading population sizes), by their key:
    #: the run never changes, so neither do they.
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, run_id: int, rows: list[AgentResult]) -> RunRows:
        by_team: dict[str, list[AgentResult]] = defaultdict(list)
        by_scorecard: dict[str, list[AgentResult]] = defaultdict(list)
        totals: dict[str, list[float]] = defaultdict(list)
        for r in rows:
            team = r.team or ""
            by_team[team].append(r)
            totals[team].append(r.total)
            by_scorecard[str((r.get("scorecard") or {}).get("content_hash"))].append(r)
        return cls(
            run_id=run_id,
            rows=rows,
            by_agent={r.agent_id: r for r in rows},
            by_team=dict(by_team),
            team_means={t: sum(v) / len(v) for t, v in totals.items()},
            site_heads=Counter(r.site for r in rows),
            teams=sorted(by_team),
            by_scorecard=dict(by_scorecard),
        )

    def team(self, team: str) -> list[AgentResult]:
        """The team's results, best first (empty for an unknown team)."""
        return self.by_team.get(team, [])

    def agent(self, agent_id: str) -> AgentResult | None:
        return self.by_agent.get(agent_id)

    def once(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for, the kept answer after."""
        if key not in self.derived:
            self.derived[key] = compute()
        found: T = self.derived[key]
        return found

    def scored_by(self, content_hash: str) -> list[AgentResult]:
        """The results that ``content_hash``'s scorecard scored (empty for another)."""
        return self.by_scorecard.get(content_hash, [])


class _Cache:
    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.runs: OrderedDict[tuple[str, int, str], RunRows] = OrderedDict()
        self.lock = threading.Lock()
        # One loader per run: twenty first requests for a new run decode it once.
        self.loading: dict[tuple[str, int, str], threading.Lock] = {}

    def get(self, key: tuple[str, int, str]) -> RunRows | None:
        with self.lock:
            found = self.runs.get(key)
            if found is not None:
                self.runs.move_to_end(key)
            return found

    def put(self, key: tuple[str, int, str], value: RunRows) -> None:
        with self.lock:
            self.runs[key] = value
            self.runs.move_to_end(key)
            # The newest run stays even when it alone is larger than the bound.
            while len(self.runs) > 1 and self._size() > self.max_rows:
                self.runs.popitem(last=False)

    def _size(self) -> int:
        return sum(len(r.rows) for r in self.runs.values())

    def loader(self, key: tuple[str, int, str]) -> threading.Lock:
        with self.lock:
            return self.loading.setdefault(key, threading.Lock())

    def loaded(self, key: tuple[str, int, str]) -> None:
        with self.lock:
            self.loading.pop(key, None)

    def clear(self) -> None:
        with self.lock:
            self.runs.clear()


_CACHE = _Cache(MAX_ROWS)


def _key(ws: Workspace, run: ScoringRun) -> tuple[str, int, str]:
    return (ws.database_url, int(run.id), str(run.results_hash))


def _read(ws: Workspace, run_id: int) -> list[AgentResult]:
    with ws.db.session() as s:
        return best_first(stored_results(s, run_id))


def run_rows(ws: Workspace, run: ScoringRun) -> RunRows:
    """Every result of ``run`` (best first), read once and kept while in use."""
    key = _key(ws, run)
    found = _CACHE.get(key)
    if found is not None:
        return found
    with _CACHE.loader(key):
        found = _CACHE.get(key)
        if found is None:
            found = RunRows.of(int(run.id), _read(ws, int(run.id)))
            _CACHE.put(key, found)
    _CACHE.loaded(key)
    return found


def agent_row(ws: Workspace, run: ScoringRun, agent_id: str) -> AgentResult | None:
    """One agent's result of ``run``: from the cache when the run is there, else one row
    read by its index (a sheet's six-month trend reads six runs this way)."""
    cached = _CACHE.get(_key(ws, run))
    if cached is not None:
        return cached.agent(agent_id)
    with ws.db.session() as s:
        found = s.scalars(
            select(ScoringResult).where(
                ScoringResult.run_id == run.id, ScoringResult.agent_id == agent_id
            )
        ).first()
        return None if found is None else found.result


def forget() -> None:
    """Empty the cache (tests; nothing else needs to: stored runs never change)."""
    _CACHE.clear()
