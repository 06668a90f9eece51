from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.metrics import IndicatorParams, Status
from tests.factories import add_records
from tests.metrics.helpers import contact, figure, roster, sh


@pytest.fixture
def ws1(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    return ws


def test_frt_is_mean_over_answered_inbound_contacts_per_channel(ws1):
    t = sh(2026, 10, 5, 9)
    add_records(ws1, "contacts", [
        contact("P1", "A1", t, answered_at=t + timedelta(seconds=10)),
        contact("P2", "A1", t, answered_at=t + timedelta(seconds=30.5)),
        contact("C1", "A1", t, channel="chat", answered_at=t + timedelta(seconds=60)),
        contact("E1", "A1", t, channel="email", answered_at=t + timedelta(hours=1)),
        # Outbound and unanswered contacts have no first response.
        contact("O1", "A1", t, direction="out", answered_at=t + timedelta(seconds=999)),
        contact("U1", "A1", t, answered_at=None),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "frt_avg", "A1")
    assert f.value == pytest.approx((10 + 30.5 + 60 + 3600) / 4)
    assert (f.numerator, f.denominator, f.sample) == (pytest.approx(3700.5), 4, 4)
    assert figure(ws1, "2026-10", "frt_avg.phone", "A1").value == pytest.approx((10 + 30.5) / 2)
    assert figure(ws1, "2026-10", "frt_avg.chat", "A1").value == pytest.approx(60)
    assert figure(ws1, "2026-10", "frt_avg.email", "A1").value == pytest.approx(3600)
    other = figure(ws1, "2026-10", "frt_avg.other", "A1")
    assert other.value is None and other.status is Status.NO_DATA
    # Targets: phone 20 s (10 yes, 30.5 no), chat 30 s (60 no), email 86 400 s (3600 yes).
    within = figure(ws1, "2026-10", "frt_within_target", "A1")
    assert (within.value, within.numerator, within.denominator) == (pytest.approx(2 / 4), 2, 4)


def test_response_targets_come_from_the_params(ws1):
    t = sh(2026, 10, 5, 9)
    add_records(ws1, "contacts", [contact("P1", "A1", t, answered_at=t + timedelta(seconds=25))])
    params = IndicatorParams(response_targets={"phone": 30.0, "chat": 30.0})
    assert figure(ws1, "2026-10", "frt_within_target", "A1", params=params).value == 1
    assert figure(ws1, "2026-10", "frt_within_target", "A1").value == 0


def test_aht_uses_talk_hold_acw_or_the_contact_span(ws1):
    t = sh(2026, 10, 5, 9)
    add_records(ws1, "contacts", [
        contact("P1", "A1", t, talk_seconds=100.0, hold_seconds=20.0, acw_seconds=30.0),
        contact("P2", "A1", t, talk_seconds=60.0),  # missing parts count 0
        # No talk time: ended − answered + acw = 300 + 15.
        contact("C1", "A1", t, channel="chat", talk_seconds=None,
                ended_at=t + timedelta(seconds=310), acw_seconds=15.0),
        contact("O1", "A1", t, direction="out", talk_seconds=40.0),  # any direction counts
        contact("U1", "A1", t, answered_at=None, talk_seconds=None),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "aht_avg", "A1")
    assert f.value == pytest.approx((150 + 60 + 315 + 40) / 4)
    assert f.sample == 4
    assert figure(ws1, "2026-10", "aht_avg.phone", "A1").value == pytest.approx((150 + 60 + 40) / 3)
    assert figure(ws1, "2026-10", "aht_avg.chat", "A1").value == pytest.approx(315)


def test_fcr_repeats_by_waybill_and_by_category(ws1):
    t = sh(2026, 10, 5, 9)
    h = timedelta(hours=1)
    add_records(ws1, "contacts", [
        # R1 is followed 24 h later by a contact about the same waybill: not resolved.
        contact("R1", "A1", t, customer_id="K1", waybill_no="W1", category="催件"),
        contact("R2", "A2", t + 24 * h, customer_id="K1", waybill_no="W1", category="查件"),
        # Different waybills are different issues even in the same category.
        contact("D1", "A1", t, customer_id="K2", waybill_no="W2", category="催件"),
        contact("D2", "A2", t + h, customer_id="K2", waybill_no="W3", category="催件"),
        # One has no waybill: same category is the same issue.
        contact("G1", "A1", t, customer_id="K3", waybill_no="W4", category="改址"),
        contact("G2", "A2", t + h, customer_id="K3", category="改址"),
        # Beyond the 48 h window: not a repeat.
        contact("L1", "A1", t, customer_id="K4", category="理赔"),
        contact("L2", "A2", t + 49 * h, customer_id="K4", category="理赔"),
    ])  # fmt: skip
    a1 = figure(ws1, "2026-10", "fcr_rate", "A1", as_of=None)
    # A1: R1 repeated, D1 resolved, G1 repeated, L1 resolved.
    assert (a1.numerator, a1.denominator, a1.value) == (2, 4, pytest.approx(2 / 4))
    a2 = figure(ws1, "2026-10", "fcr_rate", "A2")
    # A2's contacts have no later contact: all four resolved.
    assert a2.value == 1.0


def test_abandoned_repeat_still_breaks_fcr_but_outbound_does_not(ws1):
    t = sh(2026, 10, 5, 9)
    add_records(ws1, "contacts", [
        contact("A", "A1", t, customer_id="K1", waybill_no="W1"),
        contact("B", None, t + timedelta(hours=2), customer_id="K1", waybill_no="W1",
                answered_at=None, channel="chat"),
        contact("C", "A1", t, customer_id="K2", waybill_no="W2"),
        contact("D", "A2", t + timedelta(hours=2), customer_id="K2", waybill_no="W2",
                direction="out"),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "fcr_rate", "A1")
    assert (f.numerator, f.denominator) == (1, 2)


def test_transferred_unresolved_and_anonymous_contacts(ws1):
    t = sh(2026, 10, 5, 9)
    add_records(ws1, "contacts", [
        contact("T", "A1", t, transferred=True, customer_id="K1"),
        contact("N", "A1", t, resolved=False, customer_id="K2"),
        contact("Y", "A1", t, resolved=True, customer_id="K3"),
        # No customer id: cannot be followed, so resolved unless transferred/unresolved.
        contact("X1", "A1", t, customer_id=None, category="查件"),
        contact("X2", "A1", t + timedelta(hours=1), customer_id=None, category="查件"),
        contact("X3", "A1", t, customer_id=None, transferred=True),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "fcr_rate", "A1")
    assert (f.numerator, f.denominator, f.value) == (3, 6, pytest.approx(3 / 6))


def test_repeat_after_month_end_counts_and_fcr_is_provisional_until_imported(ws1):
    add_records(ws1, "contacts", [
        contact("E1", "A1", sh(2026, 10, 31, 20), customer_id="K1", waybill_no="W1"),
    ])  # fmt: skip
    before = figure(ws1, "2026-10", "fcr_rate", "A1")
    assert before.value == 1.0 and before.provisional is True
    # The repeat arrives on 1 November, inside the 48 h window: October's FCR changes.
    add_records(ws1, "contacts", [
        contact("E2", "A2", sh(2026, 11, 1, 10), customer_id="K1", waybill_no="W1"),
    ])  # fmt: skip
    after = figure(ws1, "2026-10", "fcr_rate", "A1")
    assert after.value == 0.0 and after.provisional is True
    # Contacts reaching 2026-11-01 00:00 + 48 h (Shanghai) are imported: final.
    add_records(ws1, "contacts", [contact("E3", "A2", sh(2026, 11, 3, 0))])
    final = figure(ws1, "2026-10", "fcr_rate", "A1")
    assert final.value == 0.0 and final.provisional is False
    assert figure(ws1, "2026-10", "frt_avg", "A1").provisional is False


def test_repeat_window_comes_from_the_params(ws1):
    t = sh(2026, 10, 5, 9)
    add_records(ws1, "contacts", [
        contact("A", "A1", t, customer_id="K1", category="查件"),
        contact("B", "A2", t + timedelta(hours=30), customer_id="K1", category="查件"),
    ])  # fmt: skip
    assert figure(ws1, "2026-10", "fcr_rate", "A1").value == 0.0
    short = IndicatorParams(repeat_window_hours=24)
    assert figure(ws1, "2026-10", "fcr_rate", "A1", params=short).value == 1.0


def test_ticket_ontime_rate(ws1):
    c = sh(2026, 10, 10, 9)
    d = timedelta(days=1)
    add_records(ws1, "tickets", [
        {"ticket_id": "on", "agent_id": "A1", "created_at": c, "due_at": c + d,
         "closed_at": c + d},  # closed exactly at due: on time
        {"ticket_id": "late", "agent_id": "A1", "created_at": c, "due_at": c + d,
         "closed_at": c + 2 * d},
        {"ticket_id": "overdue", "agent_id": "A1", "created_at": c, "due_at": c + d},
        {"ticket_id": "notdue", "agent_id": "A1", "created_at": c, "due_at": c + 5 * d},
        # No due_at: created + sla_hours[理赔] = 72 h; closed after 48 h → on time.
        {"ticket_id": "sla", "agent_id": "A1", "created_at": c, "category": "理赔",
         "closed_at": c + 2 * d},
        # Default SLA 24 h; closed after 30 h → late.
        {"ticket_id": "dflt", "agent_id": "A1", "created_at": c, "category": "查件",
         "closed_at": c + timedelta(hours=30)},
        # Due in November: not October's.
        {"ticket_id": "nov", "agent_id": "A1", "created_at": c, "due_at": sh(2026, 11, 1),
         "closed_at": c},
    ])  # fmt: skip
    params = IndicatorParams(sla_hours={"default": 24.0, "理赔": 72.0})
    as_of = c + 3 * d  # "notdue" is still open and due in 5 days
    f = figure(ws1, "2026-10", "ticket_ontime_rate", "A1", params=params, as_of=as_of)
    # Denominator: on, late, overdue, sla, dflt; on time: on, sla.
    assert (f.numerator, f.denominator, f.sample) == (2, 5, 5)
    assert f.value == pytest.approx(2 / 5)
    # Later, "notdue" has passed its due time while still open: late too.
    later = figure(ws1, "2026-10", "ticket_ontime_rate", "A1", params=params, as_of=c + 6 * d)
    assert (later.numerator, later.denominator) == (2, 6)
    nov = figure(ws1, "2026-11", "ticket_ontime_rate", "A1", params=params, as_of=as_of)
    assert (nov.numerator, nov.denominator) == (1, 1)
