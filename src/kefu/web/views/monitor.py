"""The daily monitor as a page and as a download: alerts grouped, breaches marked.

``monitor_report`` (kefu.web.api.operations) gives the day's rows and alerts; this module
shapes them for people. Alerts are grouped by team and by what they watch, the groups
and the alerts in each sorted by how far past the alert line they are, and each alert
says its value and its line in words ("超时工单 72 单,预警线 3 单"). A row's cell is
*breached* when an alert was raised on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kefu.reports.catalogue import INDICATORS, display_unit, indicator_name
from kefu.reports.formatting import DECIMALS, SUFFIX, display_number, format_value
from kefu.reports.grid import Cell
from kefu.scoring.monitor import COUNTS, overshoot
from kefu.users.roles import Principal
from kefu.web.i18n import format_number, translate

#: The count columns the tables show (the upheld count is watched, not shown).
SHOWN_COUNTS = ("overdue_tickets", "new_complaints")


@dataclass(frozen=True)
class AlertLine:
    who: str
    href: str | None
    text: str
    severity: str
    past: float
    team_wide: bool = False


@dataclass
class AlertGroup:
    team: str
    watch: str
    title: str
    alerts: list[AlertLine] = field(default_factory=list)

    @property
    def worst(self) -> float:
        return max((a.past for a in self.alerts), default=0.0)


def _is_indicator(watch: str) -> bool:
    return "." in watch or watch in INDICATORS


def watch_name(watch: str, locale: str) -> str:
    if watch in COUNTS:
        return translate(locale, f"pages.counts.{watch}")
    return indicator_name(watch, locale)


def shown(watch: str, value: Any, locale: str) -> str:
    return (
        format_value(watch, value, locale) if _is_indicator(watch) else format_number(value, locale)
    )


def rule_text(alert: Mapping[str, Any], locale: str) -> str:
    """The alert line in words: ``高于 30秒``, ``不在 150–480 之间``."""
    watch, limit, rule = str(alert["watch"]), alert["limit"], str(alert["rule"])
    if rule == "outside":
        return translate(
            locale,
            "monitor.rule.outside",
            low=shown(watch, limit[0], locale),
            high=shown(watch, limit[1], locale),
        )
    return translate(locale, f"monitor.rule.{rule}", limit=shown(watch, limit, locale))


def alert_text(alert: Mapping[str, Any], locale: str) -> str:
    """``超时工单 72 单,预警线 3 单`` / ``72 overdue tickets, alert line 3``."""
    watch = str(alert["watch"])
    if watch in COUNTS and alert["rule"] == "at_least":
        return translate(
            locale,
            f"monitor.count_alert.{watch}",
            value=format_number(alert["value"], locale),
            limit=format_number(alert["limit"], locale),
        )
    return translate(
        locale,
        "monitor.indicator_alert",
        name=indicator_name(watch, locale) if _is_indicator(watch) else watch_name(watch, locale),
        value=shown(watch, alert["value"], locale),
        rule=rule_text(alert, locale),
    )


def agent_href(user: Principal, agent_id: str, team: str | None) -> str | None:
    """The agent's sheet, where the viewer may open it."""
    if not user.can_view_agent(agent_id, team):
        return None
    return f"/agents/{quote(agent_id, safe='')}"


def alert_groups(
    alerts: Sequence[Mapping[str, Any]], user: Principal, locale: str
) -> list[AlertGroup]:
    """Alerts by team and watch; teams in name order, in a team the worst group first."""
    groups: dict[tuple[str, str], AlertGroup] = {}
    for a in alerts:
        team, watch = str(a.get("team") or ""), str(a["watch"])
        group = groups.get((team, watch))
        if group is None:
            group = groups[(team, watch)] = AlertGroup(team, watch, watch_name(watch, locale))
        agent = a["level"] == "agent"
        who = str(a.get("name") or a["key"]) if agent else translate(locale, "monitor.whole_team")
        group.alerts.append(
            AlertLine(
                who=who,
                href=agent_href(user, str(a["key"]), a.get("team")) if agent else None,
                text=alert_text(a, locale),
                severity=str(a.get("severity") or ""),
                past=overshoot(str(a["rule"]), float(a["value"]), a["limit"]),
                team_wide=not agent,
            )
        )
    for g in groups.values():
        g.alerts.sort(key=lambda a: (-a.past, not a.team_wide, a.who))
    return sorted(groups.values(), key=lambda g: (g.team, -g.worst, g.watch))


def breaches(alerts: Sequence[Mapping[str, Any]]) -> set[tuple[str, str, str]]:
    """``(level, key, watch)`` of every cell an alert was raised on."""
    return {(str(a["level"]), str(a["key"]), str(a["watch"])) for a in alerts}


def by_team(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Agents' rows per team, teams in name order (the page folds each on a phone)."""
    out: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        out.setdefault(str(r.get("team") or ""), []).append(r)
    return sorted(out.items())


def _unit_header(indicator: str, locale: str) -> str:
    suffix = SUFFIX.get(display_unit(indicator), ("", ""))[0 if locale.startswith("zh") else 1]
    name = indicator_name(indicator, locale)
    return f"{name} ({suffix.strip()})" if suffix.strip() else name


def export_grid(report: Mapping[str, Any], locale: str) -> tuple[list[str], list[list[Cell]]]:
    """The day's table for a download: every team row, then every agent row, and the
    alerts of each row in words (figures in display units, as the page shows them)."""
    indicators = list(report["indicators"])
    headers = [
        translate(locale, "monitor.col.level"),
        translate(locale, "monitor.col.team"),
        translate(locale, "monitor.col.agent_id"),
        translate(locale, "monitor.col.name"),
        *(_unit_header(i, locale) for i in indicators),
        *(watch_name(c, locale) for c in COUNTS),
        translate(locale, "monitor.col.alerts"),
    ]
    raised: dict[tuple[str, str], list[str]] = {}
    for a in report["alerts"]:
        raised.setdefault((str(a["level"]), str(a["key"])), []).append(alert_text(a, locale))
    joiner = translate(locale, "monitor.joiner")
    rows: list[list[Cell]] = []
    for r in report["rows"]:
        team_row = r["level"] == "team"
        values: list[Cell] = []
        for i in indicators:
            v = r.get(i)
            if v is None:
                values.append(None)
                continue
            number = display_number(i, float(v))
            values.append(int(number) if DECIMALS[display_unit(i)] == 0 else float(number))
        rows.append(
            [
                translate(locale, "monitor.level.team" if team_row else "monitor.level.agent"),
                r.get("team"),
                None if team_row else r["key"],
                None if team_row else r.get("name"),
                *values,
                *(int(r.get(c) or 0) for c in COUNTS),
                joiner.join(raised.get((str(r["level"]), str(r["key"])), [])),
            ]
        )
    return headers, rows
