"""Indicator engine: the figures of metrics.md as Ibis expressions over the fact store.

from kefu.metrics import compute, explain, INDICATORS
figures = compute(ws, "2026-10", level="team")
"""

from __future__ import annotations

from kefu.metrics.definition import Dimension, Indicator, IndicatorKind, Unit
from kefu.metrics.engine import compute
from kefu.metrics.explain import ExplainedRecord, Explanation, explain
from kefu.metrics.figures import Figure, IndicatorParams, Level, Status
from kefu.metrics.registry import INDICATORS, indicator

__all__ = [
    "INDICATORS",
    "Dimension",
    "ExplainedRecord",
    "Explanation",
    "Figure",
    "Indicator",
    "IndicatorKind",
    "IndicatorParams",
    "Level",
    "Status",
    "Unit",
    "compute",
    "explain",
    "indicator",
]
