"""Drill-down: the exact records behind one figure, with their lineage.

    >>> ex = explain(ws, level="agent", key="A001", period="2026-10", indicator="fcr_rate")
    >>> ex.figure.value, [(r.id, r.in_numerator) for r in ex.records]
    (0.5, [('C1', True), ('C2', False)])

A record is listed when it contributes to the figure (numerator, denominator
or sample), plus the self-ratings of ``teamwork_score``, which are shown and
never scored. Timestamps are given in the workspace time zone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ibis

from kefu.metrics.attribution import Roster
from kefu.metrics.computation import Ctx
from kefu.metrics.definition import Indicator, IndicatorKind
from kefu.metrics.engine import as_period, figures_for, keyed, make_ctx
from kefu.metrics.figures import Figure, IndicatorParams, Level
from kefu.metrics.registry import indicator as lookup
from kefu.metrics.sources import SOURCES

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from kefu.periods import Period
    from kefu.workspace import Workspace

LINEAGE = ("source_file", "source_row", "batch_id")


class Counted(StrEnum):
    """How a record counts in its figure (the drill-down's filter).

    The figure's records (the default list) are those in its numerator, its denominator
    or its sample (a complaint is in the numerator of the complaint rate, the contacts
    it is divided by in its denominator only). *Not counted*
    are the key's records of the period that the figure leaves out (an outbound call
    for FCR, a complaint not caused by the agent), and those listed for their sample
    only or just to be seen (a self-rating).
    """

    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"  # the denominator only
    NOT_COUNTED = "not_counted"


#: The counts' key of the default list (the records the figure rests on).
ALL = "all"


@dataclass(frozen=True)
class TableListing:
    """One table's part of the list: its columns, its records by :class:`Counted`, and how
    many of them the filter keeps (``listed``)."""

    table: str
    columns: tuple[str, ...]
    counts: dict[str, int]
    listed: int


_HELD_IDS = itertools.count()


@dataclass(frozen=True)
class ExplainedRecord:
    table: str
    id: str
    values: dict[str, Any]
    in_numerator: bool
    in_denominator: bool
    source_file: str | None
    source_row: int | None
    batch_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.id,
            "in_numerator": self.in_numerator,
            "in_denominator": self.in_denominator,
            **self.values,
            "source_file": self.source_file,
            "source_row": self.source_row,
            "batch_id": self.batch_id,
        }


def _columns(details: tuple[str, ...]) -> list[str]:
    """The keys of :meth:`ExplainedRecord.as_dict` for a source showing ``details``."""
    return ["table", "id", "in_numerator", "in_denominator", *details, *LINEAGE]


@dataclass(frozen=True)
class Explanation:
    """The figure and its records (all of them, or one page: ``records`` from ``offset``).

    ``total`` counts every record behind the figure, ``listed`` gives the columns of
    each table that has any (so a page's columns are those of the whole list).
    """

    figure: Figure
    records: list[ExplainedRecord] = field(default_factory=list)
    total: int | None = None
    listed: tuple[tuple[str, ...], ...] = ()
    tables: tuple[TableListing, ...] = ()

    def counts(self) -> dict[str, int]:
        """Records of every table by :class:`Counted` and in all (:data:`ALL`), before
        the filter."""
        out = dict.fromkeys((ALL, *(str(c) for c in Counted)), 0)
        for t in self.tables:
            for k, n in t.counts.items():
                out[k] += n
        return out

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat dict per record (columns vary with the tables involved)."""
        return [r.as_dict() for r in self.records]

    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for cols in self.listed:
            seen.update(dict.fromkeys(cols))
        for row in self.to_rows():
            seen.update(dict.fromkeys(row))
        return list(seen)


def explain(
    ws: Workspace,
    *,
    level: Level | str,
    key: str,
    period: Period | str,
    indicator: str,
    params: IndicatorParams | None = None,
    as_of: datetime | None = None,
    con: BaseBackend | None = None,
    offset: int = 0,
    limit: int | None = None,
    counted: Counted | str | None = None,
) -> Explanation:
    """The figure of ``indicator`` for ``key`` at ``level`` and the records it rests on.

    Records come table by table (in the indicator's order), each table's by time then id.
    With ``limit`` only ``limit`` records from ``offset`` of that list are read: the engine
    counts each table's records and returns just the page (a page costs a page of rows).
    ``counted`` keeps only the records that count that way (the engine filters them);
    each table's counts by :class:`Counted` are those before the filter.
    """
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError("offset and limit must not be negative")
    period, level = as_period(period), Level(level)
    keep = None if counted is None else Counted(counted)
    ind = lookup(indicator)
    if ws.engine.name == "spark" and (con is None or con.name != "pyspark"):
        # As in compute: with engine spark the records come from the cluster too.
        con = ws.spark
    own = con is None
    backend = con if con is not None else ws.duckdb()
    try:
        ctx = make_ctx(ws, backend, period, [ind], params, as_of)
        figure = figures_for(ctx, [ind], level, [key])[0]
        roster = Roster.load(ctx)
        records: list[ExplainedRecord] = []
        listed: list[tuple[str, ...]] = []
        tables: list[TableListing] = []
        total, start = 0, offset
        end = None if limit is None else offset + limit
        for source_name in ind.sources:
            picked, details = _picked(ctx, ind, source_name, level, key, roster)
            picked = _held(ctx, picked)
            by_kind = _counts(ctx, picked)
            picked = picked.filter(_kept(picked, keep))
            count = by_kind[ALL if keep is None else str(keep)]
            if by_kind[ALL] or by_kind[str(Counted.NOT_COUNTED)]:
                cols = tuple(_columns(details))
                listed.append(cols)
                tables.append(TableListing(SOURCES[source_name].table, cols, by_kind, count))
            # The part of [start, end) of the whole list that falls in this table's rows.
            lo = max(start - total, 0)
            hi = count if end is None else min(end - total, count)
            if hi > lo:
                records += _fetch(ctx, source_name, picked, details, lo, hi - lo)
            total += count
        return Explanation(figure, records, total, tuple(listed), tuple(tables))
    finally:
        if own:
            backend.disconnect()


def _sum(values: list[ir.NumericValue]) -> ir.NumericValue:
    total: ir.NumericValue = ibis.literal(0.0)
    for v in values:
        total = total + v.cast("float64").fill_null(0.0)
    return total


def _picked(
    ctx: Ctx, ind: Indicator, source_name: str, level: Level, key: str, roster: Roster
) -> tuple[ir.Table, tuple[str, ...]]:
    """The records of ``source_name`` behind the figure, and the detail columns shown."""
    source = SOURCES[source_name]
    rel = keyed(ctx, source_name, level, roster)
    rel = rel.filter(rel._key == key)
    parts = [p for p in ind.parts if p.source == source_name]
    num = _sum([p.expr(rel, ctx) for p in parts if p.base_role == "num"])
    den = _sum([p.expr(rel, ctx) for p in parts if p.base_role == "den"])
    every = _sum([p.expr(rel, ctx).abs() for p in parts])
    in_den = den != 0
    in_num = in_den if ind.kind is IndicatorKind.MEAN else num != 0
    details = tuple(c for c in ind.details.get(source_name, ()) if c != source.id_column)
    # Every record of the key is kept (the not-counted ones too); ``_listed`` marks those
    # the figure rests on.
    picked = rel.select(
        source.id_column,
        *details,
        *LINEAGE,
        _when=rel._when,
        _in_num=in_num,
        _in_den=in_den,
        _listed=every != 0,
    )
    return picked, details


def _kept(picked: ir.Table, keep: Counted | None) -> ir.BooleanValue:
    if keep is None:
        return picked._listed
    if keep is Counted.NUMERATOR:
        return picked._listed & picked._in_num
    if keep is Counted.DENOMINATOR:
        return picked._listed & picked._in_den & ~picked._in_num
    return ~picked._in_num & ~picked._in_den


def _counts(ctx: Ctx, picked: ir.Table) -> dict[str, int]:
    """The records of ``picked`` by :class:`Counted`, counted in one query of the engine."""
    kinds: dict[str, Counted | None] = {ALL: None, **{str(c): c for c in Counted}}
    query = picked.aggregate(
        **{name: _kept(picked, c).cast("int64").sum() for name, c in kinds.items()}
    )
    row = ctx.con.to_pyarrow(query).to_pylist()[0]
    return {name: int(row[name] or 0) for name in kinds}


def _held(ctx: Ctx, picked: ir.Table) -> ir.Table:
    """``picked`` computed once into a temporary table of the engine, where DuckDB allows.

    The count and the page then read the key's few records instead of running the source
    relation (the repeat self-join of FCR) twice; the rows never leave the engine.
    """
    if ctx.con.name != "duckdb":
        return picked
    name = f"_explain_{next(_HELD_IDS)}"
    return ctx.con.create_table(name, picked, temp=True)


def _fetch(
    ctx: Ctx, source_name: str, picked: ir.Table, details: tuple[str, ...], offset: int, limit: int
) -> list[ExplainedRecord]:
    """``limit`` records of ``picked`` from ``offset``, in time then id order.

    The id is a tie-break on equal times, and the lineage after it: ids are unique per
    current record, so the order is total and pages never overlap or skip a record.
    """
    source = SOURCES[source_name]
    ordered = picked.order_by(
        [picked._when, picked[source.id_column].cast("string"), *LINEAGE]
    ).limit(limit, offset=offset)
    zone = ZoneInfo(ctx.timezone)
    rows = ctx.con.to_pyarrow(ordered).to_pylist()
    return [
        ExplainedRecord(
            table=source.table,
            id=str(r[source.id_column]),
            values={c: _local(r[c], zone) for c in details},
            in_numerator=bool(r["_in_num"]),
            in_denominator=bool(r["_in_den"]),
            source_file=r["source_file"],
            source_row=r["source_row"],
            batch_id=r["batch_id"],
        )
        for r in rows
    ]


def _local(value: Any, zone: ZoneInfo) -> Any:
    """Stored naive-UTC instants shown in the workspace zone; other values unchanged."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).astimezone(zone).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
