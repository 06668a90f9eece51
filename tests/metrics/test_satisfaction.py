from __future__ import annotations

import pytest

from kefu.metrics import IndicatorParams, Status
from kefu.metrics.sentiment import sentiment
from tests.factories import add_records
from tests.metrics.helpers import figure, roster, sh

T = sh(2026, 10, 12, 10)
ANGRY = "客服态度太差了，问了三遍都没解决，非常生气"
HAPPY = "客服小姐姐很耐心，问题很快就解决了，非常满意，谢谢"


@pytest.fixture
def ws1(ws):
    roster(ws, ("A1", "T1"))
    return ws


def _survey(sid: str, **kw):
    return {"survey_id": sid, "agent_id": "A1", "responded_at": T, **kw}


def test_csat_rate_is_top_two_box_and_csat_mean_the_mean(ws1):
    add_records(ws1, "surveys", [
        _survey("S1", csat=5), _survey("S2", csat=4), _survey("S3", csat=3),
        _survey("S4", csat=1), _survey("S5", nps=9),  # no csat: not in the csat figures
    ])  # fmt: skip
    rate = figure(ws1, "2026-10", "csat_rate", "A1")
    assert (rate.numerator, rate.denominator, rate.value) == (2, 4, pytest.approx(2 / 4))
    mean = figure(ws1, "2026-10", "csat_mean", "A1")
    assert mean.value == pytest.approx((5 + 4 + 3 + 1) / 4) and mean.sample == 4


def test_nps_is_promoters_minus_detractors_over_answers(ws1):
    add_records(ws1, "surveys", [
        _survey("S1", nps=10), _survey("S2", nps=9), _survey("S3", nps=8),
        _survey("S4", nps=7), _survey("S5", nps=6), _survey("S6", nps=0),
        _survey("S7", csat=5),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "nps", "A1")
    assert f.value == pytest.approx(100 * (2 - 2) / 6)
    assert (f.numerator, f.denominator, f.sample) == (0, 6, 6)
    add_records(ws1, "surveys", [_survey("S8", nps=10)])
    assert figure(ws1, "2026-10", "nps", "A1").value == pytest.approx(100 * (3 - 2) / 7)


def test_sentiment_model_tells_angry_from_happy():
    assert sentiment(ANGRY) < 0.3 < sentiment(HAPPY)


def test_negative_reviews_use_csat_then_nps_then_comment_sentiment(ws1):
    add_records(ws1, "surveys", [
        _survey("S1", csat=2, comment=HAPPY),  # csat decides: negative
        _survey("S2", csat=4, nps=0),  # csat decides: not negative
        _survey("S3", nps=3),  # no csat, nps ≤ 3: negative
        _survey("S4", nps=4, comment=ANGRY),  # nps decides: not negative
        _survey("S5", comment=ANGRY),  # comment only: negative by sentiment
        _survey("S6", comment=HAPPY),  # comment only: positive
        _survey("S7", comment="  "),  # nothing said: not a review
        _survey("S8"),
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "negative_review_rate", "A1")
    assert (f.numerator, f.denominator, f.value) == (3, 6, pytest.approx(3 / 6))
    # With a threshold above the happy comment's score it counts as negative too.
    strict = IndicatorParams(negative_sentiment_below=sentiment(HAPPY) + 0.001)
    assert figure(ws1, "2026-10", "negative_review_rate", "A1", params=strict).numerator == 4


def test_praise_count_counts_records_and_none_is_no_data(ws1):
    add_records(ws1, "praise", [
        {"praise_id": "P1", "agent_id": "A1", "received_at": T, "channel": "锦旗"},
        {"praise_id": "P2", "agent_id": "A1", "received_at": T, "channel": "表扬信"},
        {"praise_id": "P3", "agent_id": "A1", "received_at": sh(2026, 11, 1)},
    ])  # fmt: skip
    f = figure(ws1, "2026-10", "praise_count", "A1")
    assert (f.value, f.sample, f.denominator) == (2, 2, None)
    empty = figure(ws1, "2026-09", "praise_count", "A1")
    assert empty.value is None and empty.status is Status.NO_DATA


def test_the_sentiment_model_is_kept_out_of_the_collectors_way():
    import subprocess
    import sys

    # A scoring run pauses the collector, so SnowNLP's model (three million objects for
    # the life of the process) may load while it is paused: frozen once loaded, it is
    # never walked by a later pass. A fresh interpreter, as the model loads once.
    code = (
        "import gc; gc.disable()\n"
        "from kefu.metrics.sentiment import sentiment\n"
        "assert 0.0 <= sentiment('快递员态度很好') <= 1.0\n"
        "print(len(gc.get_objects()), gc.get_freeze_count())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    tracked, frozen = map(int, out.stdout.split())
    assert frozen > 1_000_000
    assert tracked < 10_000
