"""What an indicator is: a declarative :class:`Indicator` built from summed parts.

An indicator is a set of *parts*: per-record contributions, each computed on
one source relation (see :mod:`kefu.metrics.sources`) and summed per level
key. Parts have a role — ``num``, ``den`` or ``sample`` — and the figure is
``Σ num / Σ den`` (× ``scale``), so every roll-up is recomputed from records::

    Indicator("csat_rate", ..., parts=ratio_parts("csat_rate", "surveys", has_csat, top_two))

Indicators whose value is not a plain Σ/Σ (``teamwork_score``) give their own
``finish``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kefu.metrics.computation import Feature
from kefu.metrics.figures import IndicatorParams

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from kefu.metrics.computation import Ctx


class Dimension(StrEnum):
    EFFICIENCY = "efficiency"
    QUALITY = "quality"
    SATISFACTION = "satisfaction"
    DEVELOPMENT = "development"
    CONTEXT = "context"


class Unit(StrEnum):
    RATE = "rate"
    SECONDS = "seconds"
    SCORE = "score"
    NPS = "nps"
    COUNT = "count"
    INDEX = "index"


# The values an indicator of each unit can take (metrics.md, "Units"); None: unbounded.
# Rates are fractions, durations seconds, scores 0–100, NPS -100…100.
UNIT_RANGES: dict[Unit, tuple[float | None, float | None]] = {
    Unit.RATE: (0.0, 1.0),
    Unit.SECONDS: (0.0, None),
    Unit.SCORE: (0.0, 100.0),
    Unit.NPS: (-100.0, 100.0),
    Unit.COUNT: (0.0, None),
    Unit.INDEX: (0.0, None),
}


class DisplayUnit(StrEnum):
    """How pages and exports show a value (the data unit says how it is stored)."""

    PERCENT = "percent"  # a fraction in data, shown ×100 with "%"
    PER_MILLE = "per_mille"  # a fraction in data, shown ×1000 with "‰"
    SECONDS = "seconds"
    SCORE = "score"  # 0–100
    NPS = "nps"  # −100…100
    RATING = "rating"  # a plain number: a mean of 1–5 ratings, an index
    COUNT = "count"


# The display unit of each data unit, unless the indicator says otherwise.
UNIT_DISPLAY: dict[Unit, DisplayUnit] = {
    Unit.RATE: DisplayUnit.PERCENT,
    Unit.SECONDS: DisplayUnit.SECONDS,
    Unit.SCORE: DisplayUnit.SCORE,
    Unit.NPS: DisplayUnit.NPS,
    Unit.COUNT: DisplayUnit.COUNT,
    Unit.INDEX: DisplayUnit.RATING,
}


class IndicatorKind(StrEnum):
    RATIO = "ratio"
    MEAN = "mean"
    COUNT = "count"


# A per-record contribution: an Ibis numeric expression on a source relation.
PartExpr = Callable[["ir.Table", "Ctx"], "ir.NumericValue"]
Finish = Callable[[Mapping[str, float], IndicatorParams], tuple[float, float, float]]


@dataclass(frozen=True)
class Part:
    """One contribution summed per key. ``role`` is num, den, sample or ``<role>:<tag>``."""

    name: str
    source: str
    role: str
    expr: PartExpr

    @property
    def base_role(self) -> str:
        return self.role.split(":", 1)[0]


@dataclass(frozen=True)
class Indicator:
    """One indicator of metrics.md: its names, units and how it is computed.

    ``zh`` is its name (the one pages, exports and messages use), ``name_en``
    its English name and ``en`` the English definition shown by ``kefu metrics``.
    """

    id: str
    dimension: Dimension
    unit: Unit
    kind: IndicatorKind
    zh: str
    en: str
    tables: tuple[str, ...]
    parts: tuple[Part, ...]
    # Columns of the source relation shown per record in the drill-down.
    details: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scale: float = 1.0
    features: frozenset[Feature] = frozenset()
    # FCR-based figures stay provisional until the repeat window after the period is imported.
    repeat_sensitive: bool = False
    finish: Finish | None = None
    # Where the unit's range does not fit (a mean of 1–5 ratings): the values it can take.
    value_range: tuple[float | None, float | None] | None = None
    name_en: str = ""
    # Where the data unit's usual display does not fit (rates per thousand contacts).
    display: DisplayUnit | None = None

    @property
    def display_unit(self) -> DisplayUnit:
        return self.display or UNIT_DISPLAY[self.unit]

    def name(self, locale: str) -> str:
        """The indicator's name in ``locale`` (Chinese unless the locale is another)."""
        return self.zh if locale.startswith("zh") else self.name_en or self.id

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The lowest and highest value the indicator can take (None: unbounded)."""
        return self.value_range or UNIT_RANGES[self.unit]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.source for p in self.parts))

    def totals(self, sums: Mapping[str, float], params: IndicatorParams) -> tuple[Any, Any, int]:
        """``(numerator, denominator, sample)`` from the summed parts of one key."""
        if self.finish is not None:
            num, den, sample = self.finish(sums, params)
            return num, den, int(sample)
        total = {"num": 0.0, "den": 0.0, "sample": 0.0}
        for p in self.parts:
            if p.base_role in total:
                total[p.base_role] += float(sums.get(p.name) or 0.0)
        return total["num"], total["den"], int(total["sample"])

    def value(self, num: float, den: float | None, sample: int) -> float | None:
        if self.kind is IndicatorKind.COUNT:
            return float(num) if sample > 0 else None
        if not den:
            return None
        return self.scale * num / den


def ratio_parts(
    ind_id: str, source: str, eligible: PartExpr, hit: PartExpr
) -> tuple[Part, Part, Part]:
    """A share of eligible records: num = eligible ∧ hit, den = sample = eligible."""

    def num(t: ir.Table, ctx: Ctx) -> ir.NumericValue:
        return (eligible(t, ctx) & hit(t, ctx)).fill_null(False).cast("int64")

    def den(t: ir.Table, ctx: Ctx) -> ir.NumericValue:
        return eligible(t, ctx).fill_null(False).cast("int64")

    return (
        Part(f"{ind_id}:num", source, "num", num),
        Part(f"{ind_id}:den", source, "den", den),
        Part(f"{ind_id}:sample", source, "sample", den),
    )


def mean_parts(
    ind_id: str, source: str, eligible: PartExpr, value: PartExpr
) -> tuple[Part, Part, Part]:
    """A mean over eligible records with a non-null value: num = Σ value, den = count."""

    def ok(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
        return (eligible(t, ctx) & value(t, ctx).notnull()).fill_null(False)

    def num(t: ir.Table, ctx: Ctx) -> ir.NumericValue:
        import ibis

        return ibis.ifelse(ok(t, ctx), value(t, ctx).cast("float64"), 0.0)

    def den(t: ir.Table, ctx: Ctx) -> ir.NumericValue:
        return ok(t, ctx).cast("int64")

    return (
        Part(f"{ind_id}:num", source, "num", num),
        Part(f"{ind_id}:den", source, "den", den),
        Part(f"{ind_id}:sample", source, "sample", den),
    )


def every(t: ir.Table, ctx: Ctx) -> ir.BooleanValue:
    """True for every record of a source (each has an agent): a column, not a scalar."""
    return t.agent_id.notnull()


def one(t: ir.Table, ctx: Ctx) -> ir.IntegerValue:
    """1 per record, as a column."""
    return every(t, ctx).cast("int64")
