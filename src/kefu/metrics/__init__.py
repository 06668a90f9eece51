"""Indicator engine: the figures of metrics.md as Ibis expressions over the fact store.

from kefu.metrics import compute, INDICATORS
from kefu.metrics.explain import explain
figures = compute(ws, "2026-10", level="team")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kefu.metrics.api import compute
    from kefu.metrics.definition import Dimension, Indicator, IndicatorKind, Unit
    from kefu.metrics.explain import ExplainedRecord, Explanation
    from kefu.metrics.figures import Figure, IndicatorParams, Level, Status
    from kefu.metrics.registry import INDICATORS, indicator

# `explain` (the function) is imported from kefu.metrics.explain: a lazy name equal to a
# submodule would be shadowed by the submodule as soon as it is loaded.
# Loaded on first use, so importing one light submodule (an enum, the labels) does
# not import the whole package (the CLI's start-up depends on it).
_HOMES = {
    "Dimension": "kefu.metrics.definition",
    "ExplainedRecord": "kefu.metrics.explain",
    "Explanation": "kefu.metrics.explain",
    "Figure": "kefu.metrics.figures",
    "INDICATORS": "kefu.metrics.registry",
    "Indicator": "kefu.metrics.definition",
    "IndicatorKind": "kefu.metrics.definition",
    "IndicatorParams": "kefu.metrics.figures",
    "Level": "kefu.metrics.figures",
    "Status": "kefu.metrics.figures",
    "Unit": "kefu.metrics.definition",
    "compute": "kefu.metrics.api",
    "indicator": "kefu.metrics.registry",
}

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
    "indicator",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'kefu.metrics' has no attribute {name!r}")
