"""A real Spark standalone cluster on 127.0.0.1: one master and one worker, from PySpark's jars.

Started once per test session by the ``spark_cluster`` fixture (``tests/conftest.py``)
and stopped at its end; skipped, with the reason printed, when Java or PySpark is
missing. Executors are separate JVMs that read the fact store's Parquet files by
path, as they would on a cluster with shared storage. The start and stop live in
``bench/spark_cluster.py``, which the scale benchmark uses too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from bench.spark_cluster import ClusterDidNotStart, missing, standalone_cluster


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The master URL (``spark://127.0.0.1:<port>``) of a running one-worker cluster."""
    reason = missing()
    if reason:
        print(f"\nSpark cluster tests skipped: {reason}", file=sys.stderr)
        pytest.skip(f"Spark cluster tests need Java and PySpark: {reason}")
    try:
        with standalone_cluster(tmp_path_factory.mktemp("spark-cluster")) as cluster:
            yield cluster.master
    except ClusterDidNotStart as exc:
        pytest.fail(str(exc))
