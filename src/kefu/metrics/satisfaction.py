"""Satisfaction — 客户满意度与忠诚度.

csat_rate, csat_mean, nps, negative_review_rate and praise_count, all over surveys
(praise over praise records) of the period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.metrics.computation import Feature
from kefu.metrics.definition import (
    Dimension,
    DisplayUnit,
    Indicator,
    IndicatorKind,
    Part,
    Unit,
    mean_parts,
    one,
    ratio_parts,
)

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
else:
    from kefu.metrics.lazy import ibis

_SURVEY = ("responded_at", "csat", "nps", "comment")


def _has_csat(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.csat.notnull()


def _top_two(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.csat >= 4


def _csat(t: ir.Table, ctx: Ctx) -> ir.NumericValue:
    return t.csat


def _nps_num(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    # +1 for a promoter (9–10), −1 for a detractor (0–6), 0 for a passive or no answer.
    return ibis.cases((t.nps >= 9, 1), (t.nps <= 6, -1), else_=0).fill_null(0).cast("int64")


def _nps_den(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return t.nps.notnull().cast("int64")


def _reviewed(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.csat.notnull() | t.nps.notnull() | t.has_comment


def _negative(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.negative


def indicators() -> list[Indicator]:
    """The satisfaction dimension's indicators, in catalogue order.

    One list of declarations, each an indicator of metrics.md: long because the
    catalogue is, and read best as the catalogue reads.
    """
    return [
        Indicator(
            "csat_rate",
            Dimension.SATISFACTION,
            Unit.RATE,
            IndicatorKind.RATIO,
            "客户满意度",
            "CSAT top-two-box: share of csat ratings that are 4 or 5",
            ("surveys",),
            ratio_parts("csat_rate", "surveys", _has_csat, _top_two),
            details={"surveys": _SURVEY},
            name_en="Customer satisfaction (CSAT)",
        ),
        Indicator(
            "csat_mean",
            Dimension.SATISFACTION,
            Unit.SCORE,
            IndicatorKind.MEAN,
            "平均满意度评分",
            "Mean csat rating (1–5)",
            ("surveys",),
            mean_parts("csat_mean", "surveys", _has_csat, _csat),
            details={"surveys": _SURVEY},
            value_range=(1.0, 5.0),
            name_en="CSAT mean rating",
            display=DisplayUnit.RATING,
        ),
        Indicator(
            "nps",
            Dimension.SATISFACTION,
            Unit.NPS,
            IndicatorKind.RATIO,
            "净推荐值",
            "Net promoter score: 100 × (promoters 9–10 − detractors 0–6) / answers",
            ("surveys",),
            (
                Part("nps:num", "surveys", "num", _nps_num),
                Part("nps:den", "surveys", "den", _nps_den),
                Part("nps:sample", "surveys", "sample", _nps_den),
            ),
            details={"surveys": _SURVEY},
            scale=100.0,
            name_en="Net promoter score",
        ),
        Indicator(
            "negative_review_rate",
            Dimension.SATISFACTION,
            Unit.RATE,
            IndicatorKind.RATIO,
            "负面评价占比",
            "Share of surveys with a rating or comment that are negative: csat ≤ 2, else "
            "nps ≤ 3, else a comment whose SnowNLP sentiment is below the threshold",
            ("surveys",),
            ratio_parts("negative_review_rate", "surveys", _reviewed, _negative),
            details={"surveys": (*_SURVEY, "sentiment", "negative")},
            features=frozenset({Feature.SENTIMENT}),
            name_en="Negative review share",
        ),
        Indicator(
            "praise_count",
            Dimension.SATISFACTION,
            Unit.COUNT,
            IndicatorKind.COUNT,
            "客户表扬次数",
            "Number of praise records (letters, banners, calls, tagged comments)",
            ("praise",),
            (
                Part("praise_count:num", "praise", "num", one),
                Part("praise_count:sample", "praise", "sample", one),
            ),
            details={"praise": ("received_at", "channel", "note")},
            name_en="Praise count",
        ),
    ]
