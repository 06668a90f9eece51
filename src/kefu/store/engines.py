"""Analytic backends for the indicator engine: DuckDB in-process, or Apache Spark.

The indicator code is pure Ibis and never imports an engine; this module is
the one place that knows how to create each backend.

    con = duckdb_backend(ws.settings)        # the default, one per caller
    con = spark_backend("local[2]")          # same expressions, same Parquet files
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kefu.errors import KefuError

if TYPE_CHECKING:
    import duckdb
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend
    from ibis.backends.duckdb import Backend as DuckDBBackend
    from ibis.backends.pyspark import Backend as PySparkBackend

    from kefu.settings import Settings


ENGINES = ("duckdb", "spark")
# How long a spark:// master may take to accept a connection before it counts as down.
REACH_SECONDS = 3.0


class EngineUnavailable(KefuError):
    """The configured engine cannot be used: unknown, not installed, or unreachable."""

    exit_code = 3


@dataclass(frozen=True)
class EngineChoice:
    """The engine indicators run on, its Spark master and configuration, and who chose."""

    name: str
    master: str | None = None
    conf: Mapping[str, str] = field(default_factory=dict)
    source: str = "default"  # "default", "kefu.yaml" or the environment variable

    def describe(self) -> str:
        return self.name if self.name == "duckdb" else f"spark ({self.master})"


def engine_choice(settings: Settings, environ: Mapping[str, str] | None = None) -> EngineChoice:
    """The engine of ``settings``, where ``KEFU_ENGINE`` and ``KEFU_SPARK_MASTER`` win."""
    env = os.environ if environ is None else environ
    name: str = settings.engine
    source = "kefu.yaml" if "engine" in settings.model_fields_set else "default"
    if env.get("KEFU_ENGINE"):
        name, source = env["KEFU_ENGINE"].strip().lower(), "KEFU_ENGINE"
    if name not in ENGINES:
        raise EngineUnavailable(
            f"KEFU_ENGINE: unknown engine '{name}' (known: {', '.join(ENGINES)})"
        )
    if name == "duckdb":
        return EngineChoice("duckdb", source=source)
    master = env.get("KEFU_SPARK_MASTER") or settings.spark.master
    return EngineChoice("spark", master=master, conf=dict(settings.spark.conf), source=source)


def check_reachable(master: str, timeout: float = REACH_SECONDS) -> None:
    """Fail in seconds, in one line, when a ``spark://`` master does not answer.

    Spark itself retries a lost master for minutes, with stack traces; local masters
    and resource managers (yarn, k8s) are left to Spark.
    """
    if not master.startswith("spark://"):
        return
    for address in master.removeprefix("spark://").split(","):
        parts = urlsplit(f"//{address}")
        host, port = parts.hostname or "", parts.port or 7077
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
    raise EngineUnavailable(
        f"the Spark master {master} cannot be reached ({reason.lower()}); "
        "check spark.master in kefu.yaml or KEFU_SPARK_MASTER"
    )


def spark_for(choice: EngineChoice) -> BaseBackend:
    """The Spark backend of ``choice``, after checking its master answers."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise EngineUnavailable("engine spark needs PySpark: pip install 'kefu[spark]'") from None
    assert choice.master is not None
    check_reachable(choice.master)
    try:
        return spark_backend(choice.master, conf=dict(choice.conf))
    except Exception as exc:  # Java missing, a refused application: one line, no trace
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise EngineUnavailable(f"Spark could not start on {choice.master}: {first}") from None


def duckdb_config(settings: Settings) -> dict[str, Any]:
    """DuckDB's configuration for the workspace: its memory and thread limits."""
    config: dict[str, Any] = {}
    if settings.duckdb_memory_limit:
        config["memory_limit"] = settings.duckdb_memory_limit
    if settings.duckdb_threads:
        config["threads"] = settings.duckdb_threads
    return config


def duckdb_backend(settings: Settings) -> DuckDBBackend:
    """A fresh in-process DuckDB backend with the workspace's limits and time zone.

    It takes the settings rather than the workspace: the store sits below the
    workspace, which calls this for ``Workspace.duckdb``.
    """
    # Ibis is imported here, not at the top: `kefu --help` must not pay for it.
    import ibis

    con = ibis.duckdb.connect(**duckdb_config(settings))
    set_up_duckdb(con.con, settings)
    return con


def set_up_duckdb(raw: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The workspace's time zone, and no progress bar.

    DuckDB draws its progress bar on standard output once a query runs for two
    seconds; ``kefu metrics --format json`` writes its JSON there too.
    """
    raw.execute(f"SET TimeZone = '{settings.timezone}'")
    raw.execute("SET enable_progress_bar = false")


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
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    backend_class = _spark_backend_class()
    backend_class.register_options()
    return backend_class().connect(session)


def _spark_backend_class() -> type[PySparkBackend]:
    """Ibis's PySpark backend, reading a list of Parquet files as one table.

    The fact store reads a table as the list of its committed batch files;
    Ibis's PySpark ``read_parquet`` takes one path only, so the list is handed
    to Spark's reader here.
    """
    from ibis import util
    from ibis.backends.pyspark import Backend

    class SparkBackend(Backend):
        def read_parquet(
            self, path: Any, /, *, table_name: str | None = None, **kwargs: Any
        ) -> ir.Table:
            if not isinstance(path, list | tuple):
                return super().read_parquet(path, table_name=table_name, **kwargs)
            frame = self._session.read.parquet(*(str(p) for p in path), **kwargs)
            name = table_name or util.gen_name("read_parquet")
            frame.createOrReplaceTempView(name)
            return self.table(name)

    return SparkBackend
