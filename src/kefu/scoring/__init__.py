"""Scorecards and scoring runs: from indicators to points, grades, ranks and pay.

The public API (the web app, the workflow and the reports call these)::

    from kefu import scoring
    run = scoring.score_period(ws, "2026-10", actor="cli:li")
    scoring.results(ws, "2026-10")          # one dict per agent, best first
    scoring.publish(ws, "2026-10", actor="cli:li")
    scoring.run_status(ws, "2026-10")       # open | scored | published | stale
"""

from __future__ import annotations

from kefu.scoring.runs import (
    RunStatus,
    agent_result,
    is_stale,
    latest_run,
    publish,
    results,
    revisions,
    run_status,
    score_period,
)
from kefu.scoring.scorecard import Scorecard, ScorecardInvalid, default_scorecard, load_scorecard

__all__ = [
    "RunStatus",
    "Scorecard",
    "ScorecardInvalid",
    "agent_result",
    "default_scorecard",
    "is_stale",
    "latest_run",
    "load_scorecard",
    "publish",
    "results",
    "revisions",
    "run_status",
    "score_period",
]
