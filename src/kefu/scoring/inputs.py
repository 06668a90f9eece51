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

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

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


# data-model.md: valid_from defaults to hire_date, else the beginning of time.
_BEGINNING = (date.min - date(1970, 1, 1)).days


def _days(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of a date column (nulls: the beginning of time)."""
    days = pc.cast(pc.cast(column, pa.date32()), pa.int32())
    return np.asarray(pc.fill_null(days, _BEGINNING).to_numpy(zero_copy_only=False), np.int64)


def assignments_on(rows: pa.Table, day: date) -> dict[str, Assignment]:
    """Each agent's assignment in force on ``day``, from its versions in ``rows``.

    The versions of an agent are ordered by effective date (``valid_from``,
    else ``hire_date``), then batch, then their order in ``rows``; the last one
    effective on or before ``day`` is in force. An agent whose first
    assignment starts after ``day`` (hired during the period) gets that first
    assignment. Agents come in the order of their first row.
    """
    n = rows.num_rows
    if n == 0:
        return {}
    agents = np.array([str(a) for a in rows.column("agent_id").to_pylist()], dtype=object)
    ids, first, codes = np.unique(agents, return_index=True, return_inverse=True)
    effective = _days(pc.coalesce(rows.column("valid_from"), rows.column("hire_date")))
    batch = np.asarray(
        pc.fill_null(rows.column("batch_id"), 0).to_numpy(zero_copy_only=False), np.int64
    )
    order = np.lexsort((np.arange(n), batch, effective, codes))
    # Within an agent the versions in force on `day` come first (sorted by date).
    start = np.searchsorted(codes[order], np.arange(len(ids)))
    in_force = np.bincount(codes[effective <= (day - date(1970, 1, 1)).days], minlength=len(ids))
    chosen = order[start + np.maximum(in_force - 1, 0)]
    picked = rows.take(pa.array(chosen[np.argsort(first, kind="stable")]))
    columns = [picked.column(c).to_pylist() for c in ("name", "team", "site", "supervisor_id")]
    agent_ids = [str(a) for a in picked.column("agent_id").to_pylist()]
    return {
        agent: Assignment(agent, name, team, site, supervisor)
        for agent, name, team, site, supervisor in zip(agent_ids, *columns, strict=True)
    }


def roster_on(ws: Workspace, day: date, con: BaseBackend | None = None) -> dict[str, Assignment]:
    con = con or ws.duckdb()
    t = ws.facts.table(con, "agents")
    rows = t.select(
        "agent_id", "name", "team", "site", "supervisor_id", "hire_date", "valid_from", "batch_id"
    )
    return assignments_on(rows.to_pyarrow(), day)


EVENT_SOURCES = {
    # event kind: (table, period column)
    "complaint": ("complaints", "received_at"),
    "qa_fatal": ("qa_evaluations", "evaluated_at"),
    "operation_error": ("operation_errors", "occurred_at"),
}


def agent_events(
    ws: Workspace,
    period: Period,
    con: BaseBackend | None = None,
    *,
    needs: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """agent_id → event kind → the event records of the period.

    ``needs`` (event kind → the columns its rules filter on) limits the read to
    those kinds and columns (plus ``agent_id``); by default every kind is read
    whole. One query per kind, straight into Arrow.
    """
    con = con or ws.duckdb()
    start, end = period.utc_bounds(ws.timezone)
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for kind, (table, column) in EVENT_SOURCES.items():
        if needs is not None and kind not in needs:
            continue
        t = ws.facts.table(con, table)
        cond = (t[column] >= start) & (t[column] < end) & t.agent_id.notnull()
        if kind == "complaint":
            # Only complaints caused by customer service and upheld count (metrics.md).
            cond &= (t.status == "upheld") & (t.attributed.fill_null(False))
        elif kind == "qa_fatal":
            cond &= t.fatal.fill_null(False)
        found = t.filter(cond)
        if needs is not None:
            # A filter on a column the table lacks sees None, as record.get() would.
            wanted = {"agent_id", *(c for c in needs[kind] if c in t.columns)}
            found = found.select(*(c for c in t.columns if c in wanted))
        records = found.to_pyarrow()
        names = records.column_names
        columns = [records.column(c).to_pylist() for c in names]
        agents = records.column("agent_id").to_pylist()
        for agent, values in zip(agents, zip(*columns, strict=True), strict=True):
            out[str(agent)].setdefault(kind, []).append(dict(zip(names, values, strict=True)))
    return dict(out)
