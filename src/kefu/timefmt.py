"""Moments as people read them: in the workspace's time zone, with the zone named.

Stored moments are UTC (naive ones are UTC by convention: SQLite keeps no
offset). Pages, PDFs, workbooks, CSV, the audit log and appeal records all
print them through :func:`format_moment`, so a time reads the same
everywhere::

    format_moment(datetime(2026, 10, 5, 9, 26), "Asia/Shanghai")
    # '2026年10月5日 17:26 (UTC+8)'
    format_moment(datetime(2026, 10, 5, 9, 26), "Asia/Shanghai", iso=True)
    # '2026-10-05T17:26:00+08:00'     (CSV and JSON: ISO 8601 with the offset)
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

#: The "locale" of text that goes into every language alike (messages with parameters).
NUMERIC = "numeric"
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def as_local(value: datetime, tz: str) -> datetime:
    """``value`` (naive = UTC) in the zone ``tz``."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(ZoneInfo(tz))


def zone_label(moment: datetime) -> str:
    """``UTC+8``, ``UTC+5:30``, ``UTC``: the offset of an aware moment."""
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    h, m = divmod(abs(minutes), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")


def format_day(value: date, locale: str = "zh-CN") -> str:
    """``2026年10月5日`` / ``5 Oct 2026``; ``locale="numeric"``: ``2026-10-05`` (any language)."""
    if locale == NUMERIC:
        return value.strftime("%Y-%m-%d")
    if locale.startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%d %b %Y").lstrip("0")


def format_moment(
    value: datetime | None, tz: str, locale: str = "zh-CN", *, iso: bool = False
) -> str:
    """A moment for a reader: local time with its zone; ``iso``: ISO 8601 with the offset."""
    if value is None:
        return "" if iso else "—"
    local = as_local(value, tz)
    if iso:
        return local.isoformat(timespec="seconds")
    return f"{format_day(local, locale)} {local:%H:%M} ({zone_label(local)})"


def moment_text(value: object, tz: str, locale: str = "zh-CN") -> object:
    """A stored value as shown: moments (datetimes or ISO text) in local time, others as is."""
    if isinstance(value, datetime):
        return format_moment(value, tz, locale)
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        try:
            return format_moment(datetime.fromisoformat(value.replace("Z", "+00:00")), tz, locale)
        except ValueError:
            return value
    return value
