"""Scoring speed: a whole month of agents on top of the indicators.

Two measurements per size (contacts in the month; 3,000 per agent, so the
default 30 M is the 10,000-agent centre of the goal):

- ``workspace``: :func:`kefu.scoring.score_period` with the default scorecard
  on the workspace built by :mod:`bench.metrics` (same data). The indicator
  engine is timed separately inside the run, so scoring time = run time −
  indicator time (rules, events, grades, ranks and storing the results). The
  process is warmed first: loading Ibis' DuckDB backend and pandas is a one-off
  cost both parts share, paid by whichever queries first.
- ``synthetic``: the pure scoring step (:func:`kefu.scoring.month.build_results`)
  on generated figures for as many agents, without any I/O.

Goal: scoring < 10 % of the indicator time.

    python -m bench.run --only scoring --sizes 300000
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import Any

import numpy as np

DEFAULT_SIZES = [30_000_000]
CONTACTS_PER_AGENT_MONTH = 3000
MONTH = "2026-10"
GOAL_SHARE = 0.10
AS_OF = datetime(2026, 11, 20)


class _TimedCompute:
    """The indicator engine, with the time spent in it recorded."""

    def __init__(self) -> None:
        from kefu.metrics import compute

        self.compute = compute
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        begun = time.perf_counter()
        try:
            return self.compute(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - begun


def _workspace(size: int) -> dict[str, Any]:
    # The same data as the indicator benchmark, built once and reused.
    from bench.metrics import build

    return measure(build(size))


def measure(home: Any) -> dict[str, Any]:
    """Score the month of the workspace at ``home``, timing the indicators apart."""
    from kefu.scoring import score_period
    from kefu.workspace import Workspace

    ws = Workspace.open(home)
    try:
        # Loading Ibis' DuckDB backend and pandas is a once-per-process cost that the
        # indicator engine and scoring share; whichever queries first would pay it.
        import ibis

        warm = ws.duckdb()
        one = ibis.memtable({"x": [1]})
        warm.to_pyarrow(one)
        warm.to_pandas(one)
        warm.disconnect()
        timed = _TimedCompute()
        begun = time.perf_counter()
        run = score_period(ws, MONTH, actor="bench", as_of=AS_OF, compute=timed)
        total = time.perf_counter() - begun
    finally:
        ws.close()
    scoring = total - timed.seconds
    return {
        "agents": run.agents,
        "run_seconds": round(total, 3),
        "indicator_seconds": round(timed.seconds, 3),
        "scoring_seconds": round(scoring, 3),
        "scoring_share": round(scoring / timed.seconds, 4) if timed.seconds else None,
    }


def _synthetic(agents: int) -> dict[str, Any]:
    from kefu.metrics.figures import Figure, Level, Status
    from kefu.periods import Period
    from kefu.scoring.inputs import Assignment
    from kefu.scoring.month import build_results
    from kefu.scoring.registry import single
    from kefu.scoring.scorecard import default_scorecard

    card = default_scorecard()
    g = np.random.default_rng(2026)
    ids = [f"A{i:05d}" for i in range(agents)]
    roster = {a: Assignment(a, a, f"T{i // 12:04d}", f"S{i % 3}") for i, a in enumerate(ids)}
    wanted = [*card.indicator_ids, "praise_count"]
    figures: dict[str, dict[str, Figure]] = {}
    for a in ids:
        row = {}
        for ind in wanted:
            v = float(g.uniform(0, 1)) if ind != "aht_avg" else float(g.uniform(100, 600))
            n = int(g.integers(0, 200))
            row[ind] = Figure(MONTH, Level.AGENT, a, ind, v, v * n, n, n, Status.OK)
        figures[a] = row
    events = {a: {"complaint": [{"severity": "major"}]} for a in ids[::50]}
    begun = time.perf_counter()
    rows = build_results(Period.parse(MONTH), single(card), roster, figures, events=events)
    seconds = time.perf_counter() - begun
    return {"agents": len(rows), "seconds": round(seconds, 3)}


def run(sizes: list[int] | None = None) -> dict[str, Any]:
    out = []
    for size in sizes or DEFAULT_SIZES:
        agents = max(2, math.ceil(size / CONTACTS_PER_AGENT_MONTH))
        entry = {"contacts": size, "workspace": _workspace(size), "synthetic": _synthetic(agents)}
        share = entry["workspace"]["scoring_share"]
        entry["goal_met"] = share is not None and share < GOAL_SHARE
        print(
            f"scoring {size:,} contacts / {entry['workspace']['agents']:,} agents: "
            f"indicators {entry['workspace']['indicator_seconds']} s, scoring "
            f"{entry['workspace']['scoring_seconds']} s ({share:.1%} of the indicators); "
            f"pure rules for {agents:,} agents {entry['synthetic']['seconds']} s"
        )
        out.append(entry)
    return {"goal": f"scoring < {GOAL_SHARE:.0%} of the indicator time", "sizes": out}
