"""Daily monitoring: process indicators per agent and team for a day, with alerts.

The scorecard's ``monitor:`` section names the indicators to show and the
alerts; each alert watches an indicator (``above``, ``below``, ``outside``
a range, with a ``min_sample``) or a count (``overdue_tickets``,
``new_complaints``, ``new_upheld_complaints`` with ``at_least``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kefu.errors import UsageError
from kefu.metrics.figures import Figure, Level
from kefu.periods import Grain, Period
from kefu.scoring.inputs import roster_on
from kefu.scoring.month import ComputeFn, default_compute
from kefu.scoring.scorecard import Alert, AlertLevel, Monitor, Scorecard, default_scorecard
from kefu.store.appdb import utcnow
from kefu.workspace import Workspace

COUNTS = ("overdue_tickets", "new_complaints", "new_upheld_complaints")


@dataclass(frozen=True)
class MonitorReport:
    day: str
    indicators: list[str]
    rows: list[dict[str, Any]]
    alerts: list[dict[str, Any]]


def _g(x: float) -> str:
    return f"{x:.4g}"


def crossing(alert: Alert, value: float | None, sample: int | None) -> tuple[str, Any] | None:
    """``(rule, limit)`` when ``value`` crosses the alert, else None (pure).

    ``rule`` is ``above``, ``below``, ``outside`` (limit ``[low, high]``) or
    ``at_least``: a code that each language words in its own way.
    """
    if value is None:
        return None
    if alert.indicator is not None and (sample or 0) < alert.min_sample:
        return None
    if alert.above is not None and value > alert.above:
        return "above", alert.above
    if alert.below is not None and value < alert.below:
        return "below", alert.below
    if alert.outside is not None and not alert.outside[0] <= value <= alert.outside[1]:
        return "outside", list(alert.outside)
    if alert.at_least is not None and value >= alert.at_least:
        return "at_least", alert.at_least
    return None


def overshoot(rule: str, value: float, limit: Any) -> float:
    """How far ``value`` is past the alert's ``limit``, as a share of the limit (pure).

    Alerts of different sizes (72 overdue tickets against 3, an FRT of 45 s against 30)
    sort by this: ``overshoot("at_least", 72, 3) == 23.0``. A zero limit counts the
    distance itself.
    """

    def past(beyond: float, line: float) -> float:
        return beyond / abs(line) if line else beyond

    if rule == "above" or rule == "at_least":
        return past(value - float(limit), float(limit))
    if rule == "below":
        return past(float(limit) - value, float(limit))
    if rule == "outside":
        low, high = float(limit[0]), float(limit[1])
        return past(low - value, low) if value < low else past(value - high, high)
    return 0.0


def check_alert(alert: Alert, value: float | None, sample: int | None) -> str | None:
    """The alert's message (English, for the CLI and logs) when ``value`` crosses it."""
    found = crossing(alert, value, sample)
    return None if found is None or value is None else _message(alert, value, *found)


def _message(alert: Alert, value: float, rule: str, limit: Any) -> str:
    what = alert.indicator or str(alert.count)
    if rule == "outside":
        return f"{what} {_g(value)} is outside [{_g(limit[0])}, {_g(limit[1])}]"
    if rule == "at_least":
        return f"{what} is {_g(value)} (alert at {_g(limit)})"
    return f"{what} {_g(value)} is {rule} {_g(limit)}"


