"""Sums and means that do not depend on the order of the records.

A sum of doubles depends on the order of its terms, and DuckDB's threads add
their partial sums in whatever order they finish: the same month could give
figures differing in the last digits from one run to the next, and a re-run of
a scoring run a different results hash. Fractional values are therefore added
as decimals with nine places, which keeps every value of an export exactly
(seconds, scores, weights) and makes 0.1 + 0.2 exactly 0.3; integers are
exact already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.datatypes as dt
    import ibis.expr.types as ir


def _exact() -> dt.Decimal:
    """DECIMAL(38, 9), built when first needed (importing this module must not import ibis)."""
    import ibis.expr.datatypes as dt

    return dt.Decimal(38, 9)


def exact_sum(value: ir.NumericValue) -> ir.NumericValue:
    """Σ ``value`` as a double, the same whatever the order of the records."""
    if value.type().is_floating():
        return value.cast(_exact()).sum().cast("float64")
    return value.sum()


def exact_mean(value: ir.NumericValue) -> ir.NumericValue:
    """The mean of ``value`` as a double, the same whatever the order of the records."""
    if value.type().is_floating():
        return value.cast(_exact()).mean().cast("float64")
    return value.mean()
