"""Hand-built scoring results and the scorecard behind them, for the exports.

The points follow scorecard.md's rules, worked out here by hand, so the
figures in the exports can be checked against arithmetic, not against code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kefu.reports.meta import ReportMeta, scorecard_meta_from

SCORECARD_YAML = (Path(__file__).parent / "scorecard.yaml").read_text(encoding="utf-8")

DIMENSION_OF = {
    "frt_within_target": "efficiency",
    "aht_avg.phone": "efficiency",
    "fcr_rate": "efficiency",
    "ticket_ontime_rate": "efficiency",
    "info_accuracy_rate": "quality",
    "compliance_score": "quality",
    "complaint_rate": "quality",
    "error_rate": "quality",
    "csat_rate": "satisfaction",
    "nps": "satisfaction",
    "negative_review_rate": "satisfaction",
    "teamwork_score": "development",
    "training_attendance_rate": "development",
    "training_exam_score": "development",
    "improvement_completion_rate": "development",
}
WEIGHTS = {
    "frt_within_target": 6,
    "aht_avg.phone": 6,
    "fcr_rate": 12,
    "ticket_ontime_rate": 6,
    "info_accuracy_rate": 10,
    "compliance_score": 8,
    "complaint_rate": 8,
    "error_rate": 4,
    "csat_rate": 14,
    "nps": 8,
    "negative_review_rate": 8,
    "teamwork_score": 4,
    "training_attendance_rate": 2,
    "training_exam_score": 2,
    "improvement_completion_rate": 2,
}
DIMENSION_WEIGHTS = {"efficiency": 30, "quality": 30, "satisfaction": 30, "development": 10}


def item(
    indicator: str,
    value: float | None,
    share: float | None,
    *,
    status: str = "ok",
    reason: str | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    sample: int = 50,
) -> dict[str, Any]:
    weight = WEIGHTS[indicator]
    return {
        "indicator": indicator,
        "value": value,
        "weight": weight,
        "share": share,
        "points": None if share is None else weight * share,
        "status": status,
        "reason": reason,
        "numerator": numerator,
        "denominator": denominator,
        "sample": sample,
    }


def result(
    agent_id: str,
    name: str,
    team: str,
    site: str,
    items: list[dict[str, Any]],
    *,
    bonus: float = 0.0,
    penalty: float = 0.0,
    grade: str,
    ranks: tuple[int, int, int],
    vetoes: list[Any] | None = None,
    period: str = "2026-10",
) -> dict[str, Any]:
    dims: dict[str, float] = dict.fromkeys(DIMENSION_WEIGHTS, 0.0)
    for i in items:
        dims[DIMENSION_OF[i["indicator"]]] += i["points"] or 0.0
    total = sum(dims.values()) + bonus - penalty
    return {
        "agent_id": agent_id,
        "name": name,
        "team": team,
        "site": site,
        "period": period,
        "scorecard": {"name": "热线客服月度考核", "version": "2026.1"},
        "total": total,
        "grade": grade,
        "rank_team": ranks[0],
        "rank_site": ranks[1],
        "rank_centre": ranks[2],
        "bonus": bonus,
        "penalty": penalty,
        "vetoes": vetoes or [],
        "indicators": items,
        "dimensions": [
            {"id": d, "points": p, "weight": DIMENSION_WEIGHTS[d]} for d, p in dims.items()
        ],
    }


def full_marks_items() -> list[dict[str, Any]]:
    """Every indicator at or beyond its target: share 1."""
    return [
        item("frt_within_target", 0.95, 1.0, numerator=95, denominator=100, sample=100),
        item("aht_avg.phone", 300.0, 1.0, sample=100),
        item("fcr_rate", 0.9, 1.0, numerator=90, denominator=100, sample=100),
        item("ticket_ontime_rate", 1.0, 1.0, numerator=10, denominator=10, sample=10),
        item("info_accuracy_rate", 0.99, 1.0, sample=5),
        item("compliance_score", 96.0, 1.0, sample=5),
        item("complaint_rate", 0.0, 1.0, numerator=0, denominator=100, sample=100),
        item("error_rate", 0.0005, 1.0, numerator=1, denominator=2000, sample=2000),
        item("csat_rate", 0.96, 1.0, sample=50),
        item("nps", 70.0, 1.0, sample=50),
        item("negative_review_rate", 0.0, 1.0, sample=50),
        item("teamwork_score", 92.0, 1.0, sample=3),
        item("training_attendance_rate", 1.0, 1.0, sample=2),
        item("training_exam_score", 95.0, 1.0, sample=2),
        item("improvement_completion_rate", 1.0, 1.0, sample=2),
    ]


def sample_meta() -> ReportMeta:
    return ReportMeta.of(scorecard_meta_from(yaml.safe_load(SCORECARD_YAML)))


@pytest.fixture
def meta() -> ReportMeta:
    return sample_meta()


def _partial_items() -> list[dict[str, Any]]:
    items = full_marks_items()
    # fcr 0.75: share (0.75 − 0.6) / (0.85 − 0.6) = 0.6 → 12 × 0.6 = 7.2 points
    items[2] = item("fcr_rate", 0.75, (0.75 - 0.6) / (0.85 - 0.6), numerator=75, denominator=100)
    # complaint rate 0.006 ≥ threshold 0.005: share 0 → 0 points
    items[6] = item("complaint_rate", 0.006, 0.0, numerator=3, denominator=500, sample=500)
    # aht 500 s: 80 s above the band's 420 with tolerance 120: share 1 − 80/120 = 1/3
    items[1] = item("aht_avg.phone", 500.0, 1 - 80 / 120, sample=100)
    return items


def sample_results() -> list[dict[str, Any]]:
    """Three agents in two teams.

    A001 张伟: full marks (100) + 3 praise = 103, grade S.
    A002 李娜: full marks minus fcr (12 − 7.2 = 4.8), complaint (8), aht
    (6 − 2 = 4) and the training exam (2, below its minimum sample, scored
    zero): 100 − 4.8 − 8 − 4 − 2 = 81.2, grade B.
    B001 王芳 (team 二组): full marks minus 5 penalty = 95, capped to C by a veto.
    """
    a1 = result(
        "A001",
        "张伟",
        "一组",
        "北京职场",
        full_marks_items(),
        bonus=3.0,
        grade="S",
        ranks=(1, 1, 1),
    )
    items = _partial_items()
    items[13] = item(
        "training_exam_score",
        40.0,
        0.0,
        status="insufficient_sample",
        reason="样本不足 (1 < 2),按零分计",
        sample=1,
    )
    a2 = result("A002", "李娜", "一组", "北京职场", items, grade="B", ranks=(2, 2, 3))
    b1 = result(
        "B001",
        "王芳",
        "二组",
        "上海职场",
        full_marks_items(),
        penalty=5.0,
        grade="C",
        ranks=(1, 1, 2),
        vetoes=[{"event": "complaint", "cap_grade": "C", "reason": "严重投诉成立 (C0042)"}],
    )
    return [a1, a2, b1]


@pytest.fixture
def results() -> list[dict[str, Any]]:
    return sample_results()
