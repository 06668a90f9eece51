from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.scoring.rules import ScoreStatus, score_agent, score_agents
from kefu.scoring.sanctions import matches
from kefu.scoring.scorecard import Direction, Step
from kefu.scoring.shares import band_share, linear_share, step_share
from tests.scoring.helpers import SIMPLE, card, fig

HB, LB = Direction.HIGHER_BETTER, Direction.LOWER_BETTER


def one(rule: str, *, extra: str = "", policy: str = "redistribute"):
    """A scorecard with the given indicator rule (weight 60) plus csat_rate (weight 40)."""
    return card(
        f"""
insufficient_sample: {policy}
dimensions:
  - id: d
    indicators:
      - {rule}
      - {{id: csat_rate, weight: 40, direction: higher_better, target: 0.9, threshold: 0.5}}
grades: {{thresholds: {{A: 80, B: 0}}}}
applications: {{pay_coefficient: {{A: 1.2, B: 1.0}}}}
{extra}"""
    )


def points(c, figures, **kw):
    s = score_agent(c, {f.indicator: f for f in figures}, **kw)
    return {i.indicator: i for i in s.indicators}, s


# -- linear ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "share"),
    [(0.5, 0.0), (0.4, 0.0), (0.7, (0.7 - 0.5) / (0.9 - 0.5)), (0.9, 1.0), (0.99, 1.0)],
)
def test_higher_better_is_linear_between_threshold_and_target(value, share):
    assert linear_share(HB, 0.9, 0.5, value) == pytest.approx(share)


@pytest.mark.parametrize(
    ("value", "share"),
    [(0.0, 1.0), (0.001, (0.005 - 0.001) / (0.005 - 0.0)), (0.005, 0.0), (0.02, 0.0)],
)
def test_lower_better_reverses_the_inequality(value, share):
    assert linear_share(LB, 0.0, 0.005, value) == pytest.approx(share)


def test_points_are_weight_times_share():
    c = one("{id: fcr_rate, weight: 60, direction: higher_better, target: 0.85, threshold: 0.6}")
    got, s = points(c, [fig("fcr_rate", 0.8), fig("csat_rate", 0.8)])
    assert got["fcr_rate"].points == pytest.approx(60 * (0.8 - 0.6) / (0.85 - 0.6))
    assert got["csat_rate"].points == pytest.approx(40 * (0.8 - 0.5) / (0.9 - 0.5))
    assert s.total == pytest.approx(60 * 0.2 / 0.25 + 40 * 0.3 / 0.4)


# -- band -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "share"),
    [
        (180, 1.0), (420, 1.0), (300, 1.0),  # inside, edges included
        (150, 1 - 30 / 120), (60, 0.0), (59, 0.0),  # below: 0 at low − tolerance
        (480, 1 - 60 / 120), (540, 0.0), (600, 0.0),  # above: 0 at high + tolerance
    ],
)  # fmt: skip
def test_band_with_tolerance(value, share):
    assert band_share(180, 420, 120, value) == pytest.approx(share)


def test_band_without_tolerance_is_all_or_nothing():
    assert band_share(180, 420, 0, 420) == 1.0
    assert band_share(180, 420, 0, 420.5) == 0.0


# -- steps ---------------------------------------------------------------------------
ERROR_STEPS = [Step(max=0.001, share=1.0), Step(max=0.003, share=0.5), Step(share=0.0)]


@pytest.mark.parametrize(
    ("value", "share", "index"),
    [(0.0, 1.0, 0), (0.001, 1.0, 0), (0.002, 0.5, 1), (0.003, 0.5, 1), (0.01, 0.0, 2)],
)
def test_steps_take_the_first_matching_step(value, share, index):
    assert step_share(ERROR_STEPS, value) == (share, index)


def test_min_steps_for_higher_better_figures():
    steps = [Step(min=0.95, share=1.0), Step(min=0.9, share=0.6), Step(min=0.8, share=0.2)]
    assert step_share(steps, 0.97) == (1.0, 0)
    assert step_share(steps, 0.9) == (0.6, 1)
    assert step_share(steps, 0.79) == (0.0, None)


def test_a_value_matching_no_step_scores_zero_with_a_reason():
    c = one("{id: fcr_rate, weight: 60, steps: [{min: 0.8, share: 1.0}]}")
    got, _ = points(c, [fig("fcr_rate", 0.7), fig("csat_rate", 0.9)])
    assert got["fcr_rate"].points == 0.0
    assert got["fcr_rate"].reason == "value 0.7 matches no step: no points"


# -- insufficient sample -------------------------------------------------------------
FCR = (
    "{id: fcr_rate, weight: 60, direction: higher_better, target: 0.9, threshold: 0.5, "
    "min_sample: 30}"
)


