"""Quality — 服务质量与准确性: info_accuracy_rate, compliance_score, complaint_rate, error_rate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.metrics.definition import (
    Dimension,
    DisplayUnit,
    Indicator,
    IndicatorKind,
    Part,
    Unit,
    every,
    mean_parts,
    one,
)

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
else:
    from kefu.metrics.lazy import ibis


def _info_known(t: ir.Table) -> ir.BooleanValue:
    # An evaluation without an information check says nothing about accuracy.
    return t.info_correct.notnull()


def _info_num(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return ibis.ifelse(_info_known(t), t.info_correct, 0).cast("int64")


def _info_den(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return ibis.ifelse(_info_known(t), t.info_checked.fill_null(1), 0).cast("int64")


def _info_sample(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return _info_known(t).cast("int64")


def _compliance(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return t.compliance_score


def _upheld_cs(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    """Complaints caused by customer service and upheld (open/rejected/overturned excluded)."""
    return ((t.attributed == True) & (t.status == "upheld")).fill_null(False).cast("int64")  # noqa: E712


def indicators() -> list[Indicator]:
    """The quality dimension's indicators, in catalogue order.

    One list of declarations, each an indicator of metrics.md: long because the
    catalogue is, and read best as the catalogue reads.
    """
    return [
        Indicator(
            "info_accuracy_rate",
            Dimension.QUALITY,
            Unit.RATE,
            IndicatorKind.RATIO,
            "信息准确率",
            "Information accuracy: Σ info_correct / Σ info_checked over QA evaluations; the "
            "sample is the number of evaluations",
            ("qa_evaluations",),
            (
                Part("info_accuracy_rate:num", "qa_evaluations", "num", _info_num),
                Part("info_accuracy_rate:den", "qa_evaluations", "den", _info_den),
                Part("info_accuracy_rate:sample", "qa_evaluations", "sample", _info_sample),
            ),
            details={
                "qa_evaluations": ("evaluated_at", "evaluator", "info_checked", "info_correct")
            },
            name_en="Information accuracy",
        ),
        Indicator(
            "compliance_score",
            Dimension.QUALITY,
            Unit.SCORE,
            IndicatorKind.MEAN,
            "服务规范遵守度",
            "Service-standard compliance: mean QA compliance score (0–100)",
            ("qa_evaluations",),
            mean_parts("compliance_score", "qa_evaluations", every, _compliance),
            details={"qa_evaluations": ("evaluated_at", "evaluator", "compliance_score", "fatal")},
            name_en="Service-standard compliance",
        ),
        Indicator(
            "complaint_rate",
            Dimension.QUALITY,
            Unit.RATE,
            IndicatorKind.RATIO,
            "投诉率(客服直接导致)",
            "Upheld complaints caused by customer service per handled contact",
            ("complaints", "contacts"),
            (
                Part("complaint_rate:num", "complaints", "num", _upheld_cs),
                Part("complaint_rate:den", "contacts", "den", one),
                Part("complaint_rate:sample", "contacts", "sample", one),
            ),
            details={
                "complaints": ("received_at", "cause", "severity", "attributed", "status"),
                "contacts": ("channel", "direction", "offered_at", "answered_at"),
            },
            name_en="Agent-caused complaint rate",
            display=DisplayUnit.PER_MILLE,
        ),
        Indicator(
            "error_rate",
            Dimension.QUALITY,
            Unit.RATE,
            IndicatorKind.RATIO,
            "错误操作发生率",
            "Operation errors per operation (handled contacts + tickets closed in the period)",
            ("operation_errors", "contacts", "tickets"),
            (
                Part("error_rate:num", "operation_errors", "num", one),
                Part("error_rate:den.contacts", "contacts", "den", one),
                Part("error_rate:den.tickets", "tickets_closed", "den", one),
                Part("error_rate:sample.contacts", "contacts", "sample", one),
                Part("error_rate:sample.tickets", "tickets_closed", "sample", one),
            ),
            details={
                "operation_errors": ("occurred_at", "kind", "severity", "found_by"),
                "contacts": ("channel", "direction", "offered_at", "answered_at"),
                "tickets_closed": ("category", "created_at", "closed_at"),
            },
            name_en="Operation error rate",
            display=DisplayUnit.PER_MILLE,
        ),
    ]
