"""Why points are unusual, in the reader's language.

The scorer records a reason code beside its (English) reason text; the codes
with structured causes (redistributed, zero, team value, weight raised) are
written here from the result's own fields in Chinese or English, so an agent
reading a Chinese sheet reads Chinese. The scorer's other sentences (a value
no step matches, shrinkage, caps, vetoes, clamped totals…) have a fixed form
with figures in it; :func:`translate` gives them in Chinese. A sentence it
does not know stays as the scorer wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kefu.reports.formatting import format_points, format_value
from kefu.reports.labels import text, where_text
from kefu.reports.meta import IndicatorMeta


def event_name(kind: str, locale: str) -> str:
    """An event kind (complaint, qa_fatal…) as readers call it."""
    try:
        return text(f"event_{kind}", locale)
    except KeyError:
        return kind


def _veto(m: re.Match[str]) -> str:
    what = f"({where_text(m['what'], 'zh-CN')})" if m["what"] else ""
    return f"{m['n']} 次{event_name(m['event'], 'zh-CN')}{what}:等级封顶为 {m['grade']}"


_VETO = re.compile(
    r"(?P<n>\d+) (?P<event>\w+) event\(s\)(?: \((?P<what>.*)\))?: grade capped at (?P<grade>.+)"
)
# The scorer's sentences (kefu.scoring.rules, .month, .cycles) and their Chinese.
_ZH: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"value (?P<v>\S+) matches no step: no points"),
        lambda m: f"值 {m['v']} 不在任何分档内:不得分",
    ),
    (
        re.compile(
            r"small-sample shrinkage toward the team value (?P<t>\S+) "
            r"\(strength (?P<k>\S+)\): (?P<v>\S+) scored as (?P<s>\S+)"
        ),
        lambda m: f"小样本向班组值 {m['t']} 收缩(强度 {m['k']}):{m['v']} 按 {m['s']} 计分",
    ),
    (
        re.compile(r"(?P<raw>\S+) bonus points capped at (?P<cap>\S+)"),
        lambda m: f"奖励 {m['raw']} 分,封顶 {m['cap']} 分",
    ),
    (
        re.compile(r"(?P<raw>\S+) penalty points capped at (?P<cap>\S+)"),
        lambda m: f"扣分 {m['raw']} 分,封顶 {m['cap']} 分",
    ),
    (_VETO, _veto),
    (
        re.compile(r"weight raised from (?P<a>\S+) to (?P<b>\S+) by redistribution"),
        lambda m: f"权重由 {m['a']} 调整为 {m['b']}(重新分配)",
    ),
    (
        re.compile(r"no indicator could be scored: no points from indicators"),
        lambda m: "没有可评分的指标:指标不得分",
    ),
    (
        re.compile(r"total (?P<t>\S+) clamped to \[0, (?P<u>\S+)\]"),
        lambda m: f"总分 {m['t']} 限定在 0 至 {m['u']} 之间",
    ),
    (
        re.compile(r"population of (?P<n>\d+) is below (?P<m>\d+): graded by thresholds"),
        lambda m: f"人数 {m['n']} 少于 {m['m']}:按分数线评定等级",
    ),
    (
        re.compile(r"mean of (?P<n>\d+) monthly total\(s\): (?P<months>.*)"),
        lambda m: f"{m['n']} 个月总分的平均值:{m['months']}",
    ),
]


def translate(reason: Any, locale: str) -> str:
    """One of the scorer's reasons in ``locale`` (several joined by "; " each in turn)."""
    said = str(reason)
    if not locale.startswith("zh"):
        return "; ".join(_english(part) for part in said.split("; "))
    return ";".join(_sentence(part) for part in said.split("; "))


def _english(said: str) -> str:
    """The scorer's English, a veto said in words (``1 complaint event(s) (major)``, not
    ``1 complaint event(s) (severity=major)``)."""
    m = _VETO.fullmatch(said)
    if m is None:
        return said
    what = f" ({where_text(m['what'], 'en')})" if m["what"] else ""
    return f"{m['n']} {event_name(m['event'], 'en')} event(s){what}: grade capped at {m['grade']}"


def _sentence(said: str) -> str:
    for pattern, chinese in _ZH:
        if m := pattern.fullmatch(said):
            return chinese(m)
    return said


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
        # Shrinkage, a value no step matches…: the scorer's sentence, translated.
        parts.append(translate(str(raw).split(_WEIGHT_RAISED)[0], locale))
    if with_weight and weight_changed(item):
        effective = format_points(item.get("effective_weight"))
        parts.append(
            f"权重由 {weight} 调整为 {effective}(重新分配)"
            if zh
            else f"weight raised from {weight} to {effective} by redistribution"
        )
    return "; ".join(parts) or None
