"""Drill-down: the exact records behind one figure, with their lineage.

    >>> ex = explain(ws, level="agent", key="A001", period="2026-10", indicator="fcr_rate")
    >>> ex.figure.value, [(r.id, r.in_numerator) for r in ex.records]
    (0.5, [('C1', True), ('C2', False)])

A record is listed when it contributes to the figure (numerator, denominator
or sample), plus the self-ratings of ``teamwork_score``, which are shown and
never scored. Timestamps are given in the workspace time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ibis

from kefu.metrics.attribution import Roster
from kefu.metrics.definition import Indicator, IndicatorKind
from kefu.metrics.engine import as_period, figures_for, keyed, make_ctx
from kefu.metrics.figures import Figure, IndicatorParams, Level
from kefu.metrics.registry import indicator as lookup
from kefu.metrics.sources import SOURCES, Ctx

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from kefu.periods import Period
    from kefu.workspace import Workspace

LINEAGE = ("source_file", "source_row", "batch_id")


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


@dataclass(frozen=True)
class Explanation:
    figure: Figure
    records: list[ExplainedRecord] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat dict per record (columns vary with the tables involved)."""
        return [r.as_dict() for r in self.records]

    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
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
) -> Explanation:
    """The figure of ``indicator`` for ``key`` at ``level`` and the records it rests on."""
    period, level = as_period(period), Level(level)
    ind = lookup(indicator)
    own = con is None
    backend = con if con is not None else ws.duckdb()
    try:
        ctx = make_ctx(ws, backend, period, [ind], params, as_of)
        figure = figures_for(ctx, [ind], level, [key])[0]
        roster = Roster.load(ctx)
        records: list[ExplainedRecord] = []
        for source_name in ind.sources:
            records += _records(ctx, ind, source_name, level, key, roster)
        return Explanation(figure, records)
    finally:
        if own:
            backend.disconnect()


def _sum(values: list[ir.NumericValue]) -> ir.NumericValue:
    total: ir.NumericValue = ibis.literal(0.0)
    for v in values:
        total = total + v.cast("float64").fill_null(0.0)
    return total


def _records(
    ctx: Ctx, ind: Indicator, source_name: str, level: Level, key: str, roster: Roster
) -> list[ExplainedRecord]:
    source = SOURCES[source_name]
    rel = keyed(ctx, source_name, level, roster)
    rel = rel.filter(rel._key == key)
    parts = [p for p in ind.parts if p.source == source_name]
    num = _sum([p.expr(rel, ctx) for p in parts if p.base_role == "num"])
    den = _sum([p.expr(rel, ctx) for p in parts if p.base_role == "den"])
    every = _sum([p.expr(rel, ctx).abs() for p in parts])
    in_den = den != 0
    in_num = in_den if ind.kind is IndicatorKind.MEAN else num != 0
    details = [c for c in ind.details.get(source_name, ()) if c != source.id_column]
    picked = rel.filter(every != 0).select(
        source.id_column,
        *details,
        *LINEAGE,
        _when=rel._when,
        _in_num=in_num,
        _in_den=in_den,
    )
    zone = ZoneInfo(ctx.timezone)
    rows = ctx.con.to_pyarrow(picked).to_pylist()
    rows.sort(key=lambda r: (str(r["_when"]), str(r[source.id_column])))
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
