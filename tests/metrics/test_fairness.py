from __future__ import annotations

import pytest

from kefu.metrics import IndicatorParams
from tests.factories import add_records
from tests.metrics.helpers import contact, figure, roster, sh

T = sh(2026, 10, 6, 10)


@pytest.fixture
def ws1(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    add_records(ws, "contacts", [
        # Cell (phone, 理赔): 600 and 400 → centre mean 500.
        contact("c1", "A1", T, category="理赔", talk_seconds=600.0),
        contact("c2", "A2", T, category="理赔", talk_seconds=400.0, resolved=False),
        # Cell (phone, 查件): 100, 200, 300 → centre mean 200.
        contact("c3", "A1", T, category="查件", talk_seconds=100.0),
        contact("c4", "A2", T, category="查件", talk_seconds=200.0),
        contact("c5", "A2", T, category="查件", talk_seconds=300.0, transferred=True),
        # Cell (chat, 查件): one contact of 50 s.
        contact("c6", "A1", T, channel="chat", category="查件", talk_seconds=50.0),
    ])  # fmt: skip
    return ws


def test_aht_index_is_actual_over_case_mix_expected(ws1):
    a1 = figure(ws1, "2026-10", "aht_index", "A1")
    # A1 took one 理赔 (mean 500), one 查件 phone (mean 200), one chat 查件 (mean 50).
    assert a1.value == pytest.approx((600 + 100 + 50) / (500 + 200 + 50))
    assert (a1.numerator, a1.denominator, a1.sample) == (pytest.approx(750), pytest.approx(750), 3)
    a2 = figure(ws1, "2026-10", "aht_index", "A2")
    assert a2.value == pytest.approx((400 + 200 + 300) / (500 + 200 + 200))
    centre = figure(ws1, "2026-10", "aht_index", "centre", level="centre")
    assert centre.value == pytest.approx(1.0)


def test_fcr_index_is_actual_over_expected_resolutions(ws1):
    # Cell FCR rates: (phone, 理赔) 1/2, (phone, 查件) 2/3, (chat, 查件) 1/1.
    a1 = figure(ws1, "2026-10", "fcr_index", "A1")
    assert a1.value == pytest.approx(3 / (1 / 2 + 2 / 3 + 1))
    a2 = figure(ws1, "2026-10", "fcr_index", "A2")
    assert a2.value == pytest.approx(1 / (1 / 2 + 2 / 3 + 2 / 3))
    assert a2.provisional is True


def test_short_contact_rate_over_answered_phone_contacts(ws1):
    add_records(ws1, "contacts", [
        contact("s1", "A1", T, talk_seconds=8.0),
        contact("s2", "A1", T, talk_seconds=10.0),  # at the limit: short
        contact("s3", "A1", T, channel="chat", talk_seconds=3.0),  # chat: not counted
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "short_contact_rate", "A1")
    # Phone contacts of A1: c1, c3, s1, s2; short: s1, s2.
    assert (f.numerator, f.denominator) == (2, 4)
    longer = IndicatorParams(short_contact_seconds=100.0)
    assert figure(ws1, "2026-10", "short_contact_rate", "A1", params=longer).numerator == 3
