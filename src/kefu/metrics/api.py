"""Figures of indicators: the entry point, through the compiled-SQL cache where it applies.

:func:`compute` answers from :mod:`kefu.metrics.sqlcache` on DuckDB and compiles
with :mod:`kefu.metrics.engine` elsewhere (Spark, or the cache switched off).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from kefu.metrics import sqlcache
from kefu.metrics.assembly import as_period, resolve
from kefu.metrics.figures import Figure, IndicatorParams, Level
from kefu.periods import Period

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace


def compute(
    ws: Workspace,
    period: Period | str,
    *,
    level: Level | str = Level.AGENT,
    indicators: Iterable[str] | None = None,
    params: IndicatorParams | None = None,
    as_of: datetime | None = None,
    con: BaseBackend | None = None,
    keys: Iterable[str] | None = None,
) -> list[Figure]:
    """Figures of ``indicators`` (default all) for every key of ``level`` in ``period``.

    Keys: at agent level every agent on the roster employed in the period or
    with any record in it; at team/site level every team/site of those agents'
    assignments or of the records; ``"centre"``. ``keys`` restricts (and then
    lists exactly) the keys returned. ``as_of`` (default now) decides which
    open tickets are overdue. ``con`` is an Ibis backend (default a fresh
    DuckDB of the workspace, or its Spark cluster with ``engine: spark``).
    """
    period, level = as_period(period), Level(level)
    if ws.engine.name == "spark" and (con is None or con.name != "pyspark"):
        # The workspace computes on Spark: a caller's DuckDB connection (scoring reads
        # rosters and events on its own) does not take the indicators off the cluster.
        con = ws.spark
    chosen = resolve(indicators)
    wanted = None if keys is None else list(keys)
    if sqlcache.usable(con):
        return sqlcache.compute(ws, period, level, chosen, params, as_of, con, wanted)
    from kefu.metrics.engine import compute_fresh

    return compute_fresh(ws, period, level, chosen, params, as_of, con, wanted)
