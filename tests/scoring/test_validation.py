from __future__ import annotations

import pytest
import yaml

from kefu.scoring.scorecard import DEFAULT_SCORECARD, ScorecardInvalid, load_scorecard
from kefu.scoring.validation import validate


def raw():
    return yaml.safe_load(DEFAULT_SCORECARD.read_text(encoding="utf-8"))


def messages(data) -> list[str]:
    return [str(i) for i in validate(data)]


def test_default_is_valid():
    assert validate(raw()) == []


def test_weights_not_summing_to_100_give_the_actual_sum():
    d = raw()
    d["dimensions"][0]["indicators"][0]["weight"] = 4  # 100 - 6 + 4
    d["dimensions"][0]["weight"] = 28
    assert messages(d) == ["dimensions: indicator weights must sum to 100; they sum to 98"]


def test_dimension_weight_must_match_its_indicators():
    d = raw()
    d["dimensions"][1]["weight"] = 25
    assert messages(d) == [
        "dimensions[1](quality).weight: the dimension weight is 25 but its indicator "
        "weights sum to 30"
    ]


def test_unknown_indicator_lists_the_known_ones():
    d = raw()
    d["dimensions"][0]["indicators"][2]["id"] = "fcr"
    (msg,) = messages(d)
    assert msg.startswith(
        "dimensions[0](efficiency).indicators[2](fcr).id: unknown indicator 'fcr'"
    )
    assert "fcr_rate" in msg and "csat_rate" in msg


def test_channel_qualified_ids_are_allowed():
    d = raw()
    d["dimensions"][0]["indicators"][1]["id"] = "aht_avg.phone"
    d["dimensions"][0]["indicators"][0]["id"] = "frt_avg.chat"
    d["dimensions"][0]["indicators"][0].update(direction="lower_better", target=20, threshold=60)
    assert validate(d) == []


def test_fairness_indices_are_allowed():
    d = raw()
    d["dimensions"][0]["indicators"][1] = {
        "id": "aht_index", "weight": 6, "direction": "band", "band": [0.8, 1.2], "tolerance": 0.3,
    }  # fmt: skip
    assert validate(d) == []


def test_target_equal_to_threshold():
    d = raw()
    d["dimensions"][1]["indicators"][1]["target"] = 70
    assert messages(d) == [
        "dimensions[1](quality).indicators[1](compliance_score): target and threshold are "
        "both 70; they must differ"
    ]


def test_target_on_the_wrong_side():
    d = raw()
    d["dimensions"][1]["indicators"][2]["target"] = 0.01  # lower_better, threshold 0.005
    (msg,) = messages(d)
    assert "lower_better: the target (0.01) must be below the threshold (0.005)" in msg


def test_band_low_above_high():
    d = raw()
    d["dimensions"][0]["indicators"][1]["band"] = [420, 180]
    assert messages(d) == [
        "dimensions[0](efficiency).indicators[1](aht_avg).band: the band's low end (420) is "
        "above its high end (180)"
    ]


def test_missing_pieces_for_the_direction():
    d = raw()
    del d["dimensions"][0]["indicators"][0]["target"]
    del d["dimensions"][0]["indicators"][1]["band"]
    del d["dimensions"][0]["indicators"][2]["direction"]
    got = messages(d)
    assert (
        "dimensions[0](efficiency).indicators[0](frt_within_target).target: a higher_better "
        "indicator needs a target" in got
    )
    assert (
        "dimensions[0](efficiency).indicators[1](aht_avg).band: a band indicator needs "
        "band: [low, high]" in got
    )
    assert (
        "dimensions[0](efficiency).indicators[2](fcr_rate): give a direction "
        "(higher_better, lower_better, band) or steps" in got
    )


def test_unknown_key_named_with_its_path():
    d = raw()
    d["dimensions"][0]["indicators"][0]["taget"] = 0.9
    d["bonus"][0]["maximum"] = 5
    got = messages(d)
    assert got[0].startswith(
        "dimensions[0](efficiency).indicators[0](frt_within_target): unknown key 'taget' "
        "(allowed here: id, weight, direction, target"
    )
    assert got[1].startswith("bonus[0]: unknown key 'maximum'")


def test_malformed_steps():
    d = raw()
    d["dimensions"][1]["indicators"][3]["steps"] = [
        {"share": 0.0}, {"max": 0.003, "share": 0.5}, {"max": 0.001, "share": 1.5},
    ]  # fmt: skip
    got = messages(d)
    base = "dimensions[1](quality).indicators[3](error_rate).steps"
    assert f"{base}[0]: a step without min or max matches everything; put it last" in got
    assert f"{base}[2].share: share 1.5 is not between 0 and 1" in got
    assert (
        f"{base}[2].max: max 0.001 is not above the previous step's 0.003, so this step can "
        "never match" in got
    )


def test_unknown_grades_in_applications_and_veto():
    d = raw()
    d["applications"]["promotion"]["min_grade"] = "A+"
    d["applications"]["improvement_plan_grades"] = ["C", "E"]
    d["veto"][1]["cap_grade"] = "X"
    got = messages(d)
    assert (
        "applications.promotion.min_grade: unknown grade 'A+'; the grades are S, A, B, C, D" in got
    )
    assert (
        "applications.improvement_plan_grades[1]: unknown grade 'E'; the grades are S, A, B, C, D"
        in got
    )
    assert "veto[1].cap_grade: unknown grade 'X'; the grades are S, A, B, C, D" in got


def test_distribution_shares_must_sum_to_one():
    d = raw()
    d["grades"] = {
        "distribution": {
            "within": "team",
            "shares": {"S": 0.1, "A": 0.2, "B": 0.5, "C": 0.15, "D": 0.1},
        }
    }
    assert messages(d) == ["grades.distribution.shares: the shares must sum to 1; they sum to 1.05"]


def test_event_filters_name_real_columns():
    d = raw()
    d["penalties"][0]["where"] = {"severty": "major"}
    (msg,) = messages(d)
    assert msg.startswith("penalties[0].where.severty: 'severty' is not a column of the complaint")


def test_every_issue_is_reported_at_once():
    d = raw()
    d["dimensions"][0]["indicators"][0]["weight"] = 5
    d["dimensions"][0]["indicators"][1]["band"] = [500, 100]
    d["dimensions"][1]["indicators"][0]["id"] = "accuracy"
    d["dimensions"][1]["indicators"][1]["target"] = 70
    d["grades"]["bogus"] = 1
    d["insufficient_sample"] = "ignore"
    got = validate(d)
    assert len(got) == 7  # + the dimension weight that no longer matches
    with pytest.raises(ScorecardInvalid) as exc:
        load_scorecard(yaml.safe_dump(d, allow_unicode=True))
    assert len(exc.value.issues) == 7
    assert "insufficient_sample: 'ignore' is not allowed" in exc.value.message


def test_broken_yaml_is_one_clear_issue():
    with pytest.raises(ScorecardInvalid, match="not valid YAML at line 2"):
        load_scorecard("name: x\n  version: [\n")


def test_bonus_is_given_for_counts_only():
    d = raw()
    d["bonus"][0]["indicator"] = "csat_rate"
    (msg,) = messages(d)
    assert msg.startswith("bonus[0].indicator: 'csat_rate' is not a count")
