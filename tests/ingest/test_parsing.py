from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.ingest.parsing import (
    clean,
    fixed_offset_since,
    lit,
    parse_bool,
    parse_date,
    parse_duration,
    parse_int,
    parse_number,
    parse_timestamp,
)

TZ = "Asia/Shanghai"


_con = duckdb.connect()


def sql(expr_of_t, text: str | None):  # type: ignore[no-untyped-def]
    t = clean(lit(text))
    return _con.execute(f"SELECT {expr_of_t(t)}").fetchone()[0]


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-10-01 08:00:05", datetime(2026, 10, 1, 0, 0, 5)),
        ("2026/10/1 8:00", datetime(2026, 10, 1, 0, 0)),
        ("2026-10-01T08:00:05+08:00", datetime(2026, 10, 1, 0, 0, 5)),
        ("2026-10-01T02:00:05Z", datetime(2026, 10, 1, 2, 0, 5)),
        ("2026-10-01 08:00:05-02:00", datetime(2026, 10, 1, 10, 0, 5)),
        ("2026-10-01", datetime(2026, 9, 30, 16, 0)),
        ("２０２６－１０－０１　０８：００：０５", datetime(2026, 10, 1, 0, 0, 5)),
        ("  2026-10-01 08:00:05 ", datetime(2026, 10, 1, 0, 0, 5)),
        ("2026年10月1日 08:00", datetime(2026, 10, 1, 0, 0)),
    ],
)
def test_timestamps_are_read_in_the_workspace_zone_and_stored_as_utc(text, utc):
    assert sql(lambda t: parse_timestamp(t, TZ), text) == utc


def test_excel_serials_are_timestamps_only_in_spreadsheets():
    # 46296 = 2026-10-01 (days since 1899-12-30); .5 = noon local = 04:00 UTC.
    assert sql(lambda t: parse_timestamp(t, TZ, excel=True), "46296.5") == datetime(
        2026, 10, 1, 4, 0
    )
    assert sql(lambda t: parse_timestamp(t, TZ, excel=False), "46296.5") is None


def test_custom_formats_are_tried_first():
    assert sql(lambda t: parse_timestamp(t, TZ, ["%d/%m/%Y %H:%M"]), "5/3/2016 12:00") == datetime(
        2016, 3, 5, 4, 0
    )


@pytest.mark.parametrize("text", ["bad", "2026-13-01", "08:00"])
def test_unparsable_timestamps_are_null(text):
    assert sql(lambda t: parse_timestamp(t, TZ), text) is None


def test_dates_with_an_offset_fall_on_the_local_day():
    assert sql(lambda t: parse_date(t, TZ), "2026-09-30T20:00:00Z") == date(2026, 10, 1)
    assert sql(lambda t: parse_date(t, TZ), "2026/10/1") == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("95", 95),
        ("95.5", 95.5),
        ("01:02:03", 1 * 3600 + 2 * 60 + 3),
        ("0:01:35", 95),
        ("03:20", 3 * 60 + 20),
        ("3分20秒", 3 * 60 + 20),
        ("1小时2分", 3600 + 2 * 60),
        ("20秒", 20),
        ("１２：００", 12 * 60),
        ("abc", None),
        ("", None),
    ],
)
def test_durations(text, seconds):
    assert sql(parse_duration, text) == seconds


@settings(deadline=None, max_examples=50)
@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_clock_durations_round_trip(h, m, s):
    assert sql(parse_duration, f"{h}:{m:02d}:{s:02d}") == h * 3600 + m * 60 + s
    assert sql(parse_duration, f"{h}小时{m}分{s}秒") == h * 3600 + m * 60 + s


@pytest.mark.parametrize("word", ["是", "Y", "yes", "TRUE", "1", "√", "对"])
def test_true_words(word):
    assert sql(parse_bool, word) is True


@pytest.mark.parametrize("word", ["否", "n", "No", "false", "0", "×", "错"])
def test_false_words(word):
    assert sql(parse_bool, word) is False


def test_other_words_are_not_booleans():
    assert sql(parse_bool, "maybe") is None


def test_percent_strings_are_scores():
    assert sql(lambda t: parse_number(t, percent=True), "95%") == 95
    assert sql(lambda t: parse_number(t, percent=False), "95%") is None


def test_csat_word_labels():
    labels = {"非常满意": 5, "满意": 4}
    assert sql(lambda t: parse_int(t, labels=labels), "非常满意") == 5
    assert sql(lambda t: parse_int(t, labels=labels), "4") == 4
    assert sql(lambda t: parse_int(t), "4.5") is None


@settings(deadline=None, max_examples=50)
@given(st.integers(-(10**9), 10**9))
def test_integers_round_trip(n):
    assert sql(parse_int, str(n)) == n


@settings(deadline=None, max_examples=60)
@given(
    st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2060, 12, 31)),
    st.sampled_from(["Asia/Shanghai", "Asia/Tokyo", "Asia/Jerusalem", "Europe/Brussels"]),
)
def test_fixed_offset_shortcut_agrees_with_the_time_zone_database(local, tz):
    local = local.replace(microsecond=0)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    icu = _con.execute(
        f"SELECT timezone('UTC', timezone({lit(tz)}, TIMESTAMP '{text}'))"
    ).fetchone()[0]
    assert sql(lambda t: parse_timestamp(t, tz), text) == icu


def test_zones_without_daylight_saving_have_a_fixed_tail():
    since, seconds = fixed_offset_since("Asia/Shanghai")
    assert seconds == 8 * 3600
    assert since.year == 1991  # China's last daylight-saving summer
    assert fixed_offset_since("Europe/Brussels") is None
