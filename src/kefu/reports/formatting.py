"""Numbers as the exports show them, and how a value compares with its target.

Rounding is half-up on the decimal value (2.675 → 2.68), as Excel displays it,
so the PDF, the CSV and the workbook agree digit for digit. Stored results stay
unrounded; only what is shown is rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from kefu.reports.catalogue import Unit, display_unit
from kefu.reports.meta import Direction, IndicatorMeta

# Display scale and decimals per unit.
SCALE: dict[Unit, int] = {Unit.PERCENT: 100, Unit.PER_MILLE: 1000}
DECIMALS: dict[Unit, int] = {
    Unit.PERCENT: 2,
    Unit.PER_MILLE: 2,
    Unit.SECONDS: 1,
    Unit.SCORE: 2,
    Unit.NPS: 1,
    Unit.RATING: 2,
    Unit.COUNT: 0,
}
SUFFIX: dict[Unit, tuple[str, str]] = {
    Unit.PERCENT: ("%", "%"),
    Unit.PER_MILLE: ("‰", "‰"),
    Unit.SECONDS: ("秒", " s"),
}
POINT_DECIMALS = 2


def round_half_up(value: float, places: int) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals, as a Decimal."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def scaled(indicator: str, value: float) -> float:
    """The value in display units (percent ×100, per mille ×1000)."""
    factor = SCALE.get(display_unit(indicator), 1)
    # Scale through Decimal so 0.0285 × 100 is 2.85, not 2.8499999999999996.
    return float(Decimal(repr(float(value))) * factor)


def display_number(indicator: str, value: float) -> Decimal:
    """The value in display units, rounded as shown."""
    unit = display_unit(indicator)
    return round_half_up(scaled(indicator, value), DECIMALS[unit])


def format_value(indicator: str, value: float | None, locale: str) -> str:
    """``0.8571…`` → ``"85.71%"``; ``None`` → ``"—"``."""
    if value is None:
        return "—"
    unit = display_unit(indicator)
    suffix = SUFFIX.get(unit, ("", ""))[0 if locale.startswith("zh") else 1]
    return f"{display_number(indicator, value)}{suffix}"


def format_points(points: float | None) -> str:
    return "—" if points is None else str(round_half_up(points, POINT_DECIMALS))


def format_share(share: float | None) -> str:
    return "—" if share is None else f"{round_half_up(share * 100, 1)}%"


def target_text(meta: IndicatorMeta, locale: str) -> str:
    """What the indicator aims at, e.g. ``"≥ 90.00%"``, ``"180.0–420.0秒"``."""
    fmt = format_value
    zh = locale.startswith("zh")
    if meta.direction is Direction.HIGHER_BETTER and meta.target is not None:
        return f"≥ {fmt(meta.id, meta.target, locale)}"
    if meta.direction is Direction.LOWER_BETTER and meta.target is not None:
        return f"≤ {fmt(meta.id, meta.target, locale)}"
    if meta.direction is Direction.BAND and meta.band:
        low, high = meta.band
        return f"{fmt(meta.id, low, locale)} – {fmt(meta.id, high, locale)}"
    if meta.steps:
        parts = []
        for s in meta.steps:
            share = f"{round_half_up(s.share * 100, 0)}%"
            if s.max is not None:
                parts.append(f"≤ {fmt(meta.id, s.max, locale)}: {share}")
            elif s.min is not None:
                parts.append(f"≥ {fmt(meta.id, s.min, locale)}: {share}")
            else:
                parts.append(f"{'其余' if zh else 'else'}: {share}")
        return "\n".join(parts)
    return "—"


def threshold_text(meta: IndicatorMeta, locale: str) -> str:
    """Where the indicator earns nothing, e.g. ``"≤ 60.00%"``."""
    fmt = format_value
    if meta.direction is Direction.HIGHER_BETTER and meta.threshold is not None:
        return f"≤ {fmt(meta.id, meta.threshold, locale)}"
    if meta.direction is Direction.LOWER_BETTER and meta.threshold is not None:
        return f"≥ {fmt(meta.id, meta.threshold, locale)}"
    if meta.direction is Direction.BAND and meta.band:
        low, high = meta.band
        return (
            f"≤ {fmt(meta.id, low - meta.tolerance, locale)}\n"
            f"≥ {fmt(meta.id, high + meta.tolerance, locale)}"
        )
    return "—"


class Rating(StrEnum):
    """How a value stands against its scorecard line (the cell colour)."""

    MEETS = "meets"  # green: at or beyond the target, inside the band
    BETWEEN = "between"  # amber: partial points
    BEYOND = "beyond"  # red: at or beyond the threshold, no points
    UNSCORED = "unscored"  # grey: shown, but below the minimum sample


def assess(value: float | None, meta: IndicatorMeta | None, status: str = "ok") -> Rating | None:
    """Compare ``value`` with the scorecard's target, threshold, band or steps.

    ``None`` when there is nothing to compare (no value, no scorecard line).
    """
    if value is None or meta is None:
        return None
    if status == "insufficient_sample":
        return Rating.UNSCORED
    v = float(value)
    if meta.direction is Direction.BAND and meta.band:
        low, high = meta.band
        if low <= v <= high:
            return Rating.MEETS
        if v <= low - meta.tolerance or v >= high + meta.tolerance:
            return Rating.BEYOND
        return Rating.BETWEEN
    if meta.steps and meta.direction is Direction.STEPS:
        share = next((s.share for s in meta.steps if s.matches(v)), 0.0)
        return _by_share(share)
    if meta.target is None or meta.threshold is None:
        return None
    if meta.direction is Direction.HIGHER_BETTER:
        if v >= meta.target:
            return Rating.MEETS
        return Rating.BEYOND if v <= meta.threshold else Rating.BETWEEN
    if meta.direction is Direction.LOWER_BETTER:
        if v <= meta.target:
            return Rating.MEETS
        return Rating.BEYOND if v >= meta.threshold else Rating.BETWEEN
    return None


def _by_share(share: float) -> Rating:
    if share >= 1:
        return Rating.MEETS
    return Rating.BEYOND if share <= 0 else Rating.BETWEEN


# Fill and font colours of each rating (xlsx cells and PDF table cells).
COLOURS: dict[Rating, tuple[str, str]] = {
    Rating.MEETS: ("#C6EFCE", "#006100"),
    Rating.BETWEEN: ("#FFEB9C", "#9C5700"),
    Rating.BEYOND: ("#FFC7CE", "#9C0006"),
    Rating.UNSCORED: ("#EDEDED", "#595959"),
}
