"""Shrinkage toward the team's rate: a positive prior strength, applied to rates only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kefu.scoring import catalogue
from kefu.scoring.validation.issues import Issue, num, unknown_indicator


def shrinkage(raw: Mapping[str, Any]) -> list[Issue]:
    """``prior_strength`` above 0; ``indicators`` known rate indicators."""
    shr = raw.get("shrinkage")
    if not isinstance(shr, Mapping):
        return []
    issues: list[Issue] = []
    ps = num(shr.get("prior_strength"))
    if ps is not None and ps <= 0:
        issues.append(Issue("shrinkage.prior_strength", "must be above 0"))
    inds = shr.get("indicators")
    if isinstance(inds, list):
        for k, ident in enumerate(inds):
            path = f"shrinkage.indicators[{k}]"
            issues += unknown_indicator(ident, path)
            is_known = isinstance(ident, str) and catalogue.is_known(ident)
            if is_known and not catalogue.is_rate(ident):
                issues.append(Issue(path, f"'{ident}' is not a rate"))
    return issues
