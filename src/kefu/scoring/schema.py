"""The pydantic models of a scorecard document (考核方案), with no loading or checking.

The models say what each key holds; :mod:`kefu.scoring.validation` checks the
meaning and :mod:`kefu.scoring.scorecard` loads a file through both. Kept apart
so that validation can read the models without importing the loader::

    Scorecard.model_validate(yaml.safe_load(text))   # structure only; see load_scorecard
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from kefu.metrics.figures import IndicatorParams


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    BAND = "band"


class SamplePolicy(StrEnum):
    REDISTRIBUTE = "redistribute"
    TEAM_VALUE = "team_value"
    ZERO = "zero"


class EventKind(StrEnum):
    COMPLAINT = "complaint"
    QA_FATAL = "qa_fatal"
    OPERATION_ERROR = "operation_error"


class Population(StrEnum):
    TEAM = "team"
    SITE = "site"
    CENTRE = "centre"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalName(_Strict):
    zh: str | None = None
    en: str | None = None


class Step(_Strict):
    min: float | None = None
    max: float | None = None
    share: float


class IndicatorRule(_Strict):
    id: str
    weight: float
    direction: Direction | None = None
    target: float | None = None
    threshold: float | None = None
    band: list[float] | None = None
    tolerance: float = 0.0
    min_sample: int = 0
    steps: list[Step] | None = None


class Dimension(_Strict):
    id: str
    name: LocalName = LocalName()
    # Optional: when given it must equal the sum of the indicator weights.
    weight: float | None = None
    indicators: list[IndicatorRule]

    @property
    def total_weight(self) -> float:
        return sum(r.weight for r in self.indicators)


Where = dict[str, str | int | float | bool | list[str | int | float | bool]]


class BonusRule(_Strict):
    indicator: str
    points_each: float
    cap: float


class PenaltyRule(_Strict):
    event: EventKind
    where: Where = Field(default_factory=dict)
    points_each: float
    # Optional ceiling on the points one rule can take away.
    cap: float | None = None


class VetoRule(_Strict):
    event: EventKind
    where: Where = Field(default_factory=dict)
    cap_grade: str


class Distribution(_Strict):
    within: Population = Population.TEAM
    shares: dict[str, float]
    # With `thresholds` also given: populations smaller than this are graded by thresholds.
    min_population: int | None = None


class Grades(_Strict):
    thresholds: dict[str, float] | None = None
    distribution: Distribution | None = None

    @property
    def order(self) -> list[str]:
        """Grade names best first."""
        if self.thresholds:
            return [g for g, _ in sorted(self.thresholds.items(), key=lambda kv: -kv[1])]
        assert self.distribution is not None
        return list(self.distribution.shares)


class Promotion(_Strict):
    min_grade: str
    consecutive_months: int = 2


class Applications(_Strict):
    pay_coefficient: dict[str, float] = Field(default_factory=dict)
    promotion: Promotion | None = None
    training_below_share: float | None = None
    improvement_plan_grades: list[str] = Field(default_factory=list)


class AppliesTo(_Strict):
    teams: list[str] = Field(default_factory=list)
    sites: list[str] = Field(default_factory=list)


class Shrinkage(_Strict):
    """Empirical-Bayes pull of a rate toward the team's rate: (num + k·team) / (den + k)."""

    enabled: bool = False
    prior_strength: float = 20.0
    indicators: list[str] | None = None  # None: every rate indicator of the scorecard


class AlertCount(StrEnum):
    OVERDUE_TICKETS = "overdue_tickets"
    NEW_COMPLAINTS = "new_complaints"
    NEW_UPHELD_COMPLAINTS = "new_upheld_complaints"


class AlertLevel(StrEnum):
    AGENT = "agent"
    TEAM = "team"
    BOTH = "both"


