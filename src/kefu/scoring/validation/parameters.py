"""The scorecard's indicator parameters and calendar: window, period, time zone, channels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kefu.scoring import catalogue
from kefu.scoring.schema import parse_window_hours
from kefu.scoring.validation.issues import Issue


def repeat_window(raw: Mapping[str, Any]) -> list[Issue]:
    """The repeat-contact window is a positive number of hours or days."""
    rw = raw.get("repeat_window")
    if rw is None:
        return []
    try:
        if parse_window_hours(rw) > 0:
            return []
    except ValueError:
        pass
    return [Issue("repeat_window", f"'{rw}' is not a window; write hours (48h) or days (2d)")]


def period(raw: Mapping[str, Any]) -> list[Issue]:
    """The base period is the month."""
    found = raw.get("period")
    if found is None or found == "month":
        return []
    return [
        Issue(
            "period",
            f"'{found}' is not supported: the base period is month "
            "(quarters and years are built from the months)",
        )
    ]


def timezone(raw: Mapping[str, Any]) -> list[Issue]:
    """The time zone is one of the IANA database's."""
    tz = raw.get("timezone")
    if not isinstance(tz, str):
        return []
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return [Issue("timezone", f"unknown time zone '{tz}' (e.g. Asia/Shanghai)")]
    return []


def response_targets(raw: Mapping[str, Any]) -> list[Issue]:
    """Response targets are given per known channel."""
    rt = raw.get("response_targets")
    if not isinstance(rt, Mapping):
        return []
    return [
        Issue(
            f"response_targets.{ch}",
            f"unknown channel '{ch}'; use {', '.join(catalogue.CHANNEL_NAMES)}",
        )
        for ch in rt
        if ch not in catalogue.CHANNEL_NAMES
    ]


def rater_weights(raw: Mapping[str, Any]) -> list[Issue]:
    """Only supervisor and peer ratings carry a weight."""
    rw = raw.get("rater_weights")
    if not isinstance(rw, Mapping):
        return []
    return [
        Issue(f"rater_weights.{role}", "only supervisor and peer ratings are scored")
        for role in rw
        if role not in ("supervisor", "peer")
    ]
