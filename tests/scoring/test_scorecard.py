from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.metrics.figures import IndicatorParams
from kefu.scoring.scorecard import (
    DEFAULT_SCORECARD,
    default_scorecard,
    load_scorecard,
    parse_window_hours,
)
from tests.scoring.helpers import SIMPLE, card

SPEC_TABLE = {
    "efficiency": {
        "frt_within_target": 6, "aht_avg": 6, "fcr_rate": 12, "ticket_ontime_rate": 6,
    },
    "quality": {
        "info_accuracy_rate": 10, "compliance_score": 8, "complaint_rate": 8, "error_rate": 4,
    },
    "satisfaction": {"csat_rate": 14, "nps": 8, "negative_review_rate": 8},
    "development": {
        "teamwork_score": 4, "training_attendance_rate": 2, "training_exam_score": 2,
        "improvement_completion_rate": 2,
    },
}  # fmt: skip


def test_default_scorecard_follows_the_spec_table():
    c = default_scorecard()
    got = {d.id: {r.id: r.weight for r in d.indicators} for d in c.dimensions}
    assert got == SPEC_TABLE
    assert sum(r.weight for _, r in c.rules) == 100
    assert [(b.indicator, b.points_each, b.cap) for b in c.bonus] == [("praise_count", 1, 5)]


def test_default_scorecard_keeps_the_metrics_defaults():
    assert default_scorecard().indicator_params() == IndicatorParams()


def test_default_scorecard_has_a_monitor_section():
    mon = default_scorecard().monitor
    assert mon is not None and mon.alerts
    assert {a.count for a in mon.alerts if a.count} == {"overdue_tickets", "new_upheld_complaints"}


def test_content_hash_ignores_comments_and_key_order():
    text = DEFAULT_SCORECARD.read_text(encoding="utf-8")
    reordered = "# another comment\n" + text.replace(
        'name: 热线客服月度考核\nversion: "2026.1"\n', 'version: "2026.1"\nname: 热线客服月度考核\n'
    )
    assert reordered != text
    assert load_scorecard(reordered).content_hash == default_scorecard().content_hash


def test_content_hash_changes_with_a_target():
    a = card(SIMPLE)
    b = card(SIMPLE.replace("target: 0.9", "target: 0.95"))
    assert a.content_hash != b.content_hash


def test_numeric_version_is_read_as_text():
    c = load_scorecard(f"name: x\nversion: 2026.1\n{SIMPLE}")
    assert c.version == "2026.1"


@pytest.mark.parametrize(
    ("text", "hours"), [("48h", 48.0), ("2d", 48.0), ("36H", 36.0), ("1.5d", 36.0), (24, 24.0)]
)
def test_repeat_window_in_hours(text, hours):
    assert parse_window_hours(text) == hours


def test_scorecard_params_follow_the_file():
    c = card(SIMPLE + "repeat_window: 3d\nresponse_targets: {phone: 15}\nsla_hours: {理赔: 72}\n")
    p = c.indicator_params()
    assert p.repeat_window_hours == 72
    assert p.response_targets == {"phone": 15, "chat": 30, "email": 86400, "other": 3600}
    assert p.sla_hours == {"default": 24, "理赔": 72}


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(["h", "d", "H", "D"]))
def test_window_parser_round_trips(n, unit):
    assert parse_window_hours(f"{n}{unit}") == n * (24 if unit.lower() == "d" else 1)


@given(
    st.text(max_size=8).filter(lambda s: not s.strip().rstrip("hHdD").replace(".", "").isdigit())
)
def test_window_parser_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_window_hours(text)
