"""Which indicator ids a scorecard may name, and which of them are rates.

A view of the indicator registry (:data:`kefu.metrics.registry.INDICATORS`),
the one catalogue: its ids, data units and value ranges.
"""

from __future__ import annotations

from functools import cache

from kefu.metrics.registry import INDICATORS
from kefu.store.tables import CHANNEL_IDS

# The channels a per-channel indicator or a response target may name.
CHANNEL_NAMES = CHANNEL_IDS


@cache
def units() -> dict[str, str]:
    """Every known indicator id → unit (rate, seconds, score, nps, count, index).

    Cached: the registry is constant data. Callers must not mutate the result.
    """
    return {key: str(ind.unit) for key, ind in INDICATORS.items()}


def bounds(indicator: str) -> tuple[float | None, float | None] | None:
    """The lowest and highest value ``indicator`` can take (None: unbounded), if known.

    >>> bounds("csat_rate"), bounds("aht_avg.phone"), bounds("csat_mean")
    ((0.0, 1.0), (0.0, None), (1.0, 5.0))
    """
    found = INDICATORS.get(indicator)
    return None if found is None else found.bounds


def known_ids() -> list[str]:
    return list(units())


def is_known(indicator: str) -> bool:
    return indicator in units()


def is_rate(indicator: str) -> bool:
    return units().get(indicator) == "rate"


def is_count(indicator: str) -> bool:
    return units().get(indicator) == "count"
