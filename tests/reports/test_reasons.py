from __future__ import annotations

import re

import pytest

from kefu.reports.meta import Direction, IndicatorMeta
from kefu.reports.reasons import indicator_reason, translate, weight_changed

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


def test_the_other_codes_are_translated_for_chinese_readers() -> None:
    shrunk = "small-sample shrinkage toward the team value 0.8 (strength 20): 0.9 scored as 0.87"
    item = _item(reason_code="shrunk", reason=shrunk)
    assert indicator_reason(item, FCR, "zh-CN") == (
        "小样本向班组值 0.8 收缩(强度 20):0.9 按 0.87 计分"
    )
    item = _item(reason_code="no_step", reason="value 0.42 matches no step: no points")
    assert indicator_reason(item, FCR, "zh-CN") == "值 0.42 不在任何分档内:不得分"


@pytest.mark.parametrize(
    ("said", "chinese"),
    [
        ("7 bonus points capped at 5", "奖励 7 分,封顶 5 分"),
        ("25 penalty points capped at 20", "扣分 25 分,封顶 20 分"),
        ("1 qa_fatal event(s): grade capped at C", "1 次质检致命错误:等级封顶为 C"),
        (
            "2 complaint event(s) (severity=critical): grade capped at C",
            "2 次投诉(严重):等级封顶为 C",
        ),
        ("total 108.5 clamped to [0, 105]", "总分 108.5 限定在 0 至 105 之间"),
        ("no indicator could be scored: no points from indicators", "没有可评分的指标:指标不得分"),
        ("population of 1 is below 2: graded by thresholds", "人数 1 少于 2:按分数线评定等级"),
        (
            "mean of 2 monthly total(s): 2026-10, 2026-11",
            "2 个月总分的平均值:2026-10, 2026-11",
        ),
    ],
)
def test_the_scorers_sentences_in_chinese(said: str, chinese: str) -> None:
    assert translate(said, "zh-CN") == chinese
    if "event(s)" not in said:  # a veto's event and condition are said in words in English too
        assert translate(said, "en") == said


def test_an_unknown_sentence_stays_as_the_scorer_wrote_it() -> None:
    assert translate("adjusted by hand", "zh-CN") == "adjusted by hand"


def test_what_the_scorer_says_has_a_chinese_form() -> None:
    # The sentences come from the scorer itself, so a change of its wording that the
    # translations miss fails here rather than showing English on a Chinese sheet.
    from kefu.scoring.rules import score_agent
    from tests.scoring.helpers import SIMPLE, card, fig

    c = card(SIMPLE)
    s = score_agent(
        c,
        {"fcr_rate": fig("fcr_rate", 0.9), "aht_avg": fig("aht_avg", 300),
         "praise_count": fig("praise_count", 9)},
        events={"qa_fatal": [{}], "complaint": [{"severity": "major"}] * 30},
    )  # fmt: skip
    said = [*s.reasons, *(b["reason"] for b in s.bonus_items if b.get("reason"))]
    said += [v["reason"] for v in s.vetoes]
    assert len(said) == 3  # clamped total, capped bonus, veto
    for sentence in said:
        assert not re.search(r"[a-z]{4,}", translate(sentence, "zh-CN")), sentence
    nothing = score_agent(c, {})
    assert not re.search(r"[a-z]{4,}", translate(nothing.reasons[0], "zh-CN"))


def test_a_veto_says_its_condition_in_words_in_both_languages() -> None:
    said = "1 complaint event(s) (severity=major): grade capped at C"
    assert translate(said, "zh-CN") == "1 次投诉(重大):等级封顶为 C"
    assert translate(said, "en") == "1 complaint event(s) (major): grade capped at C"
    assert translate("2 qa_fatal event(s): grade capped at D", "en") == (
        "2 QA fatal error event(s): grade capped at D"
    )
