"""Attribution of records to levels: agent, team, site, centre.

Team and site come from the agent's effective-dated assignment on the
record's date (agents rows with ``valid_from``; the latest ``valid_from`` ≤
the record's local date wins). Rather than converting every record to a
local date, each assignment interval ``[valid_from, next valid_from)`` of
local dates is converted once, in Python with :mod:`zoneinfo`, into naive-UTC
instants; timestamp records are then compared with those instants and date
records with the dates. That is exact across DST changes and needs no
time-zone support from the engine.

A ``valid_from`` that is missing means the agent's ``hire_date``, or the
beginning of time. A record dated before an agent's first assignment is
attributed to that first assignment rather than to no team at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from kefu.metrics.figures import Level

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
    from kefu.metrics.sources import Source
    from kefu.periods import Period
else:
    from kefu.metrics.lazy import ibis

CENTRE = "centre"
_EARLIEST = date(1900, 1, 1)
_LATEST = date(9999, 1, 1)


@dataclass(frozen=True)
class Assignment:
    agent_id: str
    team: str | None
    site: str | None
    start: date  # local, inclusive
    end: date  # local, exclusive


@dataclass
class Roster:
    """The agents table of a workspace, as effective-dated assignments."""

    assignments: list[Assignment]
    rows: list[dict[str, Any]]
    timezone: str

    @classmethod
    def load(cls, ctx: Ctx) -> Roster:
        return cls.from_rows(ctx.run(ctx.table("agents"), "roster").to_pylist(), ctx.timezone)

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]], timezone: str) -> Roster:
        """The roster of the agents table's current rows (as dicts)."""
        by_agent: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_agent.setdefault(r["agent_id"], []).append(r)
        assignments = []
        for agent_id, agent_rows in by_agent.items():
            ordered = sorted(
                agent_rows, key=lambda r: r["valid_from"] or r["hire_date"] or _EARLIEST
            )
            for i, r in enumerate(ordered):
                start = _EARLIEST if i == 0 else (r["valid_from"] or r["hire_date"] or _EARLIEST)
                nxt = ordered[i + 1] if i + 1 < len(ordered) else None
                end = (nxt["valid_from"] or nxt["hire_date"] or _EARLIEST) if nxt else _LATEST
                if end > start:
                    assignments.append(Assignment(agent_id, r["team"], r["site"], start, end))
        return cls(assignments, rows, timezone)

    # -- keys -----------------------------------------------------------------
    def active_agents(self, start: date, end: date) -> set[str]:
        """Agents employed at some point of ``[start, end)``.

        Employment runs from the earliest ``hire_date`` of the agent's rows to the
        ``leave_date`` of the latest assignment (the HR export's current state).
        """
        by_agent: dict[str, list[dict[str, Any]]] = {}
        for r in self.rows:
            by_agent.setdefault(r["agent_id"], []).append(r)
        out = set()
        for agent_id, rows in by_agent.items():
            hired = min((r["hire_date"] for r in rows if r["hire_date"]), default=_EARLIEST)
            latest = max(rows, key=lambda r: r["valid_from"] or r["hire_date"] or _EARLIEST)
            left = latest["leave_date"]
            if hired < end and (left is None or left >= start):
                out.add(agent_id)
        return out

    def keys(self, level: Level, start: date, end: date) -> set[str]:
        """Every key of ``level`` that the roster says exists in ``[start, end)``."""
        if level is Level.CENTRE:
            return {CENTRE}
        active = self.active_agents(start, end)
        if level is Level.AGENT:
            return active
        column = "team" if level is Level.TEAM else "site"
        return {
            getattr(a, column)
            for a in self.assignments
            if a.agent_id in active and a.start < end and a.end > start and getattr(a, column)
        }

    # -- attribution ------------------------------------------------------------
    def _utc(self, d: date) -> datetime:
        if d <= _EARLIEST:
            return datetime(1900, 1, 1)
        if d >= _LATEST:
            return datetime(9999, 1, 1)
        local = datetime.combine(d, time(0), ZoneInfo(self.timezone))
        return local.astimezone(UTC).replace(tzinfo=None)

    def table(self, start: date, end: date) -> tuple[ir.Table, bool]:
        """Assignments overlapping ``[start, end)`` as a memtable, and whether one per agent."""
        data, single = self.arrow(start, end)
        return ibis.memtable(data), single

    def arrow(self, start: date, end: date) -> tuple[pa.Table, bool]:
        """Assignments overlapping ``[start, end)`` as Arrow, and whether one per agent."""
        chosen = [a for a in self.assignments if a.start < end and a.end > start]
        single = len({a.agent_id for a in chosen}) == len(chosen)
        data = {
            "_a_agent": [a.agent_id for a in chosen],
            "_a_team": [a.team for a in chosen],
            "_a_site": [a.site for a in chosen],
            "_a_from_date": [a.start for a in chosen],
            "_a_to_date": [a.end for a in chosen],
            "_a_from_utc": [self._utc(a.start) for a in chosen],
            "_a_to_utc": [self._utc(a.end) for a in chosen],
        }
        schema = pa.schema(
            [
                ("_a_agent", pa.string()),
                ("_a_team", pa.string()),
                ("_a_site", pa.string()),
                ("_a_from_date", pa.date32()),
                ("_a_to_date", pa.date32()),
                ("_a_from_utc", pa.timestamp("us")),
                ("_a_to_utc", pa.timestamp("us")),
            ]
        )
        # Arrow, typed column by column: with no assignment in the window (a day far
        # from any roster), a dict of empty lists would become float columns.
        return pa.table(data, schema=schema), single


def key_window(period: Period) -> tuple[date, date]:
    """The local dates whose assignments attribute a period's records to teams and sites.

    Records can be attributed by an instant a little outside the period (closed tickets
    are by closed_at, due tickets by their due instant): a day of margin each side.
    """
    return period.start - timedelta(days=1), period.end + timedelta(days=1)


def with_key(rel: ir.Table, source: Source, level: Level, roster: Roster, ctx: Ctx) -> ir.Table:
    """``rel`` with ``_key``: the agent, its team or site on the record's date, or the centre."""
    if level is Level.AGENT:
        return rel.mutate(_key=rel.agent_id)
    if level is Level.CENTRE:
        return rel.mutate(_key=ibis.literal(CENTRE))
    start, end = key_window(ctx.period)
    if ctx.capture is None:
        assignments, single = roster.table(start, end)
    else:
        data, single = roster.arrow(start, end)
        assignments = ctx.capture.assignments(ctx.con, data, single)
    predicates = [rel.agent_id == assignments._a_agent]
    if not single:
        if source.when_kind == "date":
            predicates += [
                rel._when >= assignments._a_from_date,
                rel._when < assignments._a_to_date,
            ]
        else:
            predicates += [rel._when >= assignments._a_from_utc, rel._when < assignments._a_to_utc]
    joined = rel.left_join(assignments, predicates)
    column = joined._a_team if level is Level.TEAM else joined._a_site
    return joined.mutate(_key=column).drop(*assignments.columns)
