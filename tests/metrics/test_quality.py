from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import add_records
from tests.metrics.helpers import contact, figure, roster, sh


@pytest.fixture
def ws1(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    return ws


def test_info_accuracy_is_items_over_items_and_sample_is_evaluations(ws1):
    t = sh(2026, 10, 8, 14)
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": t, "info_checked": 4,
         "info_correct": 3},
        {"evaluation_id": "Q2", "agent_id": "A1", "evaluated_at": t, "info_checked": 1,
         "info_correct": 1},  # a yes/no check
        {"evaluation_id": "Q3", "agent_id": "A1", "evaluated_at": t, "info_checked": 1,
         "info_correct": 0},
        # No information check recorded: not part of the accuracy figure.
        {"evaluation_id": "Q4", "agent_id": "A1", "evaluated_at": t, "compliance_score": 90.0},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "info_accuracy_rate", "A1")
    assert f.value == pytest.approx((3 + 1 + 0) / (4 + 1 + 1))
    assert (f.numerator, f.denominator, f.sample) == (4, 6, 3)


def test_compliance_score_is_the_mean_qa_score(ws1):
    t = sh(2026, 10, 8, 14)
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": t, "compliance_score": 90.0},
        {"evaluation_id": "Q2", "agent_id": "A1", "evaluated_at": t, "compliance_score": 75.0},
        {"evaluation_id": "Q3", "agent_id": "A1", "evaluated_at": t},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "compliance_score", "A1")
    assert (f.value, f.sample) == (pytest.approx((90 + 75) / 2), 2)


@pytest.mark.parametrize("scores", [(80.1, 90.2, 70.3), (70.3, 90.2, 80.1)])
def test_compliance_score_sums_exactly_whatever_the_order_of_the_records(ws1, scores):
    # In doubles 80.1 + 90.2 + 70.3 is 240.60000000000002 and 70.3 + 90.2 + 80.1 is 240.6;
    # the engine's threads add in no fixed order, so the sum must not depend on it.
    t = sh(2026, 10, 8, 14)
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": f"Q{i}", "agent_id": "A1", "evaluated_at": t, "compliance_score": s}
        for i, s in enumerate(scores)
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "compliance_score", "A1")
    assert (f.numerator, f.denominator) == (240.6, 3)
    assert f.value == 240.6 / 3


def test_appeal_correcting_a_score_counts_with_the_corrected_score(ws1):
    t = sh(2026, 10, 8, 14)
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": t, "compliance_score": 60.0},
        {"evaluation_id": "Q2", "agent_id": "A1", "evaluated_at": t, "compliance_score": 80.0},
    ])  # fmt: skip
    # The corrected QA export carries Q1 again: the new version replaces the old.
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": t, "compliance_score": 90.0},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "compliance_score", "A1")
    assert (f.value, f.sample) == (pytest.approx((90 + 80) / 2), 2)


def test_complaint_rate_counts_upheld_cs_complaints_per_handled_contact(ws1):
    t = sh(2026, 10, 9, 11)
    add_records(ws1, "contacts", [contact(f"C{i}", "A1", t) for i in range(8)])
    add_records(ws1, "complaints", [
        {"complaint_id": "up", "agent_id": "A1", "received_at": t, "attributed": True,
         "status": "upheld", "cause": "attitude"},
        {"complaint_id": "rej", "agent_id": "A1", "received_at": t, "attributed": True,
         "status": "rejected"},
        {"complaint_id": "ovr", "agent_id": "A1", "received_at": t, "attributed": True,
         "status": "overturned"},
        {"complaint_id": "open", "agent_id": "A1", "received_at": t, "attributed": True,
         "status": "open"},
        {"complaint_id": "noncs", "agent_id": "A1", "received_at": t, "attributed": False,
         "status": "upheld", "cause": "non_cs"},
        {"complaint_id": "other", "agent_id": "A2", "received_at": t, "attributed": True,
         "status": "upheld"},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "complaint_rate", "A1")
    assert (f.numerator, f.denominator, f.sample) == (1, 8, 8)
    assert f.value == pytest.approx(1 / 8)
    # A2 has a complaint but no handled contact: no rate can be computed.
    a2 = figure(ws1, "2026-10", "complaint_rate", "A2")
    assert a2.value is None and a2.numerator == 1


def test_error_rate_denominator_is_contacts_plus_tickets_closed_in_period(ws1):
    t = sh(2026, 10, 9, 11)
    add_records(ws1, "contacts", [contact(f"C{i}", "A1", t) for i in range(5)])
    add_records(ws1, "tickets", [
        # Closed in October, due in November: an October operation.
        {"ticket_id": "K1", "agent_id": "A1", "created_at": t, "due_at": sh(2026, 11, 5),
         "closed_at": t + timedelta(hours=2)},
        {"ticket_id": "K2", "agent_id": "A1", "created_at": t, "closed_at": t},
        # Closed in November: not an October operation.
        {"ticket_id": "K3", "agent_id": "A1", "created_at": t, "due_at": t,
         "closed_at": sh(2026, 11, 2)},
        {"ticket_id": "K4", "agent_id": "A1", "created_at": t},  # still open
    ])  # fmt: skip
    add_records(ws1, "operation_errors", [
        {"error_id": "E1", "agent_id": "A1", "occurred_at": t, "kind": "改址错误"},
        {"error_id": "E2", "agent_id": "A1", "occurred_at": sh(2026, 11, 1, 0, 0)},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "error_rate", "A1")
    assert (f.numerator, f.denominator, f.sample) == (1, 5 + 2, 7)
    assert f.value == pytest.approx(1 / 7)


def test_evaluation_overturned_on_appeal_no_longer_counts(ws1):
    t = sh(2026, 10, 8, 14)
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": t, "compliance_score": 40.0,
         "info_checked": 2, "info_correct": 0},
        {"evaluation_id": "Q2", "agent_id": "A1", "evaluated_at": t, "compliance_score": 80.0,
         "info_checked": 2, "info_correct": 2},
    ])  # fmt: skip
    # An upheld appeal writes the evaluation's next version without score or info check.
    add_records(ws1, "qa_evaluations", [
        {"evaluation_id": "Q1", "agent_id": "A1", "evaluated_at": t, "compliance_score": None,
         "info_checked": None, "info_correct": None},
    ])  # fmt: skip
    assert figure(ws1, "2026-10", "compliance_score", "A1").value == pytest.approx(80)
    accuracy = figure(ws1, "2026-10", "info_accuracy_rate", "A1")
    assert (accuracy.numerator, accuracy.denominator, accuracy.sample) == (2, 2, 1)
