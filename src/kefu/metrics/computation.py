"""The context of one computation: what an indicator expression may depend on.

:class:`Ctx` (workspace, backend, period, parameters, the features asked for)
and :class:`Feature` live here, below both the indicator definitions and the
source relations: definitions name the features their sources must add, the
sources read the context, and neither has to import the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from kefu.metrics.figures import IndicatorParams
from kefu.periods import Period

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir
    import pyarrow as pa
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace
else:
    from kefu.metrics.lazy import ibis

__all__ = ["Ctx", "Feature", "date_literal", "timestamp_literal"]


class Recorder(Protocol):
    """Records the SQL of a computation for the cache (:class:`kefu.metrics.sqlcache.Capture`)."""

    def base(self, con: BaseBackend, table: str) -> ir.Table: ...

    def assignments(self, con: BaseBackend, data: pa.Table, single: bool) -> ir.Table: ...

    def scores(self, con: BaseBackend, data: pa.Table) -> ir.Table: ...

    def run(
        self, con: BaseBackend, expr: ir.Table, name: str, groups: list[list[str]] | None
    ) -> pa.Table: ...


class Feature(StrEnum):
    """Costly derived columns a source adds only when a requested indicator needs them."""

    REPEAT = "repeat"  # FCR repeat-contact flag (a self-join over contacts)
    CELLS = "cells"  # centre means per (channel, category) cell, for case-mix indices
    SENTIMENT = "sentiment"  # SnowNLP score of comment-only surveys


@dataclass
class Ctx:
    """Everything an indicator expression may depend on, for one computation."""

    ws: Workspace
    con: BaseBackend
    period: Period
    params: IndicatorParams
    as_of: datetime  # naive UTC
    features: frozenset[Feature] = frozenset()
    # Set when the computation's SQL is being recorded for the cache (DuckDB only).
    capture: Recorder | None = None
    _tables: dict[str, ir.Table] = field(default_factory=dict)

    @property
    def timezone(self) -> str:
        return self.ws.timezone

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return self.period.utc_bounds(self.timezone)

    @property
    def repeat_window(self) -> timedelta:
        return timedelta(hours=self.params.repeat_window_hours)

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            base = None if self.capture is None else self.capture.base(self.con, name)
            self._tables[name] = self.ws.facts.table(self.con, name, base=base)
        return self._tables[name]

    def run(self, expr: ir.Table, name: str, groups: list[list[str]] | None = None) -> pa.Table:
        """The rows of ``expr``; ``name`` says which query of the computation it is.

        When the SQL is being recorded, the recorded SQL is what runs (so a figure read
        from the cache and one computed afresh come from the same statement).
        """
        if self.capture is not None:
            return self.capture.run(self.con, expr, name, groups)
        result: pa.Table = self.con.to_pyarrow(expr)
        return result

    def in_period(self, column: ir.Value) -> ir.BooleanValue:
        """Half-open membership: naive-UTC bounds for timestamps, local dates for dates."""
        if column.type().is_date():
            start_day, end_day = date_literal(self.period.start), date_literal(self.period.end)
            return (column >= start_day) & (column < end_day)
        start, end = self.bounds
        return (column >= timestamp_literal(start)) & (column < timestamp_literal(end))


def timestamp_literal(value: datetime) -> ir.TimestampScalar:
    return ibis.literal(value, type="timestamp")


def date_literal(value: object) -> ir.DateScalar:
    return ibis.literal(value, type="date")
