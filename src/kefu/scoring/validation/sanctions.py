"""Penalties and vetoes: filters on real event columns, positive points, known cap grades."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kefu.scoring.validation.grades import check_grade, grade_names
from kefu.scoring.validation.issues import Issue, num
from kefu.store.tables import TABLES


def _rules(raw: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Each penalty and veto rule: its list (``penalties`` or ``veto``), path and mapping."""
    for key in ("penalties", "veto"):
        rules = raw.get(key)
        if isinstance(rules, list):
            for k, rule in enumerate(rules):
                if isinstance(rule, Mapping):
                    yield key, f"{key}[{k}]", rule


def event_filters(raw: Mapping[str, Any]) -> list[Issue]:
    """A rule's ``where`` names columns of its event's table."""
    columns = {
        "complaint": set(TABLES["complaints"].names),
        "qa_fatal": set(TABLES["qa_evaluations"].names),
        "operation_error": set(TABLES["operation_errors"].names),
    }
    issues: list[Issue] = []
    for _, path, rule in _rules(raw):
        where, event = rule.get("where"), rule.get("event")
        cols = columns.get(event) if isinstance(event, str) else None
        if not isinstance(where, Mapping) or not cols:
            continue
        for col in where:
            if col not in cols:
                issues.append(
                    Issue(
                        f"{path}.where.{col}",
                        f"'{col}' is not a column of the {event} events; "
                        f"use one of {', '.join(sorted(cols))}",
                    )
                )
    return issues


def penalty_points(raw: Mapping[str, Any]) -> list[Issue]:
    """Points are written positive: a penalty takes them away."""
    issues: list[Issue] = []
    for _, path, rule in _rules(raw):
        pe = num(rule.get("points_each"))
        if pe is not None and pe < 0:
            issues.append(Issue(f"{path}.points_each", "write penalty points as a positive number"))
    return issues


def veto_grades(raw: Mapping[str, Any]) -> list[Issue]:
    """A veto caps at one of the scorecard's grades."""
    names = grade_names(raw)
    issues: list[Issue] = []
    for key, path, rule in _rules(raw):
        if key == "veto":
            issues += check_grade(rule.get("cap_grade"), names, f"{path}.cap_grade")
    return issues
