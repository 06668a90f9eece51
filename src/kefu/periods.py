"""Appraisal periods: day, month, quarter and year, half-open, in the workspace zone.

Timestamps are stored as naive UTC instants, dates as local calendar dates, so a
period offers both kinds of bounds::

    >>> p = Period.parse("2026-10")
    >>> p.start, p.end
    (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1))
    >>> p.utc_bounds("Asia/Shanghai")[0]
    datetime.datetime(2026, 9, 30, 16, 0)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kefu.errors import UsageError


class Grain(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), Grain.DAY),
    (re.compile(r"^(\d{4})-(\d{2})$"), Grain.MONTH),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), Grain.QUARTER),
    (re.compile(r"^(\d{4})$"), Grain.YEAR),
)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A half-open calendar range ``[start, end)`` of local dates."""

    start: date
    end: date
    grain: Grain

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2026-10-05``, ``2026-10``, ``2026-Q4`` or ``2026``."""
        value = text.strip()
        for pattern, grain in _PATTERNS:
            match = pattern.match(value)
            if not match:
                continue
            try:
                return cls._build(grain, [int(g) for g in match.groups()])
            except ValueError:
                break
        raise UsageError(
            f"'{text}' is not a period; use a day (2026-10-05), month (2026-10), "
            "quarter (2026-Q4) or year (2026)"
        )

    @classmethod
    def _build(cls, grain: Grain, parts: list[int]) -> Period:
        if grain is Grain.DAY:
            start = date(parts[0], parts[1], parts[2])
            return cls(start, start + timedelta(days=1), grain)
        if grain is Grain.MONTH:
            start = date(parts[0], parts[1], 1)
            return cls(start, _add_months(start, 1), grain)
        if grain is Grain.QUARTER:
            start = date(parts[0], 3 * (parts[1] - 1) + 1, 1)
            return cls(start, _add_months(start, 3), grain)
        start = date(parts[0], 1, 1)
        return cls(start, date(parts[0] + 1, 1, 1), grain)

    @classmethod
    def month_of(cls, d: date) -> Period:
        return cls._build(Grain.MONTH, [d.year, d.month])

    @property
    def label(self) -> str:
        if self.grain is Grain.DAY:
            return self.start.isoformat()
        if self.grain is Grain.MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.grain is Grain.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.label

    def utc_bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The period as naive UTC instants ``[start, end)`` for timestamp columns."""
        zone = ZoneInfo(timezone)
        return tuple(  # type: ignore[return-value]
            datetime.combine(d, time(0), zone).astimezone(UTC).replace(tzinfo=None)
            for d in (self.start, self.end)
        )

    def months(self) -> list[Period]:
        """The months inside this period (a month yields itself)."""
        out, d = [], date(self.start.year, self.start.month, 1)
        while d < self.end:
            out.append(Period.month_of(d))
            d = _add_months(d, 1)
        return out

    def days(self) -> Iterator[Period]:
        d = self.start
        while d < self.end:
            yield Period._build(Grain.DAY, [d.year, d.month, d.day])
            d += timedelta(days=1)

    def previous(self) -> Period:
        if self.grain is Grain.DAY:
            d = self.start - timedelta(days=1)
            return Period._build(Grain.DAY, [d.year, d.month, d.day])
        step = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[self.grain]
        start = _add_months(self.start, -step)
        return Period(start, self.start, self.grain)

    def contains(self, d: date) -> bool:
        return self.start <= d < self.end
