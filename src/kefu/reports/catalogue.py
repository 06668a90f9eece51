"""How each indicator is named and shown in exports, read from the indicator registry.

Values in results are in data units (metrics.md): rates are fractions, durations
seconds, scores 0–100, NPS −100…100. Exports show them the way the pages do:
rates as percents, the complaint and error rates per thousand contacts. The
names and display units are those of each :class:`kefu.metrics.definition.Indicator`;
this module only adds the channel to a channel-qualified id and a fallback for
ids the registry does not know.

    >>> display_unit("complaint_rate")
    <DisplayUnit.PER_MILLE: 'per_mille'>
    >>> indicator_name("aht_avg.phone", "zh-CN")
    '平均通话/交互时长(电话)'
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.metrics.definition import DisplayUnit
from kefu.metrics.registry import INDICATORS as _REGISTRY
from kefu.store.tables import CHANNEL_LABELS

# The display units of exports (one enum with the pages': the indicator's).
Unit = DisplayUnit


@dataclass(frozen=True)
class IndicatorInfo:
    id: str
    zh: str
    en: str
    unit: DisplayUnit


# The catalogue's indicators (unqualified ids), as exports name and show them.
INDICATORS: dict[str, IndicatorInfo] = {
    i.id: IndicatorInfo(i.id, i.zh, i.name_en or i.id, i.display_unit)
    for i in _REGISTRY.values()
    if "." not in i.id
}


def split_id(indicator: str) -> tuple[str, str | None]:
    """``"aht_avg.phone"`` → ``("aht_avg", "phone")``; unqualified ids have no channel."""
    base, _, channel = indicator.partition(".")
    return base, channel or None


def info(indicator: str) -> IndicatorInfo:
    """The catalogue entry of an indicator id (channel qualifier ignored).

    An id the catalogue does not know (a newer engine's indicator) is shown by
    its id, as a plain number.
    """
    base, _ = split_id(indicator)
    return INDICATORS.get(base) or IndicatorInfo(base, base, base, DisplayUnit.RATING)


def display_unit(indicator: str) -> DisplayUnit:
    return info(indicator).unit


def indicator_name(indicator: str, locale: str) -> str:
    """The indicator's name in ``locale``, with its channel when qualified."""
    entry = info(indicator)
    _, channel = split_id(indicator)
    zh = locale.startswith("zh")
    name = entry.zh if zh else entry.en
    if channel:
        label = CHANNEL_LABELS.get(channel, (channel, channel))[0 if zh else 1]
        name = f"{name}({label})" if zh else f"{name} ({label})"
    return name
