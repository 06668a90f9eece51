"""The typed results' stored form: what is written, and that it reads back equal."""

from __future__ import annotations

import orjson

from kefu.scoring.inputs import Assignment
from kefu.scoring.result_model import (
    AgentResult,
    DimensionRow,
    IndicatorRow,
    MonthTotal,
    Standing,
    agent_result,
)
from kefu.scoring.storing import serialise

FCR = IndicatorRow(
    denominator=100.0, dimension=None, effective_weight=None, indicator="fcr_rate",
    numerator=80.0, points=None, provisional=None, reason=None, reason_code=None, sample=100,
    scored_value=None, share=None, status="ok", value=0.8, weight=60, wilson=[0.71, 0.87],
)  # fmt: skip
EFFICIENCY = DimensionRow(60, "efficiency", {"zh": "效率", "en": "Efficiency"}, 45.0, 60)
STANDING = Standing("B", "B", 1.0, 1, 1, 1, ("population of 1 is below 8: graded by thresholds",))


def _quarter() -> AgentResult:
    return agent_result(
        "2026-Q4", Assignment("A1", "甲", "T1", "S1"),
        {"name": "card", "version": "1", "content_hash": "h"}, STANDING,
        total=75.0, bonus=0.0, penalty=0.0, vetoes=[], indicators=(FCR,),
        dimensions=(EFFICIENCY,), bonus_items=[], penalty_items=[],
        reasons=["mean of 2 monthly total(s): 2026-10, 2026-11"],
        months=[MonthTotal(period="2026-10", total=70.0, grade="B"),
                MonthTotal(period="2026-11", total=80.0, grade="B")],
    )  # fmt: skip


def test_a_quarter_stores_its_indicators_with_the_fields_they_have():
    stored = orjson.loads(serialise(_quarter()))
    # A quarter's figures are recomputed, not scored: eleven fields, not the month's sixteen.
    assert stored["indicators"] == {
        "fields": ["denominator", "indicator", "numerator", "points", "reason", "sample",
                   "share", "status", "value", "weight", "wilson"],
        "rows": [[100.0, "fcr_rate", 80.0, None, None, 100, None, "ok", 0.8, 60, [0.71, 0.87]]],
    }  # fmt: skip
    assert stored["months"][1] == {"period": "2026-11", "total": 80.0, "grade": "B"}
    # The standing's reason follows the result's own.
    assert stored["reasons"] == [
        "mean of 2 monthly total(s): 2026-10, 2026-11",
        "population of 1 is below 8: graded by thresholds",
    ]
    assert AgentResult.from_stored(stored) == _quarter()


def test_a_month_has_no_months_and_reads_by_name():
    month = AgentResult.from_stored({**orjson.loads(serialise(_quarter())), "months": None})
    assert "months" not in orjson.loads(serialise(month))
    assert "months" not in month and len(month) == len(list(month))
    assert (month["grade"], month.get("rank_team"), month.get("nothing", "—")) == ("B", 1, "—")
    (fcr,) = month.indicators
    assert (fcr["value"], fcr.get("points"), fcr[0]) == (0.8, None, 100.0)