def alerts_for(
    monitor: Monitor, level: Level, key: str, row: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Alerts raised by one agent's or team's row (``row[id]`` values, ``row[id+'_sample']``)."""
    out = []
    for alert in monitor.alerts:
        if alert.level is not AlertLevel.BOTH and alert.level.value != level.value:
            continue
        name = alert.indicator or str(alert.count)
        value = row.get(name)
        found = crossing(alert, value, row.get(f"{name}_sample"))
        if found and value is not None:
            out.append(
                {
                    "level": str(level),
                    "key": key,
                    "name": row.get("name"),
                    "team": row.get("team"),
                    "watch": name,
                    "value": value,
                    "severity": alert.severity,
                    "rule": found[0],
                    "limit": found[1],
                    "message": _message(alert, value, *found),
                }
            )
    return out


def _counts(
    ws: Workspace, day: Period, cutoff: datetime, con: Any, agents: Sequence[str] | None = None
) -> dict[str, dict[str, int]]:
    """Each agent's counts of the day; with ``agents``, counted for those agents only (in
    the engine: a team's monitor reads no other team's tickets or complaints)."""
    start, end = day.utc_bounds(ws.timezone)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    t = ws.facts.table(con, "tickets")
    overdue = t.filter(
        t.due_at.notnull()
        & (t.due_at < cutoff)
        & (t.created_at < cutoff)
        & (t.closed_at.isnull() | (t.closed_at > cutoff))
    )
    if agents is not None:
        overdue = overdue.filter(overdue.agent_id.isin(list(agents)))
    for rec in overdue.group_by("agent_id").aggregate(n=overdue.count()).to_pyarrow().to_pylist():
        counts[str(rec["agent_id"])]["overdue_tickets"] = int(rec["n"])
    c = ws.facts.table(con, "complaints")
    c = c.filter((c.received_at >= start) & (c.received_at < end) & c.agent_id.notnull())
    if agents is not None:
        c = c.filter(c.agent_id.isin(list(agents)))
    upheld = ((c.status == "upheld") & c.attributed.fill_null(False)).cast("int64")
    agg = c.group_by("agent_id").aggregate(n=c.count(), upheld=upheld.sum())
    for rec in agg.to_pyarrow().to_pylist():
        counts[str(rec["agent_id"])]["new_complaints"] = int(rec["n"])
        counts[str(rec["agent_id"])]["new_upheld_complaints"] = int(rec["upheld"] or 0)
    return counts


def monitor(
    ws: Workspace,
    day: Period | str,
    *,
    team: str | None = None,
    scorecard: Scorecard | None = None,
    as_of: datetime | None = None,
    compute: ComputeFn | None = None,
) -> MonitorReport:
    """Process indicators and alerts of one day, per agent and per team.

    Kept in one piece: it reads top to bottom in the order of the report (the day's
    figures, the agents' rows, the teams' rows, the alerts), sharing the roster, the
    scorecard's monitor section and the figures between them.
    """
    from kefu.scoring.registry import workspace_scorecards

    day = day if isinstance(day, Period) else Period.parse(day)
    if day.grain is not Grain.DAY:
        raise UsageError(f"monitor works on one day (e.g. 2026-11-11), not {day.label}")
    # A team's own scorecard (applies_to) brings its own monitor section and parameters.
    card = scorecard or workspace_scorecards(ws).for_agent(team, None)
    mon = card.monitor or default_scorecard().monitor or Monitor()
    ids = list(dict.fromkeys([*mon.indicators, *(a.indicator for a in mon.alerts if a.indicator)]))
    con = ws.duckdb()
    roster = roster_on(ws, day.start, con)
    _, day_end = day.utc_bounds(ws.timezone)
    now = utcnow() if as_of is None else as_of
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    cutoff = min(now, day_end)
    compute = compute or default_compute()
    params = card.indicator_params()
    agent_keys = None
    if team is not None:
        agent_keys = sorted(a for a, w in roster.items() if w.team == team)
        if not agent_keys:
            raise UsageError(f"no agent in team '{team}' on {day.label}")
    agent_figs = compute(
        ws, day, level=Level.AGENT, indicators=ids, params=params, as_of=cutoff, con=con,
        keys=agent_keys,
    )  # fmt: skip
    team_figs = compute(
        ws, day, level=Level.TEAM, indicators=ids, params=params, as_of=cutoff, con=con,
        keys=None if team is None else [team],
    )  # fmt: skip
    counts = _counts(ws, day, cutoff, con, agent_keys)
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def row(level: Level, key: str) -> dict[str, Any]:
        if (level, key) not in rows:
            who = roster.get(key) if level is Level.AGENT else None
            rows[(level, key)] = {
                "level": str(level),
                "key": key,
                "name": who.name if who else None,
                "team": (who.team if who else None) if level is Level.AGENT else key,
            }
        return rows[(level, key)]

    def put(figs: Sequence[Figure], level: Level) -> None:
        for f in figs:
            r = row(level, f.key)
            r[f.indicator] = f.value
            r[f"{f.indicator}_sample"] = f.sample

    put(agent_figs, Level.AGENT)
    put(team_figs, Level.TEAM)
    for (level, key), r in list(rows.items()):
        if level is Level.AGENT:
            for name in COUNTS:
                r[name] = counts.get(key, {}).get(name, 0)
    for r in [r for (lvl, _), r in rows.items() if lvl is Level.TEAM]:
        members = [
            k for (lvl, k), x in rows.items() if lvl is Level.AGENT and x["team"] == r["key"]
        ]
        members = members or [a for a, w in roster.items() if w.team == r["key"]]
        for name in COUNTS:
            r[name] = sum(counts.get(a, {}).get(name, 0) for a in members)
    ordered = sorted(rows.values(), key=lambda r: (r["level"] != "team", r["team"] or "", r["key"]))
    alerts = [a for r in ordered for a in alerts_for(mon, Level(r["level"]), r["key"], r)]
    return MonitorReport(day.label, ids, ordered, alerts)


# -- kept reports ---------------------------------------------------------------------
# A day's monitor is a function of the imported data, the scorecard and, while the day
# is not over, the clock (tickets fall overdue as time passes). Pages ask for it on every
# view of the overview and the monitor (a second at 120 agents): keep each report until
# the next import or scorecard change, and a day in progress for at most a minute.
_KEPT: OrderedDict[tuple[Any, ...], MonitorReport] = OrderedDict()
_KEPT_MAX = 32
_KEPT_LOCK = threading.Lock()


def kept_monitor(ws: Workspace, day: Period, *, team: str | None = None) -> MonitorReport:
    """:func:`monitor` of ``day`` (and ``team``), computed once per state of its inputs."""
    from kefu.scoring.registry import workspace_scorecards

    now = utcnow()
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    _, day_end = day.utc_bounds(ws.timezone)
    minute = None if day_end <= now else now.replace(second=0, microsecond=0)
    key = (
        ws.database_url, day.label, team, minute,
        workspace_scorecards(ws).for_agent(team, None).content_hash,
        tuple(b.id for b in ws.facts.committed_batches()),
    )  # fmt: skip
    with _KEPT_LOCK:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
            return found
    found = monitor(ws, day, team=team)
    with _KEPT_LOCK:
        _KEPT[key] = found
        while len(_KEPT) > _KEPT_MAX:
            _KEPT.popitem(last=False)
    return found
