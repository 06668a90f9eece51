"""What scoring reads from the fact store besides the indicators.

* the roster: an agent's name, team and site on a given day (the team on the
  first day of the period chooses the scorecard and the ranking population);
* the events behind penalties and vetoes: upheld attributed complaints, QA
  evaluations with a fatal error, operation errors — current record versions,
  placed in periods by their period column like every indicator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kefu.periods import Period

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace


@dataclass(frozen=True)
class Assignment:
    agent_id: str
    name: str | None
    team: str | None
    site: str | None
    supervisor_id: str | None = None


def _effective(row: Mapping[str, Any]) -> date:
    # data-model.md: valid_from defaults to hire_date, else the beginning of time.
    return row.get("valid_from") or row.get("hire_date") or date.min


def assignments_on(rows: Iterable[Mapping[str, Any]], day: date) -> dict[str, Assignment]:
    """Each agent's assignment in force on ``day``.

    An agent whose first assignment starts after ``day`` (hired during the
    period) gets that first assignment.
    """
    by_agent: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_agent[str(row["agent_id"])].append(row)
    out = {}
    for agent, versions in by_agent.items():
        versions.sort(key=lambda r: (_effective(r), r.get("batch_id") or 0))
        current = [r for r in versions if _effective(r) <= day]
        row = current[-1] if current else versions[0]
        out[agent] = Assignment(
            agent_id=agent,
            name=row.get("name"),
            team=row.get("team"),
            site=row.get("site"),
            supervisor_id=row.get("supervisor_id"),
        )
    return out


def roster_on(ws: Workspace, day: date, con: BaseBackend | None = None) -> dict[str, Assignment]:
    con = con or ws.duckdb()
    t = ws.facts.table(con, "agents")
    rows = t.select(
        "agent_id", "name", "team", "site", "supervisor_id", "hire_date", "valid_from", "batch_id"
    ).to_pyarrow()
    return assignments_on(rows.to_pylist(), day)


EVENT_SOURCES = {
    # event kind: (table, period column)
    "complaint": ("complaints", "received_at"),
    "qa_fatal": ("qa_evaluations", "evaluated_at"),
    "operation_error": ("operation_errors", "occurred_at"),
}


def agent_events(
    ws: Workspace, period: Period, con: BaseBackend | None = None
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """agent_id → event kind → the event records of the period."""
    con = con or ws.duckdb()
    start, end = period.utc_bounds(ws.timezone)
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for kind, (table, column) in EVENT_SOURCES.items():
        t = ws.facts.table(con, table)
        cond = (t[column] >= start) & (t[column] < end) & t.agent_id.notnull()
        if kind == "complaint":
            # Only complaints caused by customer service and upheld count (metrics.md).
            cond &= (t.status == "upheld") & (t.attributed.fill_null(False))
        elif kind == "qa_fatal":
            cond &= t.fatal.fill_null(False)
        for rec in t.filter(cond).to_pyarrow().to_pylist():
            out[str(rec["agent_id"])][kind].append(rec)
    return {a: dict(kinds) for a, kinds in out.items()}