def test_redistribute_shares_the_weight_among_the_scored_indicators():
    c = card(
        """
dimensions:
  - id: d
    indicators:
      - {id: fcr_rate, weight: 50, direction: higher_better, target: 0.9, threshold: 0.5,
         min_sample: 30}
      - {id: csat_rate, weight: 30, direction: higher_better, target: 0.9, threshold: 0.5}
      - {id: nps, weight: 20, direction: higher_better, target: 60, threshold: 0}
grades: {thresholds: {A: 80, B: 0}}
"""
    )
    got, s = points(c, [fig("fcr_rate", 0.9, sample=12), fig("csat_rate", 0.7), fig("nps", 60)])
    assert got["fcr_rate"].status == ScoreStatus.INSUFFICIENT_SAMPLE
    assert got["fcr_rate"].points == 0 and got["fcr_rate"].effective_weight == 0
    assert "sample 12 below the minimum 30" in got["fcr_rate"].reason
    # csat 30 and nps 20 share fcr's 50 in proportion: ×100/50
    assert got["csat_rate"].effective_weight == pytest.approx(30 * 100 / 50)
    assert got["nps"].effective_weight == pytest.approx(20 * 100 / 50)
    assert got["csat_rate"].points == pytest.approx(60 * (0.7 - 0.5) / (0.9 - 0.5))
    assert got["nps"].points == pytest.approx(40 * 1.0)
    assert s.total == pytest.approx(30 + 40)


def test_no_data_is_handled_like_an_insufficient_sample():
    c = one(FCR)
    got, s = points(c, [fig("fcr_rate", None), fig("csat_rate", 0.9)])
    assert got["fcr_rate"].status == ScoreStatus.NO_DATA
    assert got["fcr_rate"].value is None
    assert got["csat_rate"].points == pytest.approx(100)
    assert s.total == pytest.approx(100)


def test_team_value_policy_uses_the_teams_figure():
    c = one(FCR, policy="team_value")
    got, s = points(
        c,
        [fig("fcr_rate", 0.9, sample=5), fig("csat_rate", 0.9)],
        team_figures={"fcr_rate": fig("fcr_rate", 0.8, key="T1", sample=300)},
    )
    assert got["fcr_rate"].points == pytest.approx(60 * (0.8 - 0.5) / (0.9 - 0.5))
    assert got["fcr_rate"].scored_value == 0.8
    assert got["fcr_rate"].reason_code == "team_value"
    assert s.total == pytest.approx(45 + 40)


def test_team_value_without_a_team_figure_falls_back_to_redistribution():
    c = one(FCR, policy="team_value")
    got, s = points(c, [fig("fcr_rate", 0.9, sample=5), fig("csat_rate", 0.7)])
    assert got["fcr_rate"].reason_code == "redistributed"
    assert s.total == pytest.approx(100 * (0.7 - 0.5) / (0.9 - 0.5))


def test_zero_policy_scores_zero_and_keeps_the_weights():
    c = one(FCR, policy="zero")
    got, s = points(c, [fig("fcr_rate", 0.9, sample=5), fig("csat_rate", 0.9)])
    assert got["fcr_rate"].points == 0 and got["fcr_rate"].effective_weight == 60
    assert got["csat_rate"].effective_weight == 40
    assert s.total == pytest.approx(40)


def test_nothing_scored_gives_no_points():
    c = one(FCR)
    _, s = points(c, [])
    assert s.total == 0
    assert s.reasons == ["no indicator could be scored: no points from indicators"]


# -- bonus, penalties, veto, clamping -------------------------------------------------
def test_bonus_is_capped():
    c = card(SIMPLE)
    _, s = points(c, [fig("fcr_rate", 0.9), fig("aht_avg", 300), fig("praise_count", 8)])
    assert s.bonus == 5
    assert s.bonus_items[0]["reason"] == "8 bonus points capped at 5"
    assert s.total == pytest.approx(100 + 5)  # the upper bound is 100 + bonus cap


def test_bonus_below_the_cap_counts_each():
    _, s = points(card(SIMPLE), [fig("fcr_rate", 0.7), fig("aht_avg", 300), fig("praise_count", 3)])
    assert s.total == pytest.approx(60 * 0.5 + 40 + 3 * 1)


def test_penalty_counts_matching_events_only():
    events = {"complaint": [{"severity": "major"}, {"severity": "major"}, {"severity": "minor"}]}
    _, s = points(card(SIMPLE), [fig("fcr_rate", 0.9), fig("aht_avg", 300)], events=events)
    assert s.penalty == 2 * 5
    assert s.total == pytest.approx(100 - 10)


