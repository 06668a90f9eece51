from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.periods import Period
from kefu.scoring.grading import (
    cap_grade,
    competition_ranks,
    forced_distribution,
    grade_by_thresholds,
    quotas,
)
from kefu.scoring.inputs import Assignment
from kefu.scoring.month import build_results
from kefu.scoring.registry import single
from tests.scoring.helpers import SIMPLE, card, fig

TH = {"S": 95, "A": 85, "B": 70, "C": 60, "D": 0}
SHARES = {"S": 0.1, "A": 0.2, "B": 0.5, "C": 0.15, "D": 0.05}
ORDER = ["S", "A", "B", "C", "D"]


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "S"), (95, "S"), (94.99, "A"), (85, "A"), (70, "B"), (69.99, "C"), (60, "C"),
     (59.99, "D"), (0, "D"), (104, "S")],
)  # fmt: skip
def test_grade_by_thresholds(total, grade):
    assert grade_by_thresholds(total, TH) == grade


def test_thresholds_read_the_total_as_displayed():
    # 94.996 is shown as 95.00: the agent sees an S total and gets an S.
    assert grade_by_thresholds(94.996, TH) == "S"


def test_quotas_by_largest_remainder():
    # exact 1, 2, 5, 1.5, 0.5: the two halves tie, the better grade (C) gets the seat
    assert quotas(10, SHARES) == {"S": 1, "A": 2, "B": 5, "C": 2, "D": 0}
    # exact 2, 4, 10, 3, 1
    assert quotas(20, SHARES) == {"S": 2, "A": 4, "B": 10, "C": 3, "D": 1}


def test_forced_distribution_in_order_of_totals():
    totals = {f"a{i}": 100 - 10 * i for i in range(10)}  # 100, 90, …, 10
    got = forced_distribution(totals, SHARES)
    assert [got[f"a{i}"] for i in range(10)] == ["S", "A", "A", "B", "B", "B", "B", "B", "C", "C"]


def test_ties_share_the_better_grade_and_the_next_quota_pays():
    shares = dict.fromkeys(ORDER, 0.2)
    got = forced_distribution({"a": 90, "b": 90, "c": 80, "d": 70, "e": 60}, shares)
    assert got == {"a": "S", "b": "S", "c": "B", "d": "C", "e": "D"}


def test_small_team_is_not_pushed_into_the_lowest_grade():
    # exact 0.3 / 0.6 / 1.5 / 0.45 / 0.15 → A 1, B 2
    assert quotas(3, SHARES) == {"S": 0, "A": 1, "B": 2, "C": 0, "D": 0}
    assert forced_distribution({"a": 70, "b": 60, "c": 50}, SHARES) == {
        "a": "A",
        "b": "B",
        "c": "B",
    }


def test_single_agent_population():
    assert forced_distribution({"a": 10}, SHARES) == {"a": "B"}


def test_veto_caps_a_grade_but_never_raises_one():
    assert cap_grade("S", ["C"], ORDER) == "C"
    assert cap_grade("D", ["C"], ORDER) == "D"
    assert cap_grade("A", ["B", "C"], ORDER) == "C"
    assert cap_grade("A", [], ORDER) == "A"


def test_competition_ranks_with_ties():
    assert competition_ranks({"a": 90, "b": 85, "c": 85, "d": 80}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


def test_ranks_tie_on_the_displayed_total():
    assert competition_ranks({"a": 85.001, "b": 84.999, "c": 80}) == {"a": 1, "b": 1, "c": 3}


# -- through build_results ----------------------------------------------------------------
def _roster():
    return {
        "A1": Assignment("A1", "甲", "T1", "S1"),
        "A2": Assignment("A2", "乙", "T1", "S1"),
        "A3": Assignment("A3", "丙", "T2", "S1"),
        "A4": Assignment("A4", "丁", "T3", "S2"),
    }


def _figures(fcr):
    return {
        a: {"fcr_rate": fig("fcr_rate", v, key=a), "aht_avg": fig("aht_avg", 300, key=a)}
        for a, v in fcr.items()
    }


def test_results_rank_within_team_site_and_centre_and_cap_by_veto():
    c = card(SIMPLE)
    # totals: 60 × share + 40; fcr 0.9 → 100, 0.7 → 70, 0.5 → 40
    figs = _figures({"A1": 0.9, "A2": 0.9, "A3": 0.7, "A4": 0.5})
    rows = build_results(
        Period.parse("2026-10"), single(c), _roster(), figs, events={"A2": {"qa_fatal": [{}]}}
    )
    by = {r["agent_id"]: r for r in rows}
    assert [by[a]["total"] for a in ("A1", "A2", "A3", "A4")] == pytest.approx([100, 100, 70, 40])
    assert (by["A1"]["grade"], by["A2"]["grade"]) == ("S", "C")
    assert by["A2"]["grade_before_veto"] == "S"
    assert by["A2"]["pay_coefficient"] == 0.8
    assert [by[a]["rank_team"] for a in ("A1", "A2", "A3", "A4")] == [1, 1, 1, 1]
    assert [by[a]["rank_site"] for a in ("A1", "A2", "A3", "A4")] == [1, 1, 3, 1]
    assert [by[a]["rank_centre"] for a in ("A1", "A2", "A3", "A4")] == [1, 1, 3, 4]


def test_distribution_within_team_falls_back_to_thresholds_for_small_teams():
    body = SIMPLE.replace(
        "  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}",
        "  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}\n"
        "  distribution: {within: site, shares: {S: 0.25, A: 0.25, B: 0.25, C: 0.25, D: 0.0},"
        " min_population: 2}",
    )
    c = card(body)
    figs = _figures({"A1": 0.9, "A2": 0.8, "A3": 0.7, "A4": 0.5})
    rows = build_results(Period.parse("2026-10"), single(c), _roster(), figs)
    by = {r["agent_id"]: r for r in rows}
    # site S1 (3 agents, totals 100, 85, 70): quotas 0.75 each → S, A, B by largest remainder
    assert [by[a]["grade"] for a in ("A1", "A2", "A3")] == ["S", "A", "B"]
    # site S2 has one agent (< 2): thresholds, total 40 → D
    assert by["A4"]["grade"] == "D"
    assert "population of 1 is below 2: graded by thresholds" in by["A4"]["reasons"]


totals_st = st.dictionaries(
    st.text(min_size=1, max_size=4), st.floats(min_value=0, max_value=105), min_size=1, max_size=40
)


@given(st.integers(min_value=0, max_value=500))
def test_quotas_always_sum_to_the_population(n):
    assert sum(quotas(n, SHARES).values()) == n


@given(totals_st)
def test_forced_distribution_never_grades_a_better_total_lower(totals):
    got = forced_distribution(totals, SHARES)
    ranked = sorted(totals, key=lambda k: -round(totals[k], 2))
    indices = [ORDER.index(got[k]) for k in ranked]
    assert indices == sorted(indices)


@given(totals_st)
def test_ranks_follow_the_totals(totals):
    ranks = competition_ranks(totals)
    for a in totals:
        better = sum(1 for b in totals if round(totals[b], 2) > round(totals[a], 2))
        assert ranks[a] == better + 1
