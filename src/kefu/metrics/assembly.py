"""What the engine and the SQL cache share once the rows are in: figures from sums.

Kept apart from :mod:`kefu.metrics.engine` so that answering from the cache imports
neither Ibis nor the sources' expressions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kefu.metrics.attribution import Roster
from kefu.metrics.definition import Indicator, IndicatorKind
from kefu.metrics.figures import Figure, IndicatorParams, Level, Status
from kefu.metrics.registry import INDICATORS, indicator
from kefu.periods import Period

if TYPE_CHECKING:
    import pyarrow as pa

Sums = dict[str, dict[str, Any]]


def naive_utc(instant: datetime | None) -> datetime:
    """``instant`` as naive UTC (naive input is taken as UTC); ``None`` means now."""
    if instant is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if instant.tzinfo is not None:
        return instant.astimezone(UTC).replace(tzinfo=None)
    return instant


def as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def resolve(indicators: Iterable[str] | None) -> list[Indicator]:
    """The requested indicators in catalogue order, each once (unknown ids are an error)."""
    wanted = list(indicators) if indicators is not None else list(INDICATORS)
    chosen = {i: indicator(i) for i in wanted}
    return [ind for ind_id, ind in INDICATORS.items() if ind_id in chosen]


def assemble(
    period: Period,
    params: IndicatorParams,
    chosen: Sequence[Indicator],
    level: Level,
    keys: list[str] | None,
    roster: Roster,
    sums: Sums,
    provisional: bool,
) -> list[Figure]:
    """The figures of every wanted key from the summed parts (no query)."""
    if keys is not None:
        wanted = set(keys)
    else:
        wanted = set(sums) | roster.keys(level, period.start, period.end)
    out = []
    for key in sorted(wanted):
        for ind in chosen:
            num, den, sample = ind.totals(sums.get(key, {}), params)
            value = ind.value(num, den, sample)
            out.append(
                Figure(
                    period=period.label,
                    level=level,
                    key=key,
                    indicator=ind.id,
                    value=value,
                    numerator=float(num),
                    denominator=None if ind.kind is IndicatorKind.COUNT else float(den),
                    sample=sample,
                    status=Status.NO_DATA if value is None else Status.OK,
                    provisional=ind.repeat_sensitive and provisional,
                )
            )
    return out


def add_sums(out: Sums, result: pa.Table, names: list[list[str]]) -> None:
    """Rows ``_key, p0, p1…`` of a grouped query into ``out[key][part name]``."""
    for row in result.to_pylist():
        for i, group in enumerate(names):
            for name in group:
                out[row["_key"]][name] = row[f"p{i}"]


def pending(result: pa.Table, needed: datetime) -> bool:
    """Whether the latest contact (``result``'s one row) falls short of ``needed``."""
    latest = result.column("latest")[0].as_py() if result.num_rows else None
    return latest is None or naive_utc(latest) < needed
