"""Fairness aids (metrics.md "Beyond the brief"): aht_index, fcr_index, short_contact_rate.

Case-mix indices compare an agent with the centre on the same mix of work.
A *cell* is a (channel, category) pair; its centre mean is taken over every
answered contact of the period in that cell, whoever handled it (a missing
category is a cell of its own).

- ``aht_index`` = actual ÷ expected handle time, where actual = Σ handle
  time of the agent's answered contacts with a known handle time and
  expected = Σ over those contacts of their cell's centre mean handle time
  (= Σ over cells of count × cell mean). 1.0 = as the centre on this mix;
  above 1 = slower.
- ``fcr_index`` = actual ÷ expected first-contact resolutions over the
  agent's answered inbound contacts, expected = Σ cell's centre FCR rate.
  Above 1 = resolves more than the centre would on this mix. Provisional
  like ``fcr_rate``.

Both are Σ/Σ over records, so team and centre roll-ups are exact (the
centre's own index is 1 by construction).

``short_contact_rate`` guards against hanging up to keep AHT low: the
share of answered phone contacts whose handle time is at most
``short_contact_seconds`` (default 10 s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kefu.metrics.computation import Feature
from kefu.metrics.definition import (
    Dimension,
    Indicator,
    IndicatorKind,
    Part,
    Unit,
    ratio_parts,
)

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
else:
    from kefu.metrics.lazy import ibis

_CELL = ("channel", "category", "offered_at")


def _timed(t: ir.Table) -> ir.BooleanValue:
    return t.handle_seconds.notnull()


def _aht_num(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return ibis.ifelse(_timed(t), t.handle_seconds, 0.0)


def _aht_den(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return ibis.ifelse(_timed(t), t.cell_handle_mean, 0.0)


def _aht_sample(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return _timed(t).cast("int64")


def _fcr_num(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return (t.inbound & t.first_contact_resolved).cast("int64")


def _fcr_den(t: ir.Table, ctx: Ctx) -> ir.FloatingValue:
    return ibis.ifelse(t.inbound, t.cell_fcr_mean, 0.0)


def _fcr_sample(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    return t.inbound.cast("int64")


def _phone_timed(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return (t.channel == "phone") & _timed(t)


def _short(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    return t.handle_seconds <= float(ctx.params.short_contact_seconds)


def indicators() -> list[Indicator]:
    cells = frozenset({Feature.CELLS})
    return [
        Indicator(
            "short_contact_rate",
            Dimension.CONTEXT,
            Unit.RATE,
            IndicatorKind.RATIO,
            "短通话占比",
            "Share of answered phone contacts with handle time ≤ short_contact_seconds",
            ("contacts",),
            ratio_parts("short_contact_rate", "contacts", _phone_timed, _short),
            details={"contacts": ("channel", "offered_at", "answered_at", "handle_seconds")},
            name_en="Short-contact share",
        ),
        Indicator(
            "aht_index",
            Dimension.CONTEXT,
            Unit.INDEX,
            IndicatorKind.RATIO,
            "处理时长案件结构指数",
            "Case-mix adjusted AHT: actual ÷ expected handle time from the centre's "
            "(channel, category) means in the same period",
            ("contacts",),
            (
                Part("aht_index:num", "contacts", "num", _aht_num),
                Part("aht_index:den", "contacts", "den", _aht_den),
                Part("aht_index:sample", "contacts", "sample", _aht_sample),
            ),
            details={"contacts": (*_CELL, "handle_seconds", "cell_handle_mean")},
            features=cells,
            name_en="AHT index (case-mix adjusted)",
        ),
        Indicator(
            "fcr_index",
            Dimension.CONTEXT,
            Unit.INDEX,
            IndicatorKind.RATIO,
            "一次解决案件结构指数",
            "Case-mix adjusted FCR: actual ÷ expected first-contact resolutions from the "
            "centre's (channel, category) FCR rates in the same period",
            ("contacts",),
            (
                Part("fcr_index:num", "contacts", "num", _fcr_num),
                Part("fcr_index:den", "contacts", "den", _fcr_den),
                Part("fcr_index:sample", "contacts", "sample", _fcr_sample),
            ),
            details={"contacts": (*_CELL, "first_contact_resolved", "repeat", "cell_fcr_mean")},
            features=frozenset({Feature.CELLS, Feature.REPEAT}),
            repeat_sensitive=True,
            name_en="FCR index (case-mix adjusted)",
        ),
    ]
