"""Every rule of :data:`kefu.scoring.validation.RULES` rejects a document of its own.

Each case changes the shipped scorecard (which every rule accepts) in one way that
exactly one rule refuses: a rule left out of the table, or one that stopped firing,
fails here; so does a rule that starts firing on another rule's document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from kefu.scoring.scorecard import DEFAULT_SCORECARD
from kefu.scoring.validation import RULES, validate

Doc = dict[str, Any]


def shipped() -> Doc:
    loaded: Doc = yaml.safe_load(DEFAULT_SCORECARD.read_text(encoding="utf-8"))
    return loaded


def indicator(d: Doc, dim: int, ind: int) -> Doc:
    found: Doc = d["dimensions"][dim]["indicators"][ind]
    return found


def _unknown_key(d: Doc) -> None:
    d["owner"] = "ops"


def _grades(d: Doc) -> None:
    d["grades"]["thresholds"]["D"] = 10  # no grade starts at 0


def _unique_ids(d: Doc) -> None:
    d["dimensions"][3]["id"] = "quality"


def _weights(d: Doc) -> None:
    d["dimensions"][3]["weight"] = 12  # its indicators sum to 10


def _known_indicators(d: Doc) -> None:
    indicator(d, 0, 2)["id"] = "fcr"


def _values_in_range(d: Doc) -> None:
    indicator(d, 2, 0).update(target=0.95, threshold=-0.5)  # a rate is 0–1


def _directions(d: Doc) -> None:
    indicator(d, 1, 1)["target"] = 70  # equal to its threshold


def _bands(d: Doc) -> None:
    indicator(d, 0, 1)["band"] = [420, 180]


def _steps(d: Doc) -> None:
    indicator(d, 1, 3)["steps"] = [{"share": 0.0}, {"max": 0.001, "share": 1.0}]


def _tolerances(d: Doc) -> None:
    indicator(d, 0, 1)["tolerance"] = -1


def _event_filters(d: Doc) -> None:
    d["penalties"][0]["where"] = {"severty": "major"}


def _penalty_points(d: Doc) -> None:
    d["penalties"][0]["points_each"] = -5


def _veto_grades(d: Doc) -> None:
    d["veto"][0]["cap_grade"] = "X"


def _bonus_indicators(d: Doc) -> None:
    d["bonus"][0]["indicator"] = "csat_rate"


def _bonus_caps(d: Doc) -> None:
    d["bonus"][0]["cap"] = -1


def _pay_coefficients(d: Doc) -> None:
    del d["applications"]["pay_coefficient"]["D"]


def _applications(d: Doc) -> None:
    d["applications"]["training_below_share"] = 1.5


def _repeat_window(d: Doc) -> None:
    d["repeat_window"] = "two days"


def _period(d: Doc) -> None:
    d["period"] = "quarter"


def _timezone(d: Doc) -> None:
    d["timezone"] = "Asia/Beijing"


def _response_targets(d: Doc) -> None:
    d["response_targets"]["fax"] = 60


def _rater_weights(d: Doc) -> None:
    d["rater_weights"]["customer"] = 0.1


def _shrinkage(d: Doc) -> None:
    d["shrinkage"] = {"enabled": True, "prior_strength": 0}


def _monitor_indicators(d: Doc) -> None:
    d["monitor"]["indicators"].append("queue_length")


def _alert_subjects(d: Doc) -> None:
    d["monitor"]["alerts"][4]["indicator"] = "fcr_rate"  # beside its count


def _alert_values(d: Doc) -> None:
    d["monitor"]["alerts"][2]["below"] = 70  # fcr_rate is a rate


def _alert_conditions(d: Doc) -> None:
    d["monitor"]["alerts"][1]["outside"] = [480, 150]


# rule name → (the change, the one issue it gives)
CASES: dict[str, tuple[Callable[[Doc], None], str]] = {
    "keys_and_types": (
        _unknown_key,
        "unknown key 'owner' (allowed here: name, version, ",  # the top level has no path
    ),
    "grades": (
        _grades,
        "grades.thresholds: the lowest grade needs threshold 0 so every total gets a grade",
    ),
    "unique_ids": (
        _unique_ids,
        "dimensions[3](quality): dimension 'quality' appears twice",
    ),
    "weights": (
        _weights,
        "dimensions[3](development).weight: the dimension weight is 12 but its indicator "
        "weights sum to 10",
    ),
    "known_indicators": (
        _known_indicators,
        "dimensions[0](efficiency).indicators[2](fcr).id: unknown indicator 'fcr'",
    ),
    "values_in_range": (
        _values_in_range,
        "dimensions[2](satisfaction).indicators[0](csat_rate).threshold: -0.5 is outside "
        "what csat_rate can be: 0 to 1",
    ),
    "directions": (
        _directions,
        "dimensions[1](quality).indicators[1](compliance_score): target and threshold are "
        "both 70; they must differ",
    ),
    "bands": (
        _bands,
        "dimensions[0](efficiency).indicators[1](aht_avg).band: the band's low end (420) is "
        "above its high end (180)",
    ),
    "steps": (
        _steps,
        "dimensions[1](quality).indicators[3](error_rate).steps[0]: a step without min or "
        "max matches everything; put it last",
    ),
    "tolerances": (
        _tolerances,
        "dimensions[0](efficiency).indicators[1](aht_avg).tolerance: tolerance cannot be negative",
    ),
    "event_filters": (
        _event_filters,
        "penalties[0].where.severty: 'severty' is not a column of the complaint events",
    ),
    "penalty_points": (
        _penalty_points,
        "penalties[0].points_each: write penalty points as a positive number",
    ),
    "veto_grades": (
        _veto_grades,
        "veto[0].cap_grade: unknown grade 'X'; the grades are S, A, B, C, D",
    ),
    "bonus_indicators": (
        _bonus_indicators,
        "bonus[0].indicator: 'csat_rate' is not a count",
    ),
    "bonus_caps": (
        _bonus_caps,
        "bonus[0].cap: a bonus cap cannot be negative",
    ),
    "pay_coefficients": (
        _pay_coefficients,
        "applications.pay_coefficient: no pay coefficient for grade(s) D",
    ),
    "applications": (
        _applications,
        "applications.training_below_share: 1.5 is not between 0 and 1",
    ),
    "repeat_window": (
        _repeat_window,
        "repeat_window: 'two days' is not a window; write hours (48h) or days (2d)",
    ),
    "period": (
        _period,
        "period: 'quarter' is not supported: the base period is month",
    ),
    "timezone": (
        _timezone,
        "timezone: unknown time zone 'Asia/Beijing' (e.g. Asia/Shanghai)",
    ),
    "response_targets": (
        _response_targets,
        "response_targets.fax: unknown channel 'fax'",
    ),
    "rater_weights": (
        _rater_weights,
        "rater_weights.customer: only supervisor and peer ratings are scored",
    ),
    "shrinkage": (
        _shrinkage,
        "shrinkage.prior_strength: must be above 0",
    ),
    "monitor_indicators": (
        _monitor_indicators,
        "monitor.indicators[6]: unknown indicator 'queue_length'",
    ),
    "alert_subjects": (
        _alert_subjects,
        "monitor.alerts[4]: an alert watches either an indicator or a count",
    ),
    "alert_values": (
        _alert_values,
        "monitor.alerts[2].below: 70 looks like a percentage: write a rate as 0.7",
    ),
    "alert_conditions": (
        _alert_conditions,
        "monitor.alerts[1].outside: outside must be [low, high] with low ≤ high",
    ),
}


def test_every_rule_has_a_case_and_the_shipped_card_passes_them_all() -> None:
    assert sorted(rule.__name__ for rule in RULES) == sorted(CASES)
    assert len({rule.__name__ for rule in RULES}) == len(RULES)
    assert all(rule(shipped()) == [] for rule in RULES)


@pytest.mark.parametrize("name", list(CASES))
def test_only_its_rule_rejects_its_document(name: str) -> None:
    change, expected = CASES[name]
    doc = shipped()
    change(doc)
    before = copy.deepcopy(doc)
    rejecting = {rule.__name__ for rule in RULES if rule(doc)}
    assert rejecting == {name}
    (issue,) = validate(doc)
    assert str(issue).startswith(expected)
    assert doc == before  # rules only read the document


def test_a_list_where_text_belongs_is_reported_not_raised() -> None:
    # A list is unhashable: the duplicate and event checks once raised TypeError on it.
    doc = shipped()
    doc["dimensions"][1]["id"] = ["quality"]
    doc["veto"][0]["event"] = ["complaint"]
    got = [str(i) for i in validate(doc)]
    assert "dimensions[1].id: input should be a valid string (got ['quality'])" in got
    assert any(m.startswith("veto[0].event: '['complaint']' is not allowed") for m in got)
