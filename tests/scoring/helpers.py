"""Hand-made figures and a stand-in for the indicator engine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kefu.metrics.figures import Figure, Level, Status
from kefu.scoring.result_model import AgentResult
from kefu.scoring.scorecard import Scorecard, load_scorecard


def fig(
    indicator: str,
    value: float | None,
    *,
    key: str = "A1",
    sample: int = 100,
    numerator: float | None = None,
    denominator: float | None = None,
    level: Level = Level.AGENT,
    period: str = "2026-10",
) -> Figure:
    return Figure(
        period=period,
        level=level,
        key=key,
        indicator=indicator,
        value=value,
        numerator=numerator,
        denominator=denominator,
        sample=0 if value is None else sample,
        status=Status.NO_DATA if value is None else Status.OK,
    )


class FakeEngine:
    """``kefu.metrics.compute`` over a fixed list of figures (per period label)."""

    def __init__(self, figures: Iterable[Figure]) -> None:
        self.figures = list(figures)
        self.calls: list[dict[str, Any]] = []

    def __call__(self, ws, period, *, level=Level.AGENT, indicators=None, params=None,
                 as_of=None, con=None, keys=None):  # fmt: skip
        self.calls.append({"period": period.label, "level": level, "keys": keys,
                           "indicators": indicators, "params": params})  # fmt: skip
        return [
            f
            for f in self.figures
            if f.period == period.label
            and f.level == level
            and (keys is None or f.key in keys)
            and (indicators is None or f.indicator in indicators)
        ]


def card(body: str, *, name: str = "test", version: str = "1") -> Scorecard:
    """A scorecard from a YAML body (dimensions, grades… ) plus name and version."""
    return load_scorecard(f"name: {name}\nversion: '{version}'\n{body}")


# fmt: off
SIMPLE = """
dimensions:
  - id: efficiency
    name: {zh: 效率, en: Efficiency}
    indicators:
      - {id: fcr_rate, weight: 60, direction: higher_better, target: 0.9, threshold: 0.5, min_sample: 10}
      - {id: aht_avg, weight: 40, direction: band, band: [180, 420], tolerance: 120, min_sample: 10}
bonus:
  - {indicator: praise_count, points_each: 1, cap: 5}
penalties:
  - {event: complaint, where: {severity: major}, points_each: 5}
veto:
  - {event: qa_fatal, cap_grade: C}
grades:
  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}
applications:
  pay_coefficient: {S: 1.5, A: 1.2, B: 1.0, C: 0.8, D: 0.5}
  promotion: {min_grade: A, consecutive_months: 2}
  training_below_share: 0.6
  improvement_plan_grades: [C, D]
"""  # noqa: E501
# fmt: on


def result(**fields: Any) -> AgentResult:
    """A result of agent A1 for 2026-10 with ``fields`` (rows may be given as dicts)."""
    base: dict[str, Any] = {
        "agent_id": "A1", "name": "甲", "team": "T1", "site": None, "period": "2026-10",
        "scorecard": {"name": "test", "version": "1", "content_hash": "h"},
        "total": 80.0, "grade": "B",
    }  # fmt: skip
    return AgentResult.from_stored({**base, **fields})
