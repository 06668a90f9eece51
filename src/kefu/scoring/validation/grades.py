"""Grades: thresholds down to 0 or a forced distribution, and the grade names others use."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kefu.scoring.validation.issues import Issue, fmt, num


def grade_names(raw: Mapping[str, Any]) -> list[str] | None:
    """The grades the scorecard defines (None when it defines none a rule can check against)."""
    grades = raw.get("grades")
    if not isinstance(grades, Mapping):
        return None
    th, dist = grades.get("thresholds"), grades.get("distribution")
    names: list[str] = [str(g) for g in th] if isinstance(th, Mapping) else []
    if isinstance(dist, Mapping) and isinstance(dist.get("shares"), Mapping):
        names = names or [str(g) for g in dist["shares"]]
    return names or None


def check_grade(grade: Any, grades: list[str] | None, path: str) -> list[Issue]:
    """An issue when ``grade`` is given but is none of ``grades``."""
    if grades is None or grade is None or str(grade) in grades:
        return []
    return [Issue(path, f"unknown grade '{grade}'; the grades are {', '.join(grades)}")]


def _shares(shares: Mapping[Any, Any]) -> list[Issue]:
    values = [num(v) for v in shares.values()]
    numbers = [v for v in values if v is not None]
    if len(numbers) != len(values):
        return []
    issues: list[Issue] = []
    s = sum(numbers)
    if not math.isclose(s, 1.0, abs_tol=1e-6):
        issues.append(
            Issue(
                "grades.distribution.shares",
                f"the shares must sum to 1; they sum to {fmt(round(s, 6))}",
            )
        )
    if any(v < 0 for v in numbers):
        issues.append(Issue("grades.distribution.shares", "a share cannot be negative"))
    return issues


def grades(raw: Mapping[str, Any]) -> list[Issue]:
    """Every total gets a grade; distribution shares sum to 1 and name the thresholds' grades."""
    found = raw.get("grades")
    if not isinstance(found, Mapping):
        return []
    th, dist = found.get("thresholds"), found.get("distribution")
    if th is None and dist is None:
        return [Issue("grades", "give thresholds or a distribution")]
    issues: list[Issue] = []
    if isinstance(th, Mapping) and th and not any(num(v) == 0 for v in th.values()):
        issues.append(
            Issue(
                "grades.thresholds",
                "the lowest grade needs threshold 0 so every total gets a grade",
            )
        )
    if not isinstance(dist, Mapping):
        return issues
    shares = dist.get("shares")
    if isinstance(shares, Mapping):
        issues += _shares(shares)
        if isinstance(th, Mapping) and set(map(str, shares)) != set(map(str, th)):
            issues.append(Issue("grades", "thresholds and distribution must name the same grades"))
    if dist.get("min_population") is not None and th is None:
        issues.append(
            Issue(
                "grades.distribution.min_population",
                "min_population needs thresholds to grade the smaller populations",
            )
        )
    return issues
