"""Weights and ids: indicator weights sum to 100, each dimension's to its own weight."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from kefu.scoring.validation.issues import EPS, Issue, dimensions, fmt, indicators, num, scored

WEIGHT_TOTAL = 100.0


def unique_ids(raw: Mapping[str, Any]) -> list[Issue]:
    """A dimension named twice, or an indicator scored twice (in any dimensions)."""
    issues: list[Issue] = []
    seen_dim: set[Hashable] = set()
    for dpath, dim in dimensions(raw):
        ident = dim.get("id")
        if not isinstance(ident, Hashable):
            continue
        if ident in seen_dim:
            issues.append(Issue(dpath, f"dimension '{ident}' appears twice"))
        seen_dim.add(ident)
    seen_ind: set[str] = set()
    for ipath, ind in scored(raw):
        ident = ind.get("id")
        if isinstance(ident, str):
            if ident in seen_ind:
                issues.append(Issue(ipath, f"indicator '{ident}' is scored twice"))
            seen_ind.add(ident)
    return issues


def weights(raw: Mapping[str, Any]) -> list[Issue]:
    """Negative weights, a dimension weight unlike its indicators' sum, a total other than 100."""
    if not isinstance(raw.get("dimensions"), list):
        return []
    issues: list[Issue] = []
    total = 0.0
    for dpath, dim in dimensions(raw):
        if not isinstance(dim.get("indicators"), list):
            continue
        dim_total = 0.0
        for ipath, ind in indicators(dpath, dim):
            w = num(ind.get("weight"))
            if w is not None:
                dim_total += w
                if w < 0:
                    issues.append(Issue(f"{ipath}.weight", "a weight cannot be negative"))
        total += dim_total
        dw = num(dim.get("weight"))
        if dw is not None and abs(dw - dim_total) > EPS:
            issues.append(
                Issue(
                    f"{dpath}.weight",
                    f"the dimension weight is {fmt(dw)} but its indicator weights "
                    f"sum to {fmt(dim_total)}",
                )
            )
    if abs(total - WEIGHT_TOTAL) > 1e-6:
        issues.append(
            Issue(
                "dimensions",
                f"indicator weights must sum to 100; they sum to {fmt(round(total, 6))}",
            )
        )
    return issues
