"""Scorecards and scoring runs: from indicators to points, grades, ranks and pay.

The public API (the web app, the workflow and the reports call these)::

    from kefu import scoring
    run = scoring.score_period(ws, "2026-10", actor="cli:li")
    scoring.results(ws, "2026-10")          # one dict per agent, best first
    scoring.publish(ws, "2026-10", actor="cli:li")
    scoring.run_status(ws, "2026-10")       # open | scored | published | stale
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from kefu.scoring.scorecard import (
        Scorecard,
        ScorecardInvalid,
        default_scorecard,
        load_scorecard,
    )

# Loaded on first use, so importing one light submodule (an enum, the labels) does
# not import the whole package (the CLI's start-up depends on it).
_HOMES = {
    "RunStatus": "kefu.scoring.runs",
    "Scorecard": "kefu.scoring.scorecard",
    "ScorecardInvalid": "kefu.scoring.scorecard",
    "agent_result": "kefu.scoring.runs",
    "default_scorecard": "kefu.scoring.scorecard",
    "is_stale": "kefu.scoring.runs",
    "latest_run": "kefu.scoring.runs",
    "load_scorecard": "kefu.scoring.scorecard",
    "publish": "kefu.scoring.runs",
    "results": "kefu.scoring.runs",
    "revisions": "kefu.scoring.runs",
    "run_status": "kefu.scoring.runs",
    "score_period": "kefu.scoring.runs",
}

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


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'kefu.scoring' has no attribute {name!r}")
