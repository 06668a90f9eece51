"""`kefu metrics` against a running Spark standalone cluster gives DuckDB's figures exactly.

The command runs as its own process (as a user runs it), so its SparkSession is the
cluster's, never the local one of this test process; the executors are the worker's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kefu.workspace import Workspace
from tests.metrics.test_spark_parity import _dataset

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

SRC = Path(__file__).resolve().parents[2] / "src"


def _metrics(home: Path, level: str, **env: str) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", "from kefu.cli import main; main()", "metrics",
         "--period", "2026-10", "--level", level, "--format", "json", "--home", str(home)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(SRC), **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return list(json.loads(done.stdout))


def test_every_indicator_on_the_cluster_is_duckdbs_to_the_last_digit(spark_cluster, tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    _dataset(ws)
    ws.close()
    on_duckdb = _metrics(ws.home, "agent")
    on_cluster = _metrics(ws.home, "agent", KEFU_ENGINE="spark", KEFU_SPARK_MASTER=spark_cluster)
    assert len(on_duckdb) > 0
    assert on_cluster == on_duckdb
