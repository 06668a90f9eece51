"""Source relations: the records of one period that indicators are computed on.

Each :class:`Source` reads one canonical table (current versions only), keeps
the records whose *period timestamp* falls in the period (metrics.md, general
rules) and adds the derived columns the indicators use (``frt_seconds``,
``handle_seconds``, ``repeat``, ``due_eff``, ``negative``…). Every relation has
``agent_id`` and ``_when``: the instant or local date that decides the
agent's team for roll-ups.

All of it is plain Ibis: the same expressions run on DuckDB and on Spark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from kefu.metrics.computation import Feature, timestamp_literal
from kefu.metrics.exact import exact_mean
from kefu.metrics.figures import IndicatorParams
from kefu.metrics.sentiment import with_sentiment

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx
else:
    from kefu.metrics.lazy import ibis


def seconds_between(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    """``later − earlier`` in float seconds (microsecond precision, engine-agnostic)."""
    return later.delta(earlier, unit="microsecond").cast("float64") / 1_000_000.0


def _interval(td: timedelta) -> ir.IntervalScalar:
    return ibis.interval(microseconds=round(td.total_seconds() * 1_000_000))


@dataclass(frozen=True)
class Source:
    name: str
    table: str
    id_column: str
    when_kind: Literal["timestamp", "date"]
    build: Callable[[Ctx], ir.Table]


# -- contacts -----------------------------------------------------------------


def _contacts(ctx: Ctx) -> ir.Table:
    """Answered contacts offered in the period (the base of every contact indicator)."""
    t = ctx.table("contacts")
    t = t.filter(t.agent_id.notnull(), t.answered_at.notnull(), ctx.in_period(t.offered_at))
    talk_based = t.talk_seconds + t.hold_seconds.fill_null(0.0) + t.acw_seconds.fill_null(0.0)
    span_based = seconds_between(t.ended_at, t.answered_at) + t.acw_seconds.fill_null(0.0)
    t = t.mutate(
        inbound=t.direction.fill_null("in") == "in",
        frt_seconds=seconds_between(t.answered_at, t.offered_at),
        handle_seconds=ibis.ifelse(t.talk_seconds.notnull(), talk_based, span_based),
        _when=t.offered_at,
    )
    if Feature.REPEAT in ctx.features or Feature.CELLS in ctx.features:
        t = _with_repeat(t, ctx)
        t = t.mutate(
            first_contact_resolved=(
                ~t.transferred.fill_null(False) & t.resolved.fill_null(True) & ~t.repeat
            )
        )
    if Feature.CELLS in ctx.features:
        t = _with_cells(t)
    return t


def _with_repeat(t: ir.Table, ctx: Ctx) -> ir.Table:
    """Flag answered inbound contacts followed by a repeat (metrics.md, fcr_rate rule 3).

    A repeat is another inbound contact (answered or not, any agent, any
    channel) from the same ``customer_id`` with ``offered_at`` in
    ``(this.offered_at, this.offered_at + repeat_window]`` about the same
    issue: the same ``waybill_no`` when both have one, otherwise the same
    ``category``. A missing category never matches, because then nothing
    says the two contacts are about the same issue.
    """
    start, end = ctx.bounds
    window = ctx.repeat_window
    every = ctx.table("contacts")
    later = every.filter(
        every.customer_id.notnull(),
        every.direction.fill_null("in") == "in",
        every.offered_at > timestamp_literal(start),
        every.offered_at <= timestamp_literal(end + window),
    ).select(
        _b_customer=every.customer_id,
        _b_waybill=every.waybill_no,
        _b_category=every.category,
        _b_at=every.offered_at,
    )
    first = t.filter(t.inbound, t.customer_id.notnull()).select(
        "source", "contact_id", "customer_id", "waybill_no", "category", "offered_at"
    )
    same_issue = ibis.ifelse(
        first.waybill_no.notnull() & later._b_waybill.notnull(),
        first.waybill_no == later._b_waybill,
        first.category == later._b_category,
    ).fill_null(False)
    repeated = first.semi_join(
        later,
        [
            first.customer_id == later._b_customer,
            later._b_at > first.offered_at,
            later._b_at <= first.offered_at + _interval(window),
            same_issue,
        ],
    ).select(_r_source="source", _r_contact="contact_id", _r_flag=ibis.literal(True))
    joined = t.left_join(
        repeated, [t.source == repeated._r_source, t.contact_id == repeated._r_contact]
    )
    return joined.mutate(repeat=joined._r_flag.fill_null(False)).drop(
        "_r_source", "_r_contact", "_r_flag"
    )


def _with_cells(t: ir.Table) -> ir.Table:
    """Centre means per (channel, category) cell over the whole period, for case-mix indices."""
    cell = ibis.window(group_by=[t.channel, t.category])
    fcr_inbound = ibis.ifelse(
        t.inbound, t.first_contact_resolved.cast("float64"), ibis.null("float64")
    )
    return t.mutate(
        cell_handle_mean=exact_mean(t.handle_seconds).over(cell),
        cell_fcr_mean=exact_mean(fcr_inbound).over(cell),
    )


# -- tickets ------------------------------------------------------------------


def _due(t: ir.Table, params: IndicatorParams) -> ir.TimestampValue:
    """``due_at`` from the record, else ``created_at + sla_hours[category]`` (or default)."""
    sla = dict(params.sla_hours)
    default = float(sla.pop("default", 24.0))

    def after(hours: float) -> ir.TimestampValue:
        return t.created_at + _interval(timedelta(hours=hours))

    branches = [(t.category == cat, after(float(h))) for cat, h in sla.items()]
    computed = ibis.cases(*branches, else_=after(default)) if branches else after(default)
    return ibis.coalesce(t.due_at, computed)


def _tickets_due(ctx: Ctx) -> ir.Table:
    t = ctx.table("tickets")
    t = t.filter(t.agent_id.notnull()).mutate(due_eff=_due(t, ctx.params))
    t = t.filter(ctx.in_period(t.due_eff))
    as_of = timestamp_literal(ctx.as_of)
    closed = t.closed_at.notnull()
    return t.mutate(
        on_time=(closed & (t.closed_at <= t.due_eff)).fill_null(False),
        # Open and not yet due as of the computation: left out of the denominator.
        counted=(closed | (t.due_eff < as_of)).fill_null(False),
        _when=t.due_eff,
    )


def _tickets_closed(ctx: Ctx) -> ir.Table:
    """Tickets closed in the period: operations for ``error_rate``, by ``closed_at``."""
    t = ctx.table("tickets")
    t = t.filter(t.agent_id.notnull(), t.closed_at.notnull(), ctx.in_period(t.closed_at))
    return t.mutate(_when=t.closed_at)


# -- the other tables -----------------------------------------------------------


def _by(table: str, column: str) -> Callable[[Ctx], ir.Table]:
    def build(ctx: Ctx) -> ir.Table:
        t = ctx.table(table)
        t = t.filter(t.agent_id.notnull(), ctx.in_period(t[column]))
        return t.mutate(_when=t[column])

    build.__name__ = f"_{table}"
    return build


def _surveys(ctx: Ctx) -> ir.Table:
    t = _by("surveys", "responded_at")(ctx)
    has_comment = t.comment.notnull() & (t.comment.strip() != "")
    t = t.mutate(has_comment=has_comment.fill_null(False))
    if Feature.SENTIMENT in ctx.features:
        t = with_sentiment(ctx, t)
        threshold = float(ctx.params.negative_sentiment_below)
        by_comment = t.has_comment & (t.sentiment < threshold).fill_null(False)
    else:
        t = t.mutate(sentiment=ibis.null("float64"))
        by_comment = ibis.literal(False)
    negative = ibis.cases(
        (t.csat.notnull(), t.csat <= 2),
        (t.nps.notnull(), t.nps <= 3),
        else_=by_comment,
    )
    return t.mutate(negative=negative.fill_null(False))


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("contacts", "contacts", "contact_id", "timestamp", _contacts),
        Source("tickets_due", "tickets", "ticket_id", "timestamp", _tickets_due),
        Source("tickets_closed", "tickets", "ticket_id", "timestamp", _tickets_closed),
        Source(
            "qa_evaluations",
            "qa_evaluations",
            "evaluation_id",
            "timestamp",
            _by("qa_evaluations", "evaluated_at"),
        ),
        Source("surveys", "surveys", "survey_id", "timestamp", _surveys),
        Source(
            "complaints",
            "complaints",
            "complaint_id",
            "timestamp",
            _by("complaints", "received_at"),
        ),
        Source(
            "operation_errors",
            "operation_errors",
            "error_id",
            "timestamp",
            _by("operation_errors", "occurred_at"),
        ),
        Source("praise", "praise", "praise_id", "timestamp", _by("praise", "received_at")),
        Source("training", "training", "record_id", "date", _by("training", "held_on")),
        Source("ratings", "ratings", "rating_id", "date", _by("ratings", "rated_on")),
        Source(
            "improvement_items",
            "improvement_items",
            "item_id",
            "date",
            _by("improvement_items", "due_on"),
        ),
    )
}
