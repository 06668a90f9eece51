"""Applications of the grades: pay coefficients, promotion, training and improvement plans."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kefu.scoring.validation.grades import check_grade, grade_names
from kefu.scoring.validation.issues import Issue, fmt, num


def pay_coefficients(raw: Mapping[str, Any]) -> list[Issue]:
    """One pay coefficient for each grade, and none for a grade that does not exist."""
    apps = raw.get("applications")
    pay = apps.get("pay_coefficient") if isinstance(apps, Mapping) else None
    if not isinstance(pay, Mapping):
        return []
    names = grade_names(raw)
    issues: list[Issue] = []
    for g in pay:
        issues += check_grade(g, names, f"applications.pay_coefficient.{g}")
    missing = [g for g in names or [] if g not in {str(x) for x in pay}]
    if missing:
        issues.append(
            Issue(
                "applications.pay_coefficient",
                f"no pay coefficient for grade(s) {', '.join(missing)}",
            )
        )
    return issues


def applications(raw: Mapping[str, Any]) -> list[Issue]:
    """Promotion and improvement plans name real grades; months and shares are in range."""
    apps = raw.get("applications")
    if not isinstance(apps, Mapping):
        return []
    names = grade_names(raw)
    issues: list[Issue] = []
    promo = apps.get("promotion")
    if isinstance(promo, Mapping):
        issues += check_grade(promo.get("min_grade"), names, "applications.promotion.min_grade")
        cm = promo.get("consecutive_months")
        if isinstance(cm, int) and cm < 1:
            issues.append(Issue("applications.promotion.consecutive_months", "must be at least 1"))
    ipg = apps.get("improvement_plan_grades")
    if isinstance(ipg, list):
        for k, g in enumerate(ipg):
            issues += check_grade(g, names, f"applications.improvement_plan_grades[{k}]")
    tbs = num(apps.get("training_below_share"))
    if tbs is not None and not 0 <= tbs <= 1:
        issues.append(
            Issue("applications.training_below_share", f"{fmt(tbs)} is not between 0 and 1")
        )
    return issues
