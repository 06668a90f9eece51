"""Grades (by thresholds or a forced distribution), veto caps and ranks.

Ties are decided on the total as people see it, rounded to 2 decimals: two
agents shown with 87.50 share a rank and a grade.

Forced distribution within a population (team, site or centre), best first:

* quotas per grade by the largest-remainder method, so they sum to the
  population size and a grade whose exact quota is below one half of a
  person is only filled when its remainder is among the largest — a team of
  three under S 10 % / A 20 % / B 50 % / C 15 % / D 5 % gets A 1, B 2
  (exact 0.3 / 0.6 / 1.5 / 0.45 / 0.15), so nobody is pushed into D in a
  small team by rounding;
* agents are taken by total, best first, filling the quotas in grade order;
* tied agents all receive the grade of the best-placed of them (the quota of
  a better grade may be exceeded by ties, never a worse grade forced onto
  one of two equal totals); later agents continue with the quotas left;
* with thresholds also given, populations smaller than
  ``distribution.min_population`` are graded by the thresholds instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

K = TypeVar("K")


def display_total(total: float) -> float:
    return round(total + 0.0, 2)


def grade_by_thresholds(total: float, thresholds: Mapping[str, float]) -> str:
    """The best grade whose threshold the total reaches; the lowest grade otherwise."""
    return grades_by_thresholds([total], thresholds)[0]


def grades_by_thresholds(totals: Sequence[float], thresholds: Mapping[str, float]) -> list[str]:
    """:func:`grade_by_thresholds` of each total (the thresholds sorted once)."""
    ordered = sorted(thresholds.items(), key=lambda kv: -kv[1])
    lowest = ordered[-1][0]
    out = []
    for total in totals:
        shown = display_total(total)
        out.append(next((g for g, minimum in ordered if shown >= minimum), lowest))
    return out


def quotas(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Largest-remainder quotas (ties of remainders go to the better grade)."""
    exact = {g: n * s for g, s in shares.items()}
    out = {g: math.floor(x) for g, x in exact.items()}
    left = n - sum(out.values())
    order = list(shares)
    by_remainder = sorted(order, key=lambda g: (-(exact[g] - out[g]), order.index(g)))
    for g in by_remainder[:left]:
        out[g] += 1
    return out


def forced_distribution(totals: Mapping[K, float], shares: Mapping[str, float]) -> dict[K, str]:
    """Grades of one population by forced distribution (see the module notes)."""
    order = list(shares)
    left = quotas(len(totals), shares)
    ranked = sorted(totals, key=lambda k: -display_total(totals[k]))
    out: dict[K, str] = {}
    grade_index = 0
    previous: float | None = None
    grade = order[0]
    for key in ranked:
        shown = display_total(totals[key])
        if previous is None or shown != previous:
            while grade_index < len(order) - 1 and left[order[grade_index]] <= 0:
                grade_index += 1
            grade = order[grade_index]
        # A tie may overfill a grade; the overflow is taken from the next grades.
        idx = order.index(grade)
        while idx < len(order) and left[order[idx]] <= 0:
            idx += 1
        if idx < len(order):
            left[order[idx]] -= 1
        out[key] = grade
        previous = shown
    return out


def cap_grade(grade: str, caps: Sequence[str], order: Sequence[str]) -> str:
    """The grade after veto caps: no better than the strictest cap."""
    worst = order.index(grade)
    for cap in caps:
        worst = max(worst, order.index(cap))
    return order[worst]


def competition_ranks(totals: Mapping[K, float]) -> dict[K, int]:
    """Ranks 1, 2, 2, 4 by total, best first (ties on the displayed total)."""
    return ranks_of_shown({k: display_total(v) for k, v in totals.items()})


def ranks_of_shown(shown: Mapping[K, float]) -> dict[K, int]:
    """:func:`competition_ranks` of totals already rounded by :func:`display_total`."""
    ordered = sorted(shown.values(), reverse=True)
    first: dict[float, int] = {}
    for i, v in enumerate(ordered):
        first.setdefault(v, i + 1)
    return {k: first[v] for k, v in shown.items()}
