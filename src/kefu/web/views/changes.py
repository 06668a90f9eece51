"""Month-on-month: each figure beside the same figure of the previous period.

The previous period is the month before a month (the quarter before a quarter, the
year before a year). Its figures come from its stored run: the newest one for
managers and supervisors, the published one for agents and HR, who never see an
unpublished figure. No run of the previous period, no change::

    change = number_change(80.0, 60.0, better_when_higher=True, previous="2026-09")
    change.text, change.better   # ("▲20.00", True)

A difference is taken between the values as shown (rounded), so the arrow never
disagrees with the two numbers a reader compares.
"""

from __future__ import annotations

from decimal import Decimal

from kefu.periods import Period
from kefu.reports.formatting import POINT_DECIMALS, display_number, format_value, round_half_up
from kefu.reports.meta import Direction, IndicatorMeta
from kefu.scoring.reads import RunRows, run_rows
from kefu.scoring.result_model import AgentResult
from kefu.scoring.runs import latest_run
from kefu.web.views.models import ChangePublic, GradeChangePublic
from kefu.workspace import Workspace

UP = "▲"
DOWN = "▼"
SAME = "±"


def previous_rows(ws: Workspace, period: Period, *, published: bool) -> tuple[str, RunRows] | None:
    """The previous period's label and stored results (its published run only, for
    someone who sees published results only), or None when it has no such run."""
    before = period.previous()
    run = latest_run(ws, before, published=published)
    return None if run is None else (before.label, run_rows(ws, run))


def previous_result(
    ws: Workspace, period: Period, agent_id: str, *, published: bool
) -> tuple[str, AgentResult] | None:
    """One agent's result of the previous period (``published``: of its published run)."""
    found = previous_rows(ws, period, published=published)
    if found is None:
        return None
    row = found[1].agent(agent_id)
    return None if row is None else (found[0], row)


def _change(
    shown_now: Decimal,
    shown_before: Decimal,
    better_when_higher: bool | None,
    previous: str,
    before: float,
    before_text: str,
) -> ChangePublic:
    diff = shown_now - shown_before
    if diff > 0:
        trend, text = "up", f"{UP}{diff}"
    elif diff < 0:
        trend, text = "down", f"{DOWN}{-diff}"
    else:
        trend, text = "same", f"{SAME}{diff.copy_abs()}"
    better = None
    if trend != "same" and better_when_higher is not None:
        better = (trend == "up") == better_when_higher
    return ChangePublic(
        previous_period=previous,
        before=before,
        before_text=before_text,
        difference=float(diff),
        text=text,
        trend=trend,
        better=better,
    )


def number_change(
    now: float | None, before: float | None, *, better_when_higher: bool | None, previous: str
) -> ChangePublic | None:
    """A total's or points' change (two decimals, as shown); None without both values."""
    if now is None or before is None:
        return None
    shown_before = round_half_up(before, POINT_DECIMALS)
    return _change(
        round_half_up(now, POINT_DECIMALS),
        shown_before,
        better_when_higher,
        previous,
        before,
        str(shown_before),
    )


def _closer_is_better(now: float, before: float, band: tuple[float, float]) -> bool | None:
    """For a two-sided indicator, better is nearer the band (inside it counts as 0)."""
    low, high = band

    def gap(v: float) -> float:
        return max(low - v, 0.0, v - high)

    if gap(now) == gap(before):
        return None
    # Expressed as "is higher better here": moving up is better iff it closes the gap.
    return (gap(now) < gap(before)) == (now > before)


def indicator_change(
    indicator: str,
    now: float | None,
    before: float | None,
    meta: IndicatorMeta | None,
    *,
    previous: str,
    locale: str,
) -> ChangePublic | None:
    """An indicator value's change in display units, judged by the scorecard's direction
    (higher or lower is better; a band: nearer the band is better)."""
    if now is None or before is None:
        return None
    higher: bool | None = None
    if meta is not None:
        if meta.direction is Direction.HIGHER_BETTER:
            higher = True
        elif meta.direction is Direction.LOWER_BETTER:
            higher = False
        elif meta.direction is Direction.BAND and meta.band:
            higher = _closer_is_better(float(now), float(before), meta.band)
    return _change(
        display_number(indicator, now),
        display_number(indicator, before),
        higher,
        previous,
        before,
        format_value(indicator, before, locale),
    )


def grade_change(
    now: str | None, before: str | None, grades: tuple[str, ...], *, previous: str
) -> GradeChangePublic | None:
    """``B→A``; better when the new grade stands earlier in the scorecard's order."""
    if not now or not before:
        return None
    better = None
    if now != before and now in grades and before in grades:
        better = grades.index(now) < grades.index(before)
    return GradeChangePublic(
        previous_period=previous, before=before, after=now, text=f"{before}→{now}", better=better
    )
