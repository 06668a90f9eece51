"""What waits for QA (质检) on their home page: appeals to decide, recent evaluations,
and the weakest points of the latest month of evaluations.

The QA export (qa_evaluations) has no per-item check list, only the evaluation's
criteria: the compliance score (规范得分), information accuracy (信息正确项数 of
信息核查项数) and the fatal-error flag (致命错误). The weakest points are therefore the
criteria of the latest month with their centre-wide results, and the agents with the
most fatal errors (then the lowest mean compliance score).

    desk = qa_desk(ws, user)
    desk.appeals, desk.recent, desk.month, desk.criteria, desk.attention
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kefu.periods import Period
from kefu.users.roles import Principal
from kefu.workflow.appeals import can_decide, list_appeals
from kefu.workflow.models import Appeal, AppealState
from kefu.workspace import Workspace

RECENT = 10
ATTENTION = 5
_COLUMNS = ("evaluation_id", "agent_id", "evaluated_at", "compliance_score", "info_checked",
            "info_correct", "fatal")  # fmt: skip


@dataclass
class Criterion:
    """One evaluation criterion over the month: ``value`` is a mean score or a rate."""

    key: str  # compliance_score | info_accuracy | fatal_rate
    value: float | None
    evaluations: int
    #: True when lower is better (the fatal-error rate).
    lower_better: bool = False


@dataclass
class QaDesk:
    appeals: list[Appeal] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)
    month: str | None = None
    criteria: list[Criterion] = field(default_factory=list)
    attention: list[dict[str, Any]] = field(default_factory=list)


def appeals_to_decide(ws: Workspace, user: Principal) -> list[Appeal]:
    """Open appeals ``user`` may decide (not their own), oldest first: first filed, first due."""
    open_ = list_appeals(ws, user, state=AppealState.OPEN)
    return sorted((a for a in open_ if can_decide(user, a)), key=lambda a: a.id)


def _evaluations(ws: Workspace) -> list[dict[str, Any]]:
    con = ws.duckdb()
    t = ws.facts.table(con, "qa_evaluations")
    rows: list[dict[str, Any]] = t.select(*_COLUMNS).to_pyarrow().to_pylist()
    return rows


def _names(ws: Workspace) -> dict[str, str]:
    con = ws.duckdb()
    t = ws.facts.table(con, "agents")
    # The newest roster row of each agent names them (a rename takes effect).
    rows = t.select("agent_id", "name", "batch_id").order_by("batch_id").to_pyarrow().to_pylist()
    return {str(r["agent_id"]): str(r["name"]) for r in rows if r["name"]}


def _month_of(moment: datetime, tz: str) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))
    return f"{local.year}-{local.month:02d}"


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _criteria(rows: list[dict[str, Any]]) -> list[Criterion]:
    scores = [float(r["compliance_score"]) for r in rows if r["compliance_score"] is not None]
    checked = sum(int(r["info_checked"] or 0) for r in rows if r["info_correct"] is not None)
    correct = sum(int(r["info_correct"] or 0) for r in rows if r["info_correct"] is not None)
    flagged = [r for r in rows if r["fatal"] is not None]
    fatal = sum(1 for r in flagged if r["fatal"])
    found = [
        Criterion("compliance_score", _mean(scores), len(scores)),
        Criterion("info_accuracy", correct / checked if checked else None, checked),
        Criterion("fatal_rate", fatal / len(flagged) if flagged else None, len(flagged), True),
    ]

    # Weakest first: the share of the best possible each reaches (100 points, 100 %, 0 %).
    def shortfall(c: Criterion) -> float:
        if c.value is None:
            return -1.0
        reached = c.value / 100 if c.key == "compliance_score" else c.value
        return reached if c.lower_better else 1 - reached

    return sorted(found, key=shortfall, reverse=True)


def _attention(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    per: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        per[str(r["agent_id"])].append(r)
    out = []
    for agent, evals in per.items():
        scores = [float(e["compliance_score"]) for e in evals if e["compliance_score"] is not None]
        out.append(
            {
                "agent_id": agent,
                "name": names.get(agent, agent),
                "evaluations": len(evals),
                "fatal": sum(1 for e in evals if e["fatal"]),
                "compliance_score": _mean(scores),
            }
        )

    def worst_first(a: dict[str, Any]) -> tuple[int, float, str]:
        # No score at all sorts after every score (a mean is at most 100).
        score = a["compliance_score"]
        return -a["fatal"], 101.0 if score is None else score, a["agent_id"]

    out.sort(key=worst_first)
    return out[:ATTENTION]


def qa_desk(ws: Workspace, user: Principal) -> QaDesk:
    """Everything the QA home shows (the evaluations of the whole centre: QA sees them all)."""
    desk = QaDesk(appeals=appeals_to_decide(ws, user))
    rows = [r for r in _evaluations(ws) if r["evaluated_at"] is not None]
    if not rows:
        return desk
    names = _names(ws)
    rows.sort(key=lambda r: (r["evaluated_at"], str(r["evaluation_id"])), reverse=True)
    desk.recent = [{**r, "name": names.get(str(r["agent_id"]), str(r["agent_id"]))}
                   for r in rows[:RECENT]]  # fmt: skip
    desk.month = _month_of(rows[0]["evaluated_at"], ws.timezone)
    start, end = Period.parse(desk.month).utc_bounds(ws.timezone)
    in_month = [r for r in rows if start <= r["evaluated_at"] < end]
    desk.criteria = _criteria(in_month)
    desk.attention = _attention(in_month, names)
    return desk
