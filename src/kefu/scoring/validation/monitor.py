"""Daily monitoring: known indicators, and alerts with one subject and one condition."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kefu.scoring.validation.issues import Issue, num, out_of_range, unknown_indicator

_CONDITIONS = ("above", "below", "outside", "at_least")


def _alerts(raw: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    mon = raw.get("monitor")
    alerts = mon.get("alerts") if isinstance(mon, Mapping) else None
    if isinstance(alerts, list):
        for k, alert in enumerate(alerts):
            if isinstance(alert, Mapping):
                yield f"monitor.alerts[{k}]", alert


def monitor_indicators(raw: Mapping[str, Any]) -> list[Issue]:
    """The monitored indicators are the catalogue's."""
    mon = raw.get("monitor")
    inds = mon.get("indicators") if isinstance(mon, Mapping) else None
    if not isinstance(inds, list):
        return []
    issues: list[Issue] = []
    for k, ident in enumerate(inds):
        issues += unknown_indicator(ident, f"monitor.indicators[{k}]")
    return issues


def alert_subjects(raw: Mapping[str, Any]) -> list[Issue]:
    """An alert watches a known indicator or a count, not both."""
    issues: list[Issue] = []
    for path, alert in _alerts(raw):
        if (alert.get("indicator") is not None) == (alert.get("count") is not None):
            issues.append(Issue(path, "an alert watches either an indicator or a count"))
        issues += unknown_indicator(alert.get("indicator"), f"{path}.indicator")
    return issues


def alert_values(raw: Mapping[str, Any]) -> list[Issue]:
    """An alert's limits are values its indicator can take."""
    issues: list[Issue] = []
    for path, alert in _alerts(raw):
        ident = alert.get("indicator")
        for key in ("above", "below"):
            issues += out_of_range(ident, alert.get(key), f"{path}.{key}")
        outside = alert.get("outside")
        if isinstance(outside, list):
            for end, x in enumerate(outside[:2]):
                issues += out_of_range(ident, x, f"{path}.outside[{end}]")
    return issues


def alert_conditions(raw: Mapping[str, Any]) -> list[Issue]:
    """Exactly one condition; ``outside`` is a range [low, high]."""
    issues: list[Issue] = []
    for path, alert in _alerts(raw):
        if len([c for c in _CONDITIONS if alert.get(c) is not None]) != 1:
            issues.append(
                Issue(path, "an alert needs exactly one of above, below, outside, at_least")
            )
        out = alert.get("outside")
        if out is not None and not (
            isinstance(out, list)
            and len(out) == 2
            and all(num(x) is not None for x in out)
            and out[0] <= out[1]
        ):
            issues.append(Issue(f"{path}.outside", "outside must be [low, high] with low ≤ high"))
    return issues
