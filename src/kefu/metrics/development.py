"""Development — 团队协作与个人发展: teamwork_score, training_*, improvement_completion_rate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kefu.metrics.definition import (
    Dimension,
    Indicator,
    IndicatorKind,
    Part,
    Unit,
    every,
    mean_parts,
    ratio_parts,
)
from kefu.metrics.figures import IndicatorParams

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
else:
    from kefu.metrics.lazy import ibis

# Roles whose ratings are scored; self-ratings are shown in the drill-down only.
SCORED_ROLES = ("supervisor", "peer")


def _role_score(role: str):  # type: ignore[no-untyped-def]
    def expr(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
        return ibis.ifelse(_is(t, role), t.score, 0.0).cast("float64")

    return expr


def _role_count(role: str):  # type: ignore[no-untyped-def]
    def expr(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
        return _is(t, role).cast("int64")

    return expr


def _is(t: ir.Table, role: str) -> ir.BooleanValue:
    return ((t.rater_role == role) & t.score.notnull()).fill_null(False)


def _self_shown(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return _is(t, "self").cast("int64")


def teamwork_totals(
    sums: Mapping[str, float], params: IndicatorParams
) -> tuple[float, float, float]:
    """Weighted mean of the role means; a role without ratings drops out.

    numerator = Σ weight × role mean, denominator = Σ weight of the roles present,
    sample = the scored ratings. With supervisor 0.7 and peer 0.3:
    ``(0.7 × mean_sup + 0.3 × mean_peer) / 1.0``, or ``mean_peer`` alone.
    """
    num = den = sample = 0.0
    for role in SCORED_ROLES:
        n = float(sums.get(f"teamwork_score:den:{role}") or 0)
        weight = float(params.rater_weights.get(role, 0.0))
        if n and weight:
            num += weight * float(sums.get(f"teamwork_score:num:{role}") or 0) / n
            den += weight
            sample += n
    return num, den, sample


def _required(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.required.fill_null(True)


def _attended(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.attended.fill_null(False)


def _exam(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return t.exam_score


def _completed_in_time(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.completed_on.notnull() & (t.completed_on <= t.due_on)


def indicators() -> list[Indicator]:
    teamwork_parts = []
    for role in SCORED_ROLES:
        teamwork_parts += [
            Part(f"teamwork_score:num:{role}", "ratings", f"num:{role}", _role_score(role)),
            Part(f"teamwork_score:den:{role}", "ratings", f"den:{role}", _role_count(role)),
        ]
    teamwork_parts.append(Part("teamwork_score:shown:self", "ratings", "shown", _self_shown))
    return [
        Indicator(
            "teamwork_score",
            Dimension.DEVELOPMENT,
            Unit.SCORE,
            IndicatorKind.MEAN,
            "团队协作性",
            "Teamwork rating (0–100): weighted mean of the supervisor and peer means; "
            "self-ratings are shown, never scored",
            ("ratings",),
            tuple(teamwork_parts),
            details={"ratings": ("rated_on", "rater_id", "rater_role", "score", "scale")},
            finish=teamwork_totals,
            name_en="Teamwork rating",
        ),
        Indicator(
            "training_attendance_rate",
            Dimension.DEVELOPMENT,
            Unit.RATE,
            IndicatorKind.RATIO,
            "培训参与度",
            "Share of required training sessions attended",
            ("training",),
            ratio_parts("training_attendance_rate", "training", _required, _attended),
            details={"training": ("session_id", "held_on", "required", "attended")},
            name_en="Training attendance",
        ),
        Indicator(
            "training_exam_score",
            Dimension.DEVELOPMENT,
            Unit.SCORE,
            IndicatorKind.MEAN,
            "培训考核成绩",
            "Mean training exam score (0–100)",
            ("training",),
            mean_parts("training_exam_score", "training", every, _exam),
            details={"training": ("session_id", "held_on", "exam_score")},
            name_en="Training exam score",
        ),
        Indicator(
            "improvement_completion_rate",
            Dimension.DEVELOPMENT,
            Unit.RATE,
            IndicatorKind.RATIO,
            "个人改进计划完成度",
            "Share of improvement-plan items due in the period completed by their due date",
            ("improvement_items",),
            ratio_parts(
                "improvement_completion_rate", "improvement_items", every, _completed_in_time
            ),
            details={"improvement_items": ("description", "due_on", "completed_on")},
            name_en="Improvement-plan completion",
        ),
    ]
