"""Fairness aids: the 95 % Wilson interval of a rate and small-sample shrinkage.

>>> low, high = wilson_interval(8, 10)
>>> round(low, 4), round(high, 4)
(0.4902, 0.9433)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

#: A rate, or one per agent (the rules shrink every agent's at once).
Rates = TypeVar("Rates", float, npt.NDArray[np.float64])

# Two-sided 95 %: the 0.975 quantile of the standard normal distribution.
Z95 = 1.959963984540054


def _wilson_bounds(p: Any, trials: Any, z: float, sqrt: Callable[[Any], Any]) -> tuple[Any, Any]:
    """Centre and half-width of the interval, for floats and numpy arrays alike."""
    z2 = z * z
    denom = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denom
    half = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denom
    return centre, half


def wilson_interval(successes: float, trials: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes / trials`` (None without trials)."""
    if trials is None or successes is None or trials <= 0:
        return None
    p = min(max(successes / trials, 0.0), 1.0)
    centre, half = _wilson_bounds(p, trials, z, math.sqrt)
    # At p = 0 (p = 1) the bound is exactly 0 (1); floating point leaves crumbs.
    low = 0.0 if p == 0 else max(0.0, centre - half)
    high = 1.0 if p == 1 else min(1.0, centre + half)
    return low, high


FloatArray = npt.NDArray[np.float64]


def wilson_intervals(
    successes: FloatArray, trials: FloatArray, z: float = Z95
) -> tuple[FloatArray, FloatArray]:
    """:func:`wilson_interval` element by element, to the last bit (lows, highs).

    Meant for ``trials > 0``; the clamps keep Python's ``min``/``max`` semantics
    (the first argument wins unless the second is strictly better).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = successes / trials
        above = np.where(ratio < 0.0, 0.0, ratio)
        p = np.where(above > 1.0, 1.0, above)
        centre, half = _wilson_bounds(p, trials, z, np.sqrt)
        low, high = centre - half, centre + half
    low = np.where(p == 0, 0.0, np.where(low > 0.0, low, 0.0))
    high = np.where(p == 1, 1.0, np.where(high < 1.0, high, 1.0))
    return low, high


def shrink(numerator: Rates, denominator: Rates, prior: Rates, strength: float) -> Rates:
    """Empirical-Bayes estimate of a rate: ``(num + k·prior) / (den + k)``.

    ``prior`` is the team's rate (recomputed from records) and ``strength``
    ``k`` the number of pseudo-records it is worth, so an agent with 5
    records is pulled strongly toward the team and one with 500 barely moves.
    """
    return (numerator + strength * prior) / (denominator + strength)
