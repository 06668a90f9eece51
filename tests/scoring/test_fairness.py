from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.scoring.fairness import Z95, shrink, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_known_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


def test_wilson_by_the_formula():
    p, n, z = 0.8, 10, Z95
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson_interval(8, 10) == pytest.approx((centre - half, centre + half))


def test_no_trials_no_interval():
    assert wilson_interval(0, 0) is None


@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_wilson_contains_the_rate(n, data):
    k = data.draw(st.integers(min_value=0, max_value=n))
    lo, hi = wilson_interval(k, n)
    assert 0 <= lo <= k / n <= hi <= 1


def test_shrinkage_by_hand():
    assert shrink(5, 10, 0.8, 10) == pytest.approx((5 + 8) / 20)
    # a large sample barely moves
    assert shrink(500, 1000, 0.8, 10) == pytest.approx(508 / 1010)