def test_total_is_clamped_at_zero():
    events = {"complaint": [{"severity": "major"}] * 5}
    _, s = points(card(SIMPLE), [fig("fcr_rate", 0.6), fig("aht_avg", 600)], events=events)
    # 60 × 0.25 + 0 − 25 = −10 → 0
    assert s.total == 0
    assert s.reasons == ["total -10 clamped to [0, 105]"]


def test_veto_records_the_cap():
    _, s = points(
        card(SIMPLE),
        [fig("fcr_rate", 0.9), fig("aht_avg", 300)],
        events={"qa_fatal": [{"fatal": True}]},
    )
    assert s.cap_grades == ["C"]
    assert s.vetoes[0]["reason"] == "1 qa_fatal event(s): grade capped at C"
    assert s.total == pytest.approx(100)  # a veto caps the grade, not the points


def test_where_filters():
    assert matches({"severity": "major"}, {"severity": "major", "cause": "attitude"})
    assert not matches({"severity": "major"}, {"severity": None})
    assert matches({"severity": ["major", "critical"]}, {"severity": "critical"})
    assert matches({"fatal": True}, {"fatal": True})
    assert not matches({"fatal": True}, {"fatal": False})


# -- fairness in results ----------------------------------------------------------------
def test_rates_carry_a_wilson_interval():
    c = one(FCR.replace(", min_sample: 30", ""))
    got, _ = points(c, [fig("fcr_rate", 0.8, numerator=8, denominator=10, sample=10)])
    low, high = got["fcr_rate"].wilson
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)


def test_shrinkage_pulls_a_small_sample_toward_the_team():
    c = one(
        FCR.replace(", min_sample: 30", ""),
        extra="shrinkage: {enabled: true, prior_strength: 10}",
    )
    got, _ = points(
        c,
        [fig("fcr_rate", 0.5, numerator=5, denominator=10, sample=10)],
        team_figures={"fcr_rate": fig("fcr_rate", 0.8, key="T1")},
    )
    shrunk = (5 + 10 * 0.8) / (10 + 10)
    assert got["fcr_rate"].value == 0.5
    assert got["fcr_rate"].scored_value == pytest.approx(shrunk)
    # csat_rate has no data: its 40 points go to fcr_rate, which weighs 100
    assert got["fcr_rate"].points == pytest.approx(100 * (shrunk - 0.5) / 0.4)
    assert got["fcr_rate"].reason_code == "shrunk"


# -- invariants -------------------------------------------------------------------------
values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(values, st.floats(min_value=0, max_value=1e3), st.floats(min_value=0.001, max_value=1e3))
def test_linear_share_is_within_bounds_and_monotonic(v, threshold, gap):
    target = threshold + gap
    s = linear_share(HB, target, threshold, v)
    assert 0.0 <= s <= 1.0
    assert linear_share(HB, target, threshold, v + abs(v) * 0.1 + 1) >= s
    assert linear_share(LB, threshold, target, v + abs(v) * 0.1 + 1) <= linear_share(
        LB, threshold, target, v
    )


@given(values, st.floats(min_value=0, max_value=1e4))
def test_band_share_within_bounds(v, tol):
    assert 0.0 <= band_share(180, 420, tol, v) <= 1.0


@given(
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.floats(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["redistribute", "zero", "team_value"]),
)
def test_points_and_total_stay_in_bounds(fcr, aht, sample, praise, majors, policy):
    c = card(SIMPLE.replace("dimensions:", f"insufficient_sample: {policy}\ndimensions:"))
    got, s = points(
        c,
        [
            fig("fcr_rate", fcr, sample=sample),
            fig("aht_avg", aht, sample=sample),
            fig("praise_count", praise),
        ],
        events={"complaint": [{"severity": "major"}] * majors},
    )
    for i in got.values():
        assert 0.0 <= i.points <= i.effective_weight + 1e-9
    assert sum(i.effective_weight for i in got.values()) in (pytest.approx(100), 0)
    assert 0.0 <= s.total <= 100 + 5


# -- many agents at once ------------------------------------------------------------------
MIXED = """
insufficient_sample: {policy}
shrinkage: {{enabled: {shrink}, prior_strength: 10}}
dimensions:
  - id: efficiency
    indicators:
      - {{id: fcr_rate, weight: 40, direction: higher_better, target: 0.9, threshold: 0.5,
         min_sample: 10}}
      - {{id: aht_avg, weight: 20, direction: band, band: [180, 420], tolerance: 120,
         min_sample: 10}}
  - id: quality
    indicators:
      - {{id: complaint_rate, weight: 25, direction: lower_better, target: 0.0,
         threshold: 0.005, min_sample: 30}}
      - {{id: error_rate, weight: 15, steps: [{{max: 0.001, share: 1.0}}, {{max: 0.003, share: 0.5}}],
         min_sample: 5}}
bonus:
  - {{indicator: praise_count, points_each: 1, cap: 5}}
penalties:
  - {{event: complaint, where: {{severity: major}}, points_each: 5, cap: 15}}
veto:
  - {{event: complaint, where: {{severity: critical}}, cap_grade: C}}
  - {{event: qa_fatal, cap_grade: C}}
grades:
  thresholds: {{S: 95, A: 85, B: 70, C: 60, D: 0}}
"""  # noqa: E501

