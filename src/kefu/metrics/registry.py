"""The indicator registry: one :class:`Indicator` per id of metrics.md, in catalogue order.

>>> indicator("frt_avg.phone").unit
<Unit.SECONDS: 'seconds'>
>>> list(INDICATORS)[:3]
['frt_avg', 'frt_avg.phone', 'frt_avg.chat']
"""

from __future__ import annotations

from kefu.errors import UsageError
from kefu.metrics import context, development, efficiency, fairness, quality, satisfaction
from kefu.metrics.definition import Dimension, Indicator

# id → Indicator. Constant data: the definitions take parameters only when evaluated.
INDICATORS: dict[str, Indicator] = {
    ind.id: ind
    for module in (efficiency, quality, satisfaction, development, context, fairness)
    for ind in module.indicators()
}

DIMENSIONS: tuple[Dimension, ...] = tuple(Dimension)


def indicator(ind_id: str) -> Indicator:
    """The indicator with id ``ind_id``, or a usage error listing the known ids."""
    try:
        return INDICATORS[ind_id]
    except KeyError:
        known = ", ".join(INDICATORS)
        raise UsageError(f"unknown indicator '{ind_id}'; the indicators are: {known}") from None
