"""Analytic backends for the indicator engine: DuckDB in-process, or Apache Spark.

The indicator code is pure Ibis and never imports an engine; this module is
the one place that knows how to create each backend.

    con = duckdb_backend(ws)                 # the default, one per caller
    con = spark_backend("local[2]")          # same expressions, same Parquet files
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from kefu.workspace import Workspace


def duckdb_backend(ws: Workspace) -> BaseBackend:
    """A fresh in-process DuckDB backend with the workspace's limits and time zone."""
    return ws.duckdb()


def spark_backend(
    master: str = "local[2]",
    *,
    app_name: str = "kefu",
    shuffle_partitions: int = 4,
    conf: dict[str, Any] | None = None,
) -> BaseBackend:
    """An Ibis PySpark backend on a (possibly shared) SparkSession.

    The session time zone is UTC because the fact store holds naive-UTC
    instants; periods are converted to UTC bounds before they reach the
    engine. ``shuffle_partitions`` is small by default: the default 200 makes
    small computations slow; raise it for cluster-sized data.
    """
    import ibis
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return ibis.pyspark.connect(session)
