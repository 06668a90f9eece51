from __future__ import annotations

import pytest

from kefu.scoring import score_period
from kefu.scoring.applications import applications, apply_rules, grade_distribution
from tests.scoring.helpers import SIMPLE, FakeEngine, card, fig, result


def row(grade, dims=(), total=80.0):
    return result(total=total, grade=grade, dimensions=[{"name": {}, **d} for d in dims])


C = card(SIMPLE)


def test_pay_coefficient_per_grade():
    assert apply_rules(row("S"), C, [])["pay_coefficient"] == 1.5
    assert apply_rules(row("D"), C, [])["pay_coefficient"] == 0.5


def test_promotion_needs_the_grade_in_each_of_the_months():
    got = apply_rules(row("S"), C, [("2026-09", "A")])
    assert got["promotion_candidate"] is True
    assert got["qualifying_months"] == ["2026-10", "2026-09"]
    got = apply_rules(row("A"), C, [("2026-09", "B")])
    assert (got["promotion_candidate"], got["qualifying_months"]) == (False, ["2026-10"])
    got = apply_rules(row("A"), C, [("2026-09", None)])  # not scored last month
    assert got["promotion_candidate"] is False
    assert apply_rules(row("B"), C, [("2026-09", "S")])["qualifying_months"] == []


def test_training_for_dimensions_below_the_share_of_their_weight():
    dims = [
        {"id": "efficiency", "points": 30, "weight": 60, "effective_weight": 60},  # 50 % < 60 %
        {"id": "quality", "points": 24, "weight": 40, "effective_weight": 40},  # exactly 60 %
        {"id": "development", "points": 0, "weight": 10, "effective_weight": 0},  # nothing scored
    ]
    got = apply_rules(row("B", dims), C, [])
    assert got["training"] == ["efficiency"]
    assert got["training_detail"][0]["achieved"] == pytest.approx(30 / 60)


def test_improvement_plan_for_low_grades():
    assert apply_rules(row("C"), C, [])["improvement_plan_required"] is True
    assert apply_rules(row("D"), C, [])["improvement_plan_required"] is True
    assert apply_rules(row("B"), C, [])["improvement_plan_required"] is False


def test_grade_distribution_per_team_and_centre():
    rows = [
        result(team="T1", grade="A"), result(team="T1", grade="B"), result(team="T1", grade="B"),
        result(team="T2", grade="C"),
    ]  # fmt: skip
    t1, t2, centre = grade_distribution(rows, ["S", "A", "B", "C", "D"])
    assert (t1["team"], t1["agents"], t1["A"], t1["B"]) == ("T1", 3, 1, 2)
    assert t1["B_share"] == pytest.approx(2 / 3)
    assert (t2["C"], centre["team"], centre["agents"], centre["B"]) == (1, "(centre)", 4, 2)


def test_applications_of_a_scored_month_use_the_previous_month(ws):
    figs = [
        fig(ind, v, key="A1", period=p)
        for p, fcr in (("2026-09", 0.9), ("2026-10", 0.8))
        for ind, v in (("fcr_rate", fcr), ("aht_avg", 300))
    ]
    engine = FakeEngine(figs)
    for p in ("2026-09", "2026-10"):
        score_period(ws, p, scorecard=C, actor="t", compute=engine)
    rows, dist = applications(ws, "2026-10")
    (a1,) = rows
    # September 100 (S), October 60 × 0.75 + 40 = 85 (A): A or better twice running
    assert (a1["grade"], a1["promotion_candidate"]) == ("A", True)
    assert a1["qualifying_months"] == ["2026-10", "2026-09"]
    assert dist[-1]["A"] == 1