RANGES = {
    "fcr_rate": (0.0, 1.0),
    "aht_avg": (0.0, 900.0),
    "complaint_rate": (0.0, 0.02),
    "error_rate": (0.0, 0.006),
}


@st.composite
def a_figure(draw, indicator: str, key: str):
    low, high = RANGES[indicator]
    if draw(st.booleans()) and draw(st.booleans()):
        return None if draw(st.booleans()) else fig(indicator, None, key=key)
    value = draw(st.floats(min_value=low, max_value=high, allow_nan=False))
    denominator = float(draw(st.integers(min_value=0, max_value=60)))
    return fig(
        indicator,
        value,
        key=key,
        sample=int(denominator),
        numerator=round(value * denominator) if indicator != "aht_avg" else value * denominator,
        denominator=denominator,
    )


@st.composite
def an_agent(draw, key: str):
    figures = {}
    for indicator in RANGES:
        f = draw(a_figure(indicator, key))
        if f is not None:
            figures[indicator] = f
    if draw(st.booleans()):
        figures["praise_count"] = fig("praise_count", float(draw(st.integers(0, 9))), key=key)
    team = {}
    if draw(st.booleans()):
        team = {"fcr_rate": fig("fcr_rate", draw(st.floats(0.0, 1.0)), key="T1", sample=500)}
    kinds = st.sampled_from(
        [{"severity": "major"}, {"severity": "critical"}, {"severity": None}, {"fatal": True}]
    )
    records = draw(st.lists(kinds, max_size=5))
    events = {
        "complaint": [r for r in records if "severity" in r],
        "qa_fatal": [r for r in records if "fatal" in r],
    }
    return figures, team, events


@given(
    st.sampled_from(["redistribute", "zero", "team_value"]),
    st.booleans(),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=12).flatmap(
        lambda keys: st.tuples(*(an_agent(f"A{k}") for k in keys))
    ),
)
def test_scoring_many_agents_at_once_equals_scoring_each_alone(policy, shrink, agents):
    c = card(MIXED.format(policy=policy, shrink="true" if shrink else "false"))
    together = score_agents(
        c,
        [f for f, _, _ in agents],
        team_figures=[t for _, t, _ in agents],
        events=[e for _, _, e in agents],
    )
    alone = [score_agent(c, f, team_figures=t, events=e) for f, t, e in agents]
    assert together == alone
    # And again in the other order: no agent's score depends on its neighbours.
    backwards = score_agents(
        c,
        [f for f, _, _ in reversed(agents)],
        team_figures=[t for _, t, _ in reversed(agents)],
        events=[e for _, _, e in reversed(agents)],
    )
    assert backwards == alone[::-1]


def test_rows_name_each_value_by_its_field():
    s = score_agent(card(SIMPLE), {"fcr_rate": fig("fcr_rate", 0.7, numerator=70.0,
                                                   denominator=100.0, sample=100)})  # fmt: skip
    fcr = next(r for r in s.indicators if r.indicator == "fcr_rate")
    # SIMPLE: fcr_rate weight 60, target 0.9, threshold 0.5; aht_avg has no data, so its
    # 40 points go to fcr_rate: effective weight 100, share (0.7 - 0.5) / 0.4 = 0.5.
    assert fcr.dimension == "efficiency"
    assert (fcr.weight, fcr.effective_weight) == (60, 100)
    assert (fcr.value, fcr.numerator, fcr.denominator, fcr.sample) == (0.7, 70.0, 100.0, 100)
    assert fcr.share == pytest.approx(0.5) and fcr.points == pytest.approx(50)
    assert (fcr.status, fcr.scored_value, fcr.provisional) == ("ok", 0.7, False)
    assert fcr.wilson is not None and fcr.wilson[0] < 0.7 < fcr.wilson[1]
    assert fcr.reason_code == "weight_raised"
    (dim,) = s.dimensions
    assert (dim.id, dim.name["en"], dim.weight) == ("efficiency", "Efficiency", 100)
    assert dim.points == pytest.approx(50) and dim.effective_weight == pytest.approx(100)
