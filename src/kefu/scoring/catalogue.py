"""Which indicator ids a scorecard may name, and which of them are rates.

The indicator engine's registry (``kefu.metrics.registry.INDICATORS``) is the
source of truth; the spec's catalogue below is used where the registry does
not say (so scorecards can be checked without the engine).
"""

from __future__ import annotations

from functools import cache

from kefu.store.tables import CHANNELS

CHANNEL_NAMES = tuple(dict.fromkeys(CHANNELS.values()))

# metrics.md: id → unit
SPEC_UNITS: dict[str, str] = {
    "frt_avg": "seconds",
    "frt_within_target": "rate",
    "aht_avg": "seconds",
    "fcr_rate": "rate",
    "ticket_ontime_rate": "rate",
    "info_accuracy_rate": "rate",
    "compliance_score": "score",
    "complaint_rate": "rate",
    "error_rate": "rate",
    "csat_rate": "rate",
    "csat_mean": "score",
    "nps": "nps",
    "negative_review_rate": "rate",
    "praise_count": "count",
    "teamwork_score": "score",
    "training_attendance_rate": "rate",
    "training_exam_score": "score",
    "improvement_completion_rate": "rate",
    "contacts_handled": "count",
    "short_contact_rate": "rate",
    "aht_index": "index",
    "fcr_index": "index",
}
# Indicators measured per channel (metrics.md): `frt_avg.phone`, `aht_avg.chat`…
PER_CHANNEL = ("frt_avg", "aht_avg")


def _registry() -> dict[str, object]:
    try:
        from kefu.metrics.registry import INDICATORS
    except ImportError:
        return {}
    return dict(INDICATORS)


@cache
def units() -> dict[str, str]:
    """Every known indicator id → unit (rate, seconds, score, nps, count, index).

    Cached: the registry is constant data. Callers must not mutate the result.
    """
    out = dict(SPEC_UNITS)
    for base in PER_CHANNEL:
        for channel in CHANNEL_NAMES:
            out[f"{base}.{channel}"] = SPEC_UNITS[base]
    for key, ind in _registry().items():
        unit = getattr(ind, "unit", None)
        out[key] = str(unit) if unit is not None else out.get(key, "")
    return out


@cache
def _bounds() -> dict[str, tuple[float | None, float | None]]:
    from kefu.metrics.definition import UNIT_RANGES, Unit

    out = {k: UNIT_RANGES[Unit(u)] for k, u in units().items() if u in set(Unit)}
    for key, ind in _registry().items():
        found = getattr(ind, "bounds", None)
        if found is not None:
            out[key] = found
    return out


def bounds(indicator: str) -> tuple[float | None, float | None] | None:
    """The lowest and highest value ``indicator`` can take (None: unbounded), if known.

    >>> bounds("csat_rate"), bounds("aht_avg.phone"), bounds("csat_mean")
    ((0.0, 1.0), (0.0, None), (1.0, 5.0))
    """
    return _bounds().get(indicator)


def known_ids() -> list[str]:
    return list(units())


def is_known(indicator: str) -> bool:
    return indicator in units()


def is_rate(indicator: str) -> bool:
    return units().get(indicator) == "rate"


def is_count(indicator: str) -> bool:
    return units().get(indicator) == "count"
