from __future__ import annotations

from datetime import date

import pytest

from kefu.metrics import IndicatorParams
from tests.factories import add_records
from tests.metrics.helpers import figure, roster


@pytest.fixture
def ws1(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    return ws


def _rating(rid: str, agent: str, role: str | None, score: float, day: int = 20):
    return {"rating_id": rid, "agent_id": agent, "rater_role": role, "score": score,
            "rated_on": date(2026, 10, day)}  # fmt: skip


def test_teamwork_weights_supervisor_and_peer_means(ws1):
    add_records(ws1, "ratings", [
        _rating("R1", "A1", "supervisor", 80.0),
        _rating("R2", "A1", "supervisor", 90.0),
        _rating("R3", "A1", "peer", 60.0),
        _rating("R4", "A1", "peer", 70.0),
        _rating("R5", "A1", "peer", 75.0),  # a 1–5 rating of 4, stored as (4 − 1) × 25
        _rating("R6", "A1", "self", 100.0),  # shown, never scored
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "teamwork_score", "A1")
    expected = 0.7 * (80 + 90) / 2 + 0.3 * (60 + 70 + 75) / 3
    assert f.value == pytest.approx(expected)
    assert f.sample == 5
    params = IndicatorParams(rater_weights={"supervisor": 0.5, "peer": 0.5})
    half = figure(ws1, "2026-10", "teamwork_score", "A1", params=params)
    assert half.value == pytest.approx(0.5 * 85 + 0.5 * (60 + 70 + 75) / 3)


def test_teamwork_with_one_role_missing_uses_the_other_alone(ws1):
    add_records(ws1, "ratings", [
        _rating("R1", "A2", "peer", 60.0),
        _rating("R2", "A2", "peer", 90.0),
        _rating("R3", "A2", "self", 10.0),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "teamwork_score", "A2")
    assert f.value == pytest.approx((60 + 90) / 2)
    assert f.sample == 2


def test_only_self_ratings_is_no_data(ws1):
    add_records(ws1, "ratings", [_rating("R1", "A2", "self", 95.0)])
    assert figure(ws1, "2026-10", "teamwork_score", "A2").value is None


def test_team_teamwork_weights_the_team_role_means(ws1):
    add_records(ws1, "ratings", [
        _rating("R1", "A1", "supervisor", 80.0),
        _rating("R2", "A2", "supervisor", 60.0),
        _rating("R3", "A2", "peer", 90.0),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "teamwork_score", "T1", level="team")
    assert f.value == pytest.approx(0.7 * (80 + 60) / 2 + 0.3 * 90)


def test_training_attendance_counts_required_sessions_and_exam_mean(ws1):
    d = date(2026, 10, 15)
    add_records(ws1, "training", [
        {"record_id": "1", "agent_id": "A1", "held_on": d, "required": True, "attended": True,
         "exam_score": 90.0},
        {"record_id": "2", "agent_id": "A1", "held_on": d, "required": True, "attended": False},
        {"record_id": "3", "agent_id": "A1", "held_on": d, "required": None, "attended": True,
         "exam_score": 70.0},  # required defaults to true
        {"record_id": "4", "agent_id": "A1", "held_on": d, "required": False, "attended": True,
         "exam_score": 80.0},
        {"record_id": "5", "agent_id": "A1", "held_on": date(2026, 11, 1), "required": True,
         "attended": False},
    ])  # fmt: skip
    att = figure(ws1, "2026-10", "training_attendance_rate", "A1")
    assert (att.numerator, att.denominator) == (2, 3)
    exam = figure(ws1, "2026-10", "training_exam_score", "A1")
    assert exam.value == pytest.approx((90 + 70 + 80) / 3)


def test_improvement_items_completed_by_their_due_date(ws1):
    due = date(2026, 10, 31)
    add_records(ws1, "improvement_items", [
        {"item_id": "I1", "agent_id": "A1", "due_on": due, "completed_on": date(2026, 10, 20)},
        {"item_id": "I2", "agent_id": "A1", "due_on": due, "completed_on": due},
        {"item_id": "I3", "agent_id": "A1", "due_on": due, "completed_on": date(2026, 11, 2)},
        {"item_id": "I4", "agent_id": "A1", "due_on": due},
        {"item_id": "I5", "agent_id": "A1", "due_on": date(2026, 11, 1)},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "improvement_completion_rate", "A1")
    assert (f.numerator, f.denominator, f.value) == (2, 4, pytest.approx(2 / 4))
