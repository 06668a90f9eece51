"""Scorecard validation: every issue at once, each with its key path.

Each family of checks is a module; :data:`RULES` lists their rules in the order
their issues are reported. The first is the structure (types, required and
unknown keys, via the pydantic models); the others check the meaning (weights
that sum to 100, known indicator ids, a target that differs from its
threshold…) and read the raw mapping defensively, so that they still report
what they can when the structure is broken: a manager fixes the file once,
not ten times::

    >>> for issue in validate({"name": "x", "version": 1, "dimensions": [], "grades": {}}):
    ...     print(issue)
    grades: give thresholds or a distribution
    dimensions: indicator weights must sum to 100; they sum to 0

A new check is a function ``(raw) -> list[Issue]`` in its family's module, added to
:data:`RULES` (tests/scoring/test_validation_rules.py then asks for a document only
it rejects).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kefu.scoring.validation import (
    applications,
    bonus,
    grades,
    indicators,
    monitor,
    parameters,
    sanctions,
    shrinkage,
    structure,
    weights,
)
from kefu.scoring.validation.issues import Issue, Rule, out_of_range
from kefu.scoring.validation.weights import WEIGHT_TOTAL

__all__ = ["RULES", "WEIGHT_TOTAL", "Issue", "Rule", "out_of_range", "validate"]

RULES: list[Rule] = [
    structure.keys_and_types,
    grades.grades,
    weights.unique_ids,
    weights.weights,
    indicators.known_indicators,
    indicators.values_in_range,
    indicators.directions,
    indicators.bands,
    indicators.steps,
    indicators.tolerances,
    sanctions.event_filters,
    sanctions.penalty_points,
    sanctions.veto_grades,
    bonus.bonus_indicators,
    bonus.bonus_caps,
    applications.pay_coefficients,
    applications.applications,
    parameters.repeat_window,
    parameters.period,
    parameters.timezone,
    parameters.response_targets,
    parameters.rater_weights,
    shrinkage.shrinkage,
    monitor.monitor_indicators,
    monitor.alert_subjects,
    monitor.alert_values,
    monitor.alert_conditions,
]


def validate(raw: Any) -> list[Issue]:
    """All issues of a parsed scorecard (empty when it is valid)."""
    if not isinstance(raw, Mapping):
        return [Issue("", "a scorecard must be a YAML mapping (name, version, dimensions, …)")]
    return [issue for rule in RULES for issue in rule(raw)]
