"""How each indicator of the catalogue is named and shown in exports.

Values in results are in data units (metrics.md): rates are fractions, durations
seconds, scores 0–100, NPS −100…100. Exports show them the way the pages do:
rates as percents, the complaint and error rates per thousand contacts. This
module is the one place that knows, per indicator id, the Chinese and English
name and the display unit.

    >>> display_unit("complaint_rate")
    <Unit.PER_MILLE: 'per_mille'>
    >>> indicator_name("aht_avg.phone", "zh-CN")
    '平均通话/交互时长(电话)'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    PERCENT = "percent"  # a fraction in data, shown ×100 with "%"
    PER_MILLE = "per_mille"  # a fraction in data, shown ×1000 with "‰"
    SECONDS = "seconds"
    SCORE = "score"  # 0–100
    NPS = "nps"  # −100…100
    RATING = "rating"  # mean of a 1–5 rating
    COUNT = "count"


@dataclass(frozen=True)
class IndicatorInfo:
    id: str
    zh: str
    en: str
    unit: Unit


_INFO = (
    IndicatorInfo("frt_avg", "首次响应时长", "First response time", Unit.SECONDS),
    IndicatorInfo("frt_within_target", "首次响应达标率", "Answered within target", Unit.PERCENT),
    IndicatorInfo("aht_avg", "平均通话/交互时长", "Average handle time", Unit.SECONDS),
    IndicatorInfo("fcr_rate", "一次性解决率", "First-contact resolution", Unit.PERCENT),
    IndicatorInfo("ticket_ontime_rate", "工单处理及时率", "Ticket on-time rate", Unit.PERCENT),
    IndicatorInfo("info_accuracy_rate", "信息准确率", "Information accuracy", Unit.PERCENT),
    IndicatorInfo("compliance_score", "服务规范遵守度", "Service-standard compliance", Unit.SCORE),
    IndicatorInfo(
        "complaint_rate", "投诉率(客服直接导致)", "Agent-caused complaint rate", Unit.PER_MILLE
    ),
    IndicatorInfo("error_rate", "错误操作发生率", "Operation error rate", Unit.PER_MILLE),
    IndicatorInfo("csat_rate", "客户满意度", "Customer satisfaction (CSAT)", Unit.PERCENT),
    IndicatorInfo("csat_mean", "满意度平均分", "CSAT mean rating", Unit.RATING),
    IndicatorInfo("nps", "净推荐值", "Net promoter score", Unit.NPS),
    IndicatorInfo("negative_review_rate", "负面评价占比", "Negative review share", Unit.PERCENT),
    IndicatorInfo("praise_count", "客户表扬次数", "Praise count", Unit.COUNT),
    IndicatorInfo("teamwork_score", "团队协作性", "Teamwork rating", Unit.SCORE),
    IndicatorInfo("training_attendance_rate", "培训参与度", "Training attendance", Unit.PERCENT),
    IndicatorInfo("training_exam_score", "培训考核成绩", "Training exam score", Unit.SCORE),
    IndicatorInfo(
        "improvement_completion_rate",
        "个人改进计划完成度",
        "Improvement-plan completion",
        Unit.PERCENT,
    ),
    IndicatorInfo("contacts_handled", "处理量", "Contacts handled", Unit.COUNT),
    IndicatorInfo(
        "aht_index", "平均处理时长指数(业务结构调整)", "AHT index (case-mix adjusted)", Unit.RATING
    ),
    IndicatorInfo(
        "fcr_index", "一次性解决率指数(业务结构调整)", "FCR index (case-mix adjusted)", Unit.RATING
    ),
    IndicatorInfo("short_contact_rate", "短通话占比", "Short-contact share", Unit.PERCENT),
)

INDICATORS: dict[str, IndicatorInfo] = {i.id: i for i in _INFO}

CHANNELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "phone"),
    "chat": ("在线", "chat"),
    "email": ("邮件", "e-mail"),
    "other": ("其他", "other"),
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
    return INDICATORS.get(base) or IndicatorInfo(base, base, base, Unit.RATING)


def display_unit(indicator: str) -> Unit:
    return info(indicator).unit


def indicator_name(indicator: str, locale: str) -> str:
    """The indicator's name in ``locale``, with its channel when qualified."""
    entry = info(indicator)
    _, channel = split_id(indicator)
    zh = locale.startswith("zh")
    name = entry.zh if zh else entry.en
    if channel:
        label = CHANNELS.get(channel, (channel, channel))[0 if zh else 1]
        name = f"{name}({label})" if zh else f"{name} ({label})"
    return name
