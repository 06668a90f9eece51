"""A real Spark standalone cluster on 127.0.0.1: one master and one worker, from PySpark's jars.

Started once per test session by the ``spark_cluster`` fixture (``tests/conftest.py``)
and stopped at its end; skipped, with the reason printed, when Java or PySpark is
missing. Executors are separate JVMs that read the fact store's Parquet files by
path, as they would on a cluster with shared storage.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import free_port

START_SECONDS = 90


def _spark_home() -> Path | None:
    try:
        import pyspark
    except ImportError:
        return None
    return Path(pyspark.__file__).parent


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as r:
            return int(json.load(r).get("aliveworkers", 0))
    except (OSError, ValueError):
        return 0


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The master URL (``spark://127.0.0.1:<port>``) of a running one-worker cluster."""
    home = _spark_home()
    if shutil.which("java") is None or home is None:
        reason = "Java is not installed" if home else "PySpark is not installed"
        print(f"\nSpark cluster tests skipped: {reason}", file=sys.stderr)
        pytest.skip(f"Spark cluster tests need Java and PySpark: {reason}")
    work = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_WORKER_DIR": str(work), "SPARK_LOG_DIR": str(work),
           "PYSPARK_PYTHON": sys.executable}  # fmt: skip
    port, ui, worker_ui = free_port(), free_port(), free_port()
    master = f"spark://127.0.0.1:{port}"
    spark_class = str(home / "bin" / "spark-class")
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, log: str) -> None:
        out = (work / log).open("wb")
        started.append(subprocess.Popen([spark_class, *args], stdout=out, stderr=out, env=env,
                                        start_new_session=True))  # fmt: skip

    try:
        start("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
              "--port", str(port), "--webui-port", str(ui), log="master.log")  # fmt: skip
        start("org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1",
              "--cores", "2", "--memory", "1g", "--webui-port", str(worker_ui),
              "--work-dir", str(work), log="worker.log")  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while _alive_workers(ui) < 1:
            if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                logs = "".join((work / f).read_text(errors="replace")[-2000:]
                               for f in ("master.log", "worker.log"))  # fmt: skip
                pytest.fail(f"the Spark cluster did not start:\n{logs}")
            time.sleep(0.5)
        yield master
    finally:
        for proc in reversed(started):
            _stop(proc)
