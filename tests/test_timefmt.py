"""Times read in the workspace's time zone, with the zone named, everywhere."""

from __future__ import annotations

from datetime import UTC, datetime

from kefu.timefmt import format_moment, moment_text


def test_a_stored_utc_moment_reads_in_local_time_with_its_zone() -> None:
    stored = datetime(2026, 10, 5, 9, 26)  # naive: UTC, as stored
    assert format_moment(stored, "Asia/Shanghai") == "2026年10月5日 17:26 (UTC+8)"
    assert format_moment(stored, "Asia/Shanghai", "en") == "5 Oct 2026 17:26 (UTC+8)"
    assert format_moment(stored.replace(tzinfo=UTC), "Asia/Kolkata", "en").endswith(
        "14:56 (UTC+5:30)"
    )


def test_csv_moments_are_iso_8601_with_the_offset() -> None:
    stored = datetime(2026, 10, 5, 9, 26)
    assert format_moment(stored, "Asia/Shanghai", iso=True) == "2026-10-05T17:26:00+08:00"


def test_a_stored_record_value_that_is_a_moment_is_shown_local() -> None:
    assert moment_text("2026-10-05T09:26:00", "Asia/Shanghai") == "2026年10月5日 17:26 (UTC+8)"
    assert moment_text("Q1", "Asia/Shanghai") == "Q1"
    assert moment_text(95.0, "Asia/Shanghai") == 95.0
