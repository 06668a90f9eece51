"""What an indicator computation returns, and the parameters it takes.

These two types are the contract between the indicator engine and its users
(scoring, the CLI, the web app): :class:`Figure` is one row of
``kefu metrics --format json``; :class:`IndicatorParams` carries the
scorecard's indicator parameters (defaults as in metrics.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    AGENT = "agent"
    TEAM = "team"
    SITE = "site"
    CENTRE = "centre"


class Status(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Figure:
    """One indicator for one (level, key, period)."""

    period: str
    level: Level
    key: str  # agent_id, team, site or "centre"
    indicator: str
    value: float | None
    numerator: float | None
    denominator: float | None
    sample: int
    status: Status
    provisional: bool = False

    def as_dict(self) -> dict[str, Any]:
        # Field by field: asdict() deep-copies each value, a third of a second for the
        # few thousand figures of a month's command.
        return {
            "period": self.period,
            "level": str(self.level),
            "key": self.key,
            "indicator": self.indicator,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "sample": self.sample,
            "status": str(self.status),
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class IndicatorParams:
    """Indicator parameters a scorecard may set (metrics.md defaults)."""

    repeat_window_hours: float = 48.0
    response_targets: dict[str, float] = field(
        default_factory=lambda: {"phone": 20.0, "chat": 30.0, "email": 86400.0, "other": 3600.0}
    )
    sla_hours: dict[str, float] = field(default_factory=lambda: {"default": 24.0})
    rater_weights: dict[str, float] = field(
        default_factory=lambda: {"supervisor": 0.7, "peer": 0.3}
    )
    negative_sentiment_below: float = 0.3
    short_contact_seconds: float = 10.0
