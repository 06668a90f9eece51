from __future__ import annotations

from kefu.reports.meta import Direction, IndicatorMeta
from kefu.reports.reasons import indicator_reason, weight_changed

FCR = IndicatorMeta("fcr_rate", 12, Direction.HIGHER_BETTER, 0.85, 0.6, min_sample=30)


def _item(**kw):
    base = {"indicator": "fcr_rate", "weight": 12.0, "effective_weight": 12.0, "value": 0.8,
            "sample": 50, "status": "ok", "reason": None, "reason_code": None}  # fmt: skip
    return {**base, **kw}


def test_nothing_unusual_has_no_reason() -> None:
    assert indicator_reason(_item(), FCR, "zh-CN") is None


def test_redistributed_in_chinese_and_english() -> None:
    shared = "no data: its 12 points are shared among the other scored indicators"
    item = _item(value=None, sample=0, status="no_data", effective_weight=0.0,
                 reason_code="redistributed", reason=shared)  # fmt: skip
    assert indicator_reason(item, FCR, "zh-CN") == "无数据:其 12.00 分按比例分配给其他已评分指标"
    assert indicator_reason(item, FCR, "en") == (
        "no data: its 12.00 points are shared among the other scored indicators"
    )


def test_insufficient_sample_names_sample_and_minimum() -> None:
    item = _item(sample=7, status="insufficient_sample", reason_code="zero", value=0.9)
    assert indicator_reason(item, FCR, "zh-CN") == "样本 7 少于最低 30:按零分计"


def test_team_value_is_shown_in_display_units() -> None:
    item = _item(sample=7, status="insufficient_sample", reason_code="team_value",
                 scored_value=0.825)  # fmt: skip
    assert indicator_reason(item, FCR, "zh-CN") == "样本 7 少于最低 30:采用班组值 82.50%"


def test_raised_weight_is_said_or_left_to_the_weight_column() -> None:
    # 12 × 100 / 98 after 2 points of another indicator were redistributed
    item = _item(effective_weight=12 * 100 / 98, reason_code="weight_raised",
                 reason="weight raised from 12 to 12.2449 by redistribution")  # fmt: skip
    assert weight_changed(item)
    assert indicator_reason(item, FCR, "zh-CN") == "权重由 12.00 调整为 12.24(重新分配)"
    assert indicator_reason(item, FCR, "zh-CN", with_weight=False) is None


def test_other_codes_keep_the_scorers_words_without_the_weight_suffix() -> None:
    shrunk = "small-sample shrinkage toward the team value 0.8 (strength 20): 0.9 scored as 0.87"
    raised = "weight raised from 12 to 12.2449 by redistribution"
    item = _item(effective_weight=12 * 100 / 98, reason_code="shrunk",
                 reason=f"{shrunk}; {raised}")  # fmt: skip
    assert indicator_reason(item, FCR, "en", with_weight=False) == shrunk
