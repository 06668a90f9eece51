"""Bonus points: given per unit of a known count, under a cap that is not negative."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kefu.scoring import catalogue
from kefu.scoring.validation.issues import Issue, num, unknown_indicator


def _rules(raw: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    rules = raw.get("bonus")
    if isinstance(rules, list):
        for k, rule in enumerate(rules):
            if isinstance(rule, Mapping):
                yield f"bonus[{k}]", rule


def bonus_indicators(raw: Mapping[str, Any]) -> list[Issue]:
    """A bonus names a known indicator, and a count (points per unit of it)."""
    issues: list[Issue] = []
    for path, rule in _rules(raw):
        ident = rule.get("indicator")
        issues += unknown_indicator(ident, f"{path}.indicator")
        if isinstance(ident, str) and catalogue.is_known(ident) and not catalogue.is_count(ident):
            issues.append(
                Issue(
                    f"{path}.indicator",
                    f"'{ident}' is not a count; bonus points are given per unit "
                    "of a count such as praise_count",
                )
            )
    return issues


def bonus_caps(raw: Mapping[str, Any]) -> list[Issue]:
    """A bonus cap is not negative."""
    issues: list[Issue] = []
    for path, rule in _rules(raw):
        cap = num(rule.get("cap"))
        if cap is not None and cap < 0:
            issues.append(Issue(f"{path}.cap", "a bonus cap cannot be negative"))
    return issues
