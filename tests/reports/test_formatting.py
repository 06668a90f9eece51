from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.reports.formatting import (
    Rating,
    assess,
    format_value,
    round_half_up,
    target_text,
    threshold_text,
)
from kefu.reports.meta import Direction, IndicatorMeta, Step

FCR = IndicatorMeta("fcr_rate", 12, Direction.HIGHER_BETTER, target=0.85, threshold=0.6)
COMPLAINTS = IndicatorMeta("complaint_rate", 8, Direction.LOWER_BETTER, target=0.0, threshold=0.005)
AHT = IndicatorMeta("aht_avg.phone", 6, Direction.BAND, band=(180, 420), tolerance=120)
ERRORS = IndicatorMeta(
    "error_rate",
    4,
    Direction.STEPS,
    steps=(Step(1.0, max=0.001), Step(0.5, max=0.003), Step(0.0)),
)


@pytest.mark.parametrize(
    ("meta", "value", "rating"),
    [
        (FCR, 0.85, Rating.MEETS),  # at target: full points
        (FCR, 0.9, Rating.MEETS),
        (FCR, 0.7, Rating.BETWEEN),
        (FCR, 0.6, Rating.BEYOND),  # at threshold: zero points
        (FCR, 0.3, Rating.BEYOND),
        (COMPLAINTS, 0.0, Rating.MEETS),
        (COMPLAINTS, 0.002, Rating.BETWEEN),
        (COMPLAINTS, 0.005, Rating.BEYOND),
        (AHT, 180, Rating.MEETS),  # band edges are inside
        (AHT, 420, Rating.MEETS),
        (AHT, 100, Rating.BETWEEN),
        (AHT, 180 - 120, Rating.BEYOND),  # share reaches 0 at low − tolerance
        (AHT, 420 + 120, Rating.BEYOND),
        (AHT, 539, Rating.BETWEEN),
        (ERRORS, 0.001, Rating.MEETS),
        (ERRORS, 0.002, Rating.BETWEEN),
        (ERRORS, 0.01, Rating.BEYOND),
    ],
)
def test_assess_against_the_scorecard(meta: IndicatorMeta, value: float, rating: Rating) -> None:
    assert assess(value, meta) is rating


def test_nothing_to_assess_without_a_value_or_a_line() -> None:
    assert assess(None, FCR) is None
    assert assess(0.9, None) is None


def test_insufficient_sample_is_shown_unscored() -> None:
    assert assess(0.9, FCR, "insufficient_sample") is Rating.UNSCORED


def test_values_in_display_units() -> None:
    assert format_value("fcr_rate", 6 / 7, "zh-CN") == "85.71%"
    assert format_value("complaint_rate", 3 / 500, "zh-CN") == "6.00‰"
    assert format_value("aht_avg.phone", 312.25, "zh-CN") == "312.3秒"
    assert format_value("aht_avg.phone", 312.25, "en") == "312.3 s"
    assert format_value("nps", -12.5, "en") == "-12.5"
    assert format_value("praise_count", 3, "en") == "3"
    assert format_value("csat_rate", None, "en") == "—"


def test_percent_scaling_does_not_leak_binary_noise() -> None:
    # 0.0285 × 100 in binary floating point is 2.8499999999999996
    assert format_value("fcr_rate", 0.0285, "en") == "2.85%"
    assert format_value("fcr_rate", 0.02855, "en") == "2.86%"


def test_round_half_up_as_excel_displays() -> None:
    assert round_half_up(2.675, 2) == Decimal("2.68")
    assert round_half_up(2.665, 2) == Decimal("2.67")
    assert round_half_up(-2.675, 2) == Decimal("-2.68")
    assert round_half_up(81.2, 2) == Decimal("81.20")


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_rounding_moves_a_value_by_at_most_half_a_unit(value: float) -> None:
    assert abs(float(round_half_up(value, 2)) - value) <= 0.005 + 1e-9


def test_targets_and_thresholds_as_text() -> None:
    assert target_text(FCR, "zh-CN") == "≥ 85.00%"
    assert threshold_text(FCR, "zh-CN") == "≤ 60.00%"
    assert target_text(COMPLAINTS, "en") == "≤ 0.00‰"
    assert threshold_text(COMPLAINTS, "en") == "≥ 5.00‰"
    assert target_text(AHT, "en") == "180.0 s – 420.0 s"
    assert threshold_text(AHT, "en") == "≤ 60.0 s\n≥ 540.0 s"
    assert target_text(ERRORS, "zh-CN") == "≤ 1.00‰: 100%\n≤ 3.00‰: 50%\n其余: 0%"
