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
from typing import TYPE_CHECKING

import ibis

from kefu.metrics.figures import IndicatorParams
from kefu.periods import Period

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace

__all__ = ["Ctx", "Feature", "date_literal", "timestamp_literal"]


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
            self._tables[name] = self.ws.facts.table(self.con, name)
        return self._tables[name]

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
