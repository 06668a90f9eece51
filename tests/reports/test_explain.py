"""Grades explain themselves; bonus and penalty lines are sums a manager checks by head."""

from __future__ import annotations

from kefu.reports.explain import bonus_line, grade_reason, penalty_line, signed
from kefu.scoring.scorecard import BonusRule, PenaltyRule, parse_scorecard

DISTRIBUTED = """\
name: dist
version: "1"
dimensions:
  - id: q
    name: {zh: 质量, en: Quality}
    weight: 100
    indicators:
      - {id: fcr_rate, weight: 100, direction: higher_better, target: 0.85, threshold: 0.6}
grades:
  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}
  distribution:
    within: team
    shares: {S: 0.1, A: 0.2, B: 0.5, C: 0.15, D: 0.05}
    min_population: 5
"""


def test_bonus_capped_reads_count_times_points_then_the_cap() -> None:
    rule = BonusRule(indicator="praise_count", points_each=1, cap=5)
    item = {"indicator": "praise_count", "count": 6, "points": 5.0}
    assert bonus_line(item, rule, "zh-CN") == "表扬 6 次 × 1 分 = 6 分,封顶 5 分"
    assert bonus_line(item, rule, "en") == "praise 6 × 1 = 6 points, capped at 5"
    below = {"indicator": "praise_count", "count": 3, "points": 3.0}
    assert bonus_line(below, rule, "zh-CN") == "表扬 3 次 × 1 分 = 3 分"


def test_penalty_line_and_a_zero_total_without_a_sign() -> None:
    rule = PenaltyRule(event="complaint", where={"severity": "major"}, points_each=5)
    item = {"event": "complaint", "where": {"severity": "major"}, "count": 2, "points": 10.0}
    assert penalty_line(item, rule, "zh-CN").endswith(" 2 次 × 5 分 = 10 分")
    assert signed(0.0, "−") == "0.00" and signed(-0.0, "−") == "0.00"
    assert signed(10, "−") == "−10.00"


def test_a_veto_capped_grade_names_the_grade_it_would_have_and_the_rule() -> None:
    veto = {"reason": "1 complaint event(s) (severity=critical): grade capped at C"}
    row = {"grade": "C", "grade_before_veto": "A", "total": 89.01, "reasons": [], "vetoes": [veto]}
    text = grade_reason(row, None, None, "zh-CN")
    assert "本可评为 A" in text and "等级封顶为 C" in text
    assert "would be A" in grade_reason(row, None, None, "en")


def test_forced_distribution_names_rank_and_quota() -> None:
    card = parse_scorecard(DISTRIBUTED)
    # a team of 10: quotas S 1, A 2, B 5, C 1, D 1 (largest remainder); 2nd best → A
    row = {"grade": "A", "grade_before_veto": "A", "total": 88.84, "rank_team": 2,
           "reasons": [], "vetoes": []}  # fmt: skip
    assert (
        grade_reason(row, card, 10, "zh-CN") == "强制分布:班组 10 人中总分排第 2 名,A 等名额 2 人"
    )


def test_small_population_says_it_was_graded_by_thresholds() -> None:
    card = parse_scorecard(DISTRIBUTED)
    row = {"grade": "B", "grade_before_veto": "B", "total": 80.0, "rank_team": 1, "vetoes": [],
           "reasons": ["population of 3 is below 5: graded by thresholds"]}  # fmt: skip
    assert grade_reason(row, card, 3, "zh-CN") == "人数 3 少于 5:按分数线评定等级"


def test_threshold_grade_names_the_line_reached() -> None:
    card = parse_scorecard(DISTRIBUTED.split("  distribution:")[0])
    row = {"grade": "B", "grade_before_veto": "B", "total": 80.0, "reasons": [], "vetoes": []}
    assert grade_reason(row, card, 3, "zh-CN") == "总分 80 ≥ B 等分数线 70"
