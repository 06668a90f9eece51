"""Why an indicator's points are unusual, in the reader's language.

The scorer records a reason code beside its (English) reason text; the codes
with structured causes (redistributed, zero, team value, weight raised) are
written here from the result's own fields in Chinese or English, so an agent
reading a Chinese sheet reads Chinese. Other codes keep the scorer's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kefu.reports.formatting import format_points, format_value
from kefu.reports.meta import IndicatorMeta

_WEIGHT_RAISED = "; weight raised"


def _why(item: Mapping[str, Any], meta: IndicatorMeta | None, zh: bool) -> str:
    if item.get("status") == "no_data" or item.get("value") is None:
        return "无数据" if zh else "no data"
    minimum = meta.min_sample if meta and meta.min_sample is not None else "?"
    sample = item.get("sample", 0)
    return (
        f"样本 {sample} 少于最低 {minimum}"
        if zh
        else f"sample {sample} below the minimum {minimum}"
    )


def weight_changed(item: Mapping[str, Any]) -> bool:
    weight, effective = item.get("weight"), item.get("effective_weight")
    return (
        weight is not None
        and effective is not None
        and effective > 0
        and abs(float(effective) - float(weight)) > 1e-9
    )


def indicator_reason(
    item: Mapping[str, Any],
    meta: IndicatorMeta | None,
    locale: str,
    *,
    with_weight: bool = True,
) -> str | None:
    """The reason for ``item``'s points, or None when nothing is unusual.

    ``with_weight=False`` leaves out a weight raised by redistribution (for a
    page that shows the effective weight beside the nominal one).
    """
    code = item.get("reason_code")
    raw = item.get("reason")
    zh = locale.startswith("zh")
    weight = format_points(item.get("weight"))
    parts: list[str] = []
    if code == "redistributed":
        why = _why(item, meta, zh)
        parts.append(
            f"{why}:其 {weight} 分按比例分配给其他已评分指标"
            if zh
            else f"{why}: its {weight} points are shared among the other scored indicators"
        )
    elif code == "zero":
        why = _why(item, meta, zh)
        parts.append(f"{why}:按零分计" if zh else f"{why}: scored as zero")
    elif code == "team_value":
        why = _why(item, meta, zh)
        used = format_value(str(item["indicator"]), item.get("scored_value"), locale)
        parts.append(f"{why}:采用班组值 {used}" if zh else f"{why}: the team value {used} is used")
    elif raw and code != "weight_raised" and not str(raw).startswith("weight raised"):
        # Shrinkage, a value no step matches…: the scorer's own words.
        parts.append(str(raw).split(_WEIGHT_RAISED)[0])
    if with_weight and weight_changed(item):
        effective = format_points(item.get("effective_weight"))
        parts.append(
            f"权重由 {weight} 调整为 {effective}(重新分配)"
            if zh
            else f"weight raised from {weight} to {effective} by redistribution"
        )
    return "; ".join(parts) or None