class Alert(_Strict):
    indicator: str | None = None
    count: AlertCount | None = None
    above: float | None = None
    below: float | None = None
    outside: list[float] | None = None
    at_least: float | None = None
    min_sample: int = 0
    level: AlertLevel = AlertLevel.BOTH
    severity: str = "warning"


class Monitor(_Strict):
    indicators: list[str] = Field(default_factory=list)
    alerts: list[Alert] = Field(default_factory=list)


DEFAULT_RESPONSE_TARGETS = {"phone": 20.0, "chat": 30.0, "email": 86400.0, "other": 3600.0}


class Scorecard(_Strict):
    name: str
    version: str
    timezone: str | None = None
    period: str = "month"
    applies_to: AppliesTo | None = None
    repeat_window: str = "48h"
    response_targets: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_RESPONSE_TARGETS)
    )
    sla_hours: dict[str, float] = Field(default_factory=lambda: {"default": 24.0})
    rater_weights: dict[str, float] = Field(
        default_factory=lambda: {"supervisor": 0.7, "peer": 0.3}
    )
    negative_sentiment_below: float = 0.3
    short_contact_seconds: float = 10.0
    insufficient_sample: SamplePolicy = SamplePolicy.REDISTRIBUTE
    shrinkage: Shrinkage | None = None
    dimensions: list[Dimension]
    bonus: list[BonusRule] = Field(default_factory=list)
    penalties: list[PenaltyRule] = Field(default_factory=list)
    veto: list[VetoRule] = Field(default_factory=list)
    grades: Grades
    applications: Applications = Applications()
    monitor: Monitor | None = None

    _source: str | None = PrivateAttr(default=None)
    _path: Path | None = PrivateAttr(default=None)

    @field_validator("version", "name", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        # `version: 2026.1` in YAML is a float; it is meant as text.
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    # -- derived -----------------------------------------------------------
    @property
    def rules(self) -> list[tuple[Dimension, IndicatorRule]]:
        return [(d, r) for d in self.dimensions for r in d.indicators]

    @property
    def indicator_ids(self) -> list[str]:
        return [r.id for _, r in self.rules]

    @property
    def bonus_cap(self) -> float:
        return sum(b.cap for b in self.bonus)

    @property
    def is_default(self) -> bool:
        return self.applies_to is None

    @property
    def source_text(self) -> str:
        """The YAML text as loaded (or a normalised dump when built in code)."""
        if self._source is not None:
            return self._source
        return yaml.safe_dump(self.canonical(), allow_unicode=True, sort_keys=False)

    @property
    def path(self) -> Path | None:
        return self._path

    def canonical(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the normalised content: comments and key order do not change it."""
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def indicator_params(self) -> IndicatorParams:
        return IndicatorParams(
            repeat_window_hours=parse_window_hours(self.repeat_window),
            response_targets={**DEFAULT_RESPONSE_TARGETS, **self.response_targets},
            sla_hours={"default": 24.0, **self.sla_hours},
            rater_weights=dict(self.rater_weights),
            negative_sentiment_below=self.negative_sentiment_below,
            short_contact_seconds=self.short_contact_seconds,
        )

    def applies(self, team: str | None, site: str | None) -> bool:
        if self.applies_to is None:
            return False
        return (team is not None and team in self.applies_to.teams) or (
            site is not None and site in self.applies_to.sites
        )

    def dimension_name(self, dim_id: str, locale: str = "zh") -> str:
        for d in self.dimensions:
            if d.id == dim_id:
                return (d.name.zh if locale.startswith("zh") else d.name.en) or d.name.en or dim_id
        return dim_id


_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hd])\s*$", re.IGNORECASE)


def parse_window_hours(text: str | float | int) -> float:
    """``48h`` → 48.0, ``2d`` → 48.0; a bare number is hours."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    match = _WINDOW.match(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a window; write hours like 48h or days like 2d")
    number, unit = float(match.group(1)), match.group(2).lower()
    return number * 24 if unit == "d" else number
