"""Efficiency — 响应与解决效率: frt_avg, frt_within_target, aht_avg, fcr_rate, ticket_ontime_rate.

All contact indicators read the ``contacts`` source: answered contacts offered
in the period. ``frt_seconds`` = ``answered_at − offered_at``;
``handle_seconds`` = talk + hold + acw when talk is known, else
``ended_at − answered_at`` + acw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.metrics.computation import Feature
from kefu.metrics.definition import (
    Dimension,
    Indicator,
    IndicatorKind,
    Unit,
    every,
    mean_parts,
    ratio_parts,
)
from kefu.store.tables import CHANNEL_IDS, CHANNEL_LABELS

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
else:
    from kefu.metrics.lazy import ibis

_CONTACT_DETAILS = ("channel", "direction", "category", "offered_at", "answered_at")


def _inbound(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.inbound


def _frt(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return t.frt_seconds


def _handle(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return t.handle_seconds


def _on(channel: str, base=every):  # type: ignore[no-untyped-def]
    def eligible(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
        return base(t, ctx) & (t.channel == channel)

    return eligible


def response_target(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    """The scorecard's response target of the contact's channel, in seconds."""
    targets = ctx.params.response_targets
    return ibis.cases(
        *[(t.channel == ch, float(s)) for ch, s in targets.items()], else_=ibis.null("float64")
    )


def _within_eligible(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.inbound & response_target(t, ctx).notnull()


def _within(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.frt_seconds <= response_target(t, ctx)


def _resolved(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.first_contact_resolved


def _ticket_counted(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.counted


def _ticket_on_time(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.on_time


def _frt_indicator(channel: str | None) -> Indicator:
    ind_id = f"frt_avg.{channel}" if channel else "frt_avg"
    eligible = _on(channel, _inbound) if channel else _inbound
    zh, en = CHANNEL_LABELS[channel] if channel else ("", "")
    suffix_zh = f"({zh})" if channel else ""
    return Indicator(
        ind_id,
        Dimension.EFFICIENCY,
        Unit.SECONDS,
        IndicatorKind.MEAN,
        f"首次响应时长{suffix_zh}",
        f"First response time{f' ({channel})' if channel else ''}: mean of answered_at − "
        "offered_at over answered inbound contacts",
        ("contacts",),
        mean_parts(ind_id, "contacts", eligible, _frt),
        details={"contacts": (*_CONTACT_DETAILS, "frt_seconds")},
        name_en=f"First response time{f' ({en})' if channel else ''}",
    )


def _aht_indicator(channel: str | None) -> Indicator:
    ind_id = f"aht_avg.{channel}" if channel else "aht_avg"
    eligible = _on(channel) if channel else every
    zh, en = CHANNEL_LABELS[channel] if channel else ("", "")
    suffix_zh = f"({zh})" if channel else ""
    return Indicator(
        ind_id,
        Dimension.EFFICIENCY,
        Unit.SECONDS,
        IndicatorKind.MEAN,
        f"平均通话/交互时长{suffix_zh}",
        f"Average handle time{f' ({channel})' if channel else ''}: mean of talk + hold + acw "
        "(or ended_at − answered_at + acw) over answered contacts",
        ("contacts",),
        mean_parts(ind_id, "contacts", eligible, _handle),
        details={
            "contacts": (
                *_CONTACT_DETAILS,
                "ended_at",
                "talk_seconds",
                "hold_seconds",
                "acw_seconds",
                "handle_seconds",
            )
        },
        name_en=f"Average handle time{f' ({en})' if channel else ''}",
    )


def indicators() -> list[Indicator]:
    out = [_frt_indicator(None), *(_frt_indicator(c) for c in CHANNEL_IDS)]
    out.append(
        Indicator(
            "frt_within_target",
            Dimension.EFFICIENCY,
            Unit.RATE,
            IndicatorKind.RATIO,
            "首次响应达标率",
            "Share of answered inbound contacts answered within the channel's response target",
            ("contacts",),
            ratio_parts("frt_within_target", "contacts", _within_eligible, _within),
            details={"contacts": (*_CONTACT_DETAILS, "frt_seconds")},
            name_en="Answered within target",
        )
    )
    out += [_aht_indicator(None), *(_aht_indicator(c) for c in CHANNEL_IDS)]
    out.append(
        Indicator(
            "fcr_rate",
            Dimension.EFFICIENCY,
            Unit.RATE,
            IndicatorKind.RATIO,
            "一次性解决率",
            "First-contact resolution: answered inbound contacts not transferred, not marked "
            "unresolved and not followed by a repeat contact within the repeat window",
            ("contacts",),
            ratio_parts("fcr_rate", "contacts", _inbound, _resolved),
            details={
                "contacts": (
                    *_CONTACT_DETAILS,
                    "customer_id",
                    "waybill_no",
                    "transferred",
                    "resolved",
                    "repeat",
                )
            },
            features=frozenset({Feature.REPEAT}),
            repeat_sensitive=True,
            name_en="First-contact resolution",
        )
    )
    out.append(
        Indicator(
            "ticket_ontime_rate",
            Dimension.EFFICIENCY,
            Unit.RATE,
            IndicatorKind.RATIO,
            "工单处理及时率",
            "Tickets due in the period closed by their due time; open overdue tickets are late, "
            "open tickets not yet due are left out",
            ("tickets",),
            ratio_parts("ticket_ontime_rate", "tickets_due", _ticket_counted, _ticket_on_time),
            details={"tickets_due": ("category", "created_at", "due_at", "due_eff", "closed_at")},
            name_en="Ticket on-time rate",
        )
    )
    return out
