"""A Spark standalone cluster on 127.0.0.1 (one master, one worker) from PySpark's jars.

Shared by the test fixture ``spark_cluster`` (tests/spark_cluster.py) and the scale
benchmark (bench/scale.py): both need a real cluster whose executors are separate
JVMs reading the fact store's Parquet files by path, as on shared storage.

    with standalone_cluster(work_dir) as cluster:
        print(cluster.master)            # spark://127.0.0.1:<port>
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

START_SECONDS = 90


class ClusterUnavailable(RuntimeError):
    """Java or PySpark is missing: the cluster cannot be started on this machine."""


class ClusterDidNotStart(RuntimeError):
    """The master or worker exited, or no worker registered in time (logs attached)."""


@dataclass
class Cluster:
    master: str
    ui_port: int
    work_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def pids(self) -> list[int]:
        """The process ids of the master and worker (their executors are children)."""
        return [p.pid for p in self.processes]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path | None:
    try:
        import pyspark
    except ImportError:
        return None
    return Path(pyspark.__file__).parent


def missing() -> str | None:
    """Why a cluster cannot start here (no Java, no PySpark), or None."""
    if spark_home() is None:
        return "PySpark is not installed"
    if shutil.which("java") is None:
        return "Java is not installed"
    return None


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


@contextmanager
def standalone_cluster(work: Path, *, cores: int = 2, memory: str = "1g") -> Iterator[Cluster]:
    """A running one-worker cluster, stopped (master, worker, executors) on exit."""
    reason = missing()
    if reason:
        raise ClusterUnavailable(reason)
    home = spark_home()
    assert home is not None
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_WORKER_DIR": str(work), "SPARK_LOG_DIR": str(work),
           "PYSPARK_PYTHON": sys.executable}  # fmt: skip
    port, ui, worker_ui = free_port(), free_port(), free_port()
    cluster = Cluster(f"spark://127.0.0.1:{port}", ui, work)
    spark_class = str(home / "bin" / "spark-class")

    def start(*args: str, log: str) -> None:
        out = (work / log).open("wb")
        # Its own process group: stopping it stops the JVM and every child it forked.
        cluster.processes.append(subprocess.Popen([spark_class, *args], stdout=out, stderr=out,
                                                  env=env, start_new_session=True))  # fmt: skip

    try:
        start("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
              "--port", str(port), "--webui-port", str(ui), log="master.log")  # fmt: skip
        start("org.apache.spark.deploy.worker.Worker", cluster.master, "--host", "127.0.0.1",
              "--cores", str(cores), "--memory", memory, "--webui-port", str(worker_ui),
              "--work-dir", str(work), log="worker.log")  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while _alive_workers(ui) < 1:
            if time.monotonic() > deadline or any(p.poll() is not None for p in cluster.processes):
                logs = "".join((work / f).read_text(errors="replace")[-2000:]
                               for f in ("master.log", "worker.log"))  # fmt: skip
                raise ClusterDidNotStart(f"the Spark cluster did not start:\n{logs}")
            time.sleep(0.5)
        yield cluster
    finally:
        for proc in reversed(cluster.processes):
            _stop(proc)
