"""The indicator engine: every requested indicator, for every key of a level, in few queries.

For each *source* relation (contacts, due tickets, QA evaluations…) the
engine builds one Ibis aggregation that sums, per level key, the per-record
parts of all requested indicators reading that source; a figure is then
assembled in Python from the sums. So a month of all indicators for all
agents is about a dozen queries, whatever the number of agents, and every
roll-up is Σ numerator / Σ denominator over records.

    >>> figures = compute(ws, "2026-10", level=Level.TEAM, indicators=["fcr_rate"])
    >>> figures[0].value, figures[0].numerator, figures[0].denominator
    (0.75, 3.0, 4.0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kefu.metrics.assembly import Sums, add_sums, as_period, assemble, naive_utc, pending, resolve
from kefu.metrics.attribution import Roster, with_key
from kefu.metrics.computation import Ctx
from kefu.metrics.definition import Indicator
from kefu.metrics.exact import exact_sum
from kefu.metrics.figures import Figure, IndicatorParams, Level
from kefu.metrics.sources import SOURCES
from kefu.periods import Period

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace

__all__ = ["add_sums", "as_period", "assemble", "compute_fresh", "naive_utc", "pending", "resolve"]


def make_ctx(
    ws: Workspace,
    con: BaseBackend,
    period: Period,
    chosen: Sequence[Indicator],
    params: IndicatorParams | None,
    as_of: datetime | None,
) -> Ctx:
    features = frozenset().union(*(ind.features for ind in chosen))
    return Ctx(ws, con, period, params or IndicatorParams(), naive_utc(as_of), features)


def compute_fresh(
    ws: Workspace,
    period: Period,
    level: Level,
    chosen: Sequence[Indicator],
    params: IndicatorParams | None,
    as_of: datetime | None,
    con: BaseBackend | None,
    keys: list[str] | None,
) -> list[Figure]:
    """The figures compiled from Ibis now (:func:`kefu.metrics.api.compute` without the cache)."""
    own = con is None
    backend = con if con is not None else ws.duckdb()
    try:
        ctx = make_ctx(ws, backend, period, chosen, params, as_of)
        return figures_for(ctx, chosen, level, keys)
    finally:
        if own:
            backend.disconnect()


def figures_for(
    ctx: Ctx, chosen: Sequence[Indicator], level: Level, keys: list[str] | None
) -> list[Figure]:
    roster = Roster.load(ctx)
    sums = aggregate(ctx, chosen, level, roster, keys)
    provisional = any(ind.repeat_sensitive for ind in chosen) and repeat_pending(ctx)
    return assemble(ctx.period, ctx.params, chosen, level, keys, roster, sums, provisional)


def keyed(ctx: Ctx, source_name: str, level: Level, roster: Roster) -> ir.Table:
    """The source relation of the period with its level key in ``_key`` (null: unattributed)."""
    source = SOURCES[source_name]
    return with_key(source.build(ctx), source, level, roster, ctx)


def aggregate(
    ctx: Ctx,
    chosen: Sequence[Indicator],
    level: Level,
    roster: Roster,
    keys: list[str] | None,
) -> Sums:
    """``key → part name → Σ part`` with one grouped query per source relation."""
    by_source: dict[str, dict[str, Any]] = defaultdict(dict)
    for ind in chosen:
        for part in ind.parts:
            if part.base_role in ("num", "den", "sample"):
                by_source[part.source][part.name] = part
    out: Sums = defaultdict(dict)
    for source_name, parts in by_source.items():
        rel = keyed(ctx, source_name, level, roster)
        rel = rel.filter(rel._key.notnull())
        if keys is not None:
            rel = rel.filter(rel._key.isin(keys))
        # A denominator and its sample are often the same expression: sum it once.
        by_expr: dict[Any, list[str]] = defaultdict(list)
        for name, part in parts.items():
            by_expr[part.expr].append(name)
        groups = list(by_expr.items())
        # Positional aliases: part names carry dots and colons that not every engine quotes.
        metrics = {f"p{i}": exact_sum(expr(rel, ctx)) for i, (expr, _) in enumerate(groups)}
        names = [list(n) for _, n in groups]
        query = rel.group_by("_key").aggregate(**metrics)
        add_sums(out, ctx.run(query, f"sums:{source_name}", names), names)
    return out


def repeat_pending(ctx: Ctx) -> bool:
    """Whether contacts up to ``period end + repeat_window`` are not all imported yet.

    Decided from the data: the latest imported ``offered_at`` must reach that instant.
    """
    contacts = ctx.table("contacts")
    result = ctx.run(contacts.aggregate(latest=contacts.offered_at.max()), "repeat_latest")
    return pending(result, ctx.bounds[1] + ctx.repeat_window)
