"""One indicator's share of its weight: linear, band and step rules, over arrays.

Each rule maps the values every agent is scored at to the share of the
indicator's weight they earn, in [0, 1]; the scalar forms are the one-value
case. The clamps keep Python's ``min``/``max`` semantics (the first argument
wins unless the second is strictly better), so NaN and ±inf clamp as the
scalar formulas of the spec (scorecard.md, "How points are computed") did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kefu.scoring.scorecard import Direction, IndicatorRule, Step

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def max_of(a: Any, b: Any) -> FloatArray:
    """Python's ``max(a, b)`` element by element: ``a`` unless ``b > a`` (false with NaN)."""
    found: FloatArray = np.where(b > a, b, a)
    return found


def min_of(a: Any, b: Any) -> FloatArray:
    """Python's ``min(a, b)`` element by element: ``a`` unless ``b < a``."""
    found: FloatArray = np.where(b < a, b, a)
    return found


def _array(value: float) -> FloatArray:
    return np.array([value], dtype=np.float64)


def linear_shares(target: float, threshold: float, values: FloatArray) -> FloatArray:
    """``(v − threshold) / (target − threshold)`` clamped to [0, 1] (either direction).

    The same formula serves lower_better: there target < threshold, so the
    quotient equals ``(threshold − v) / (threshold − target)``.
    """
    with np.errstate(all="ignore"):  # NaN and ±inf clamp as in Python
        share = (values - threshold) / (target - threshold)
    return min_of(1.0, max_of(0.0, share))


def band_shares(low: float, high: float, tolerance: float, values: FloatArray) -> FloatArray:
    """1 inside ``[low, high]``; falls linearly to 0 at ``low − tol`` and ``high + tol``."""
    inside = (low <= values) & (values <= high)
    if tolerance <= 0:
        return np.where(inside, 1.0, 0.0)
    with np.errstate(all="ignore"):  # NaN and ±inf clamp as in Python
        distance = np.where(values < low, low - values, values - high)
        outside = 1.0 - distance / tolerance
    return np.where(inside, 1.0, max_of(0.0, outside))


def step_shares(steps: Sequence[Step], values: FloatArray) -> tuple[FloatArray, npt.NDArray[Any]]:
    """The share of the first step whose range holds each value, and its index (−1: none).

    A step matches when ``v ≤ max`` (if it has a max) and ``v ≥ min`` (if it
    has a min); a step with neither matches everything. No match: share 0.
    """
    shares = np.zeros(len(values))
    index = np.full(len(values), -1)
    open_ = np.ones(len(values), dtype=bool)
    for i, step in enumerate(steps):
        hit = open_.copy()
        if step.max is not None:
            hit &= values <= step.max
        if step.min is not None:
            hit &= values >= step.min
        shares[hit] = step.share
        index[hit] = i
        open_ &= ~hit
    return shares, index


def rule_shares(rule: IndicatorRule, values: FloatArray) -> tuple[FloatArray, BoolArray]:
    """The share of ``rule``'s weight earned by each value, and where no step matched."""
    if rule.steps:
        shares, index = step_shares(rule.steps, values)
        return shares, index < 0
    none = np.zeros(len(values), dtype=bool)
    if rule.band is not None:
        return band_shares(rule.band[0], rule.band[1], rule.tolerance, values), none
    assert rule.direction is not None and rule.target is not None and rule.threshold is not None
    return linear_shares(rule.target, rule.threshold, values), none


# The scalar forms (the single-value case of the array rules above).
def linear_share(direction: Direction, target: float, threshold: float, value: float) -> float:
    return float(linear_shares(target, threshold, _array(value))[0])


def band_share(low: float, high: float, tolerance: float, value: float) -> float:
    return float(band_shares(low, high, tolerance, _array(value))[0])


def step_share(steps: Sequence[Step], value: float) -> tuple[float, int | None]:
    shares, index = step_shares(steps, _array(value))
    return float(shares[0]), (int(index[0]) if index[0] >= 0 else None)
