"""Kefu on a running Spark standalone cluster gives DuckDB's answers exactly.

Every level of a month and of a quarter (``kefu metrics``), a drill-down
(``kefu explain``), a day's monitor (``kefu monitor``), full scoring runs of a
month and of a quarter (``kefu score``: totals, grades, ranks, pay coefficients),
what they feed (``kefu applications``, ``kefu targets suggest``): all are run on the
cluster by ONE process (``tests/metrics/spark_driver.py``), as a user's commands
run, so its SparkSession is the cluster's and the executors are the worker's. The
JVM starting once keeps this test near a minute. DuckDB answers the same commands
in this process, on a copy of the same workspace (scoring stores its runs).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kefu.cli import app
from kefu.metrics.figures import Level
from kefu.settings import Settings, SparkSettings
from kefu.workspace import Workspace
from tests.metrics.test_spark_parity import _dataset

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

ROOT = Path(__file__).resolve().parents[2]
PERIODS = ("2026-10", "2026-Q4")
# A hang guard only: about a minute of work on an idle two-core machine, far more on a busy one.
TIMEOUT_SECONDS = 1800


def _commands(home: Path) -> list[list[str]]:
    at = ["--format", "json", "--home", str(home)]
    metrics = [["metrics", "--period", p, "--level", level.value, *at]
               for p in PERIODS for level in Level]  # fmt: skip
    return [
        *metrics,
        ["explain", "--period", "2026-10", "-i", "fcr_rate", "--agent", "A1", *at],
        ["explain", "--period", "2026-Q4", "-i", "complaint_rate", "--team", "T1", *at],
        ["monitor", "--date", "2026-10-05", *at],
        ["score", "--period", "2026-10", *at],
        ["score", "--period", "2026-Q4", *at],
        ["applications", "--period", "2026-10", *at],
        ["targets", "suggest", "--months", "1", *at],
    ]


def _on_cluster(home: Path, master: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
           "KEFU_ENGINE": "spark", "KEFU_SPARK_MASTER": master}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.metrics.spark_driver"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        start_new_session=True,  # its group holds the driver's JVM too, for the kill below
    )  # fmt: skip
    try:
        out, err = proc.communicate(json.dumps(_commands(home)), timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(
            f"the cluster's commands took over {TIMEOUT_SECONDS}s; so far:\n"
            + "\n".join(line for line in err.splitlines() if line.startswith("kefu "))
        )
    assert proc.returncode == 0, err[-3000:]
    return dict(json.loads(out))


def _on_duckdb(home: Path) -> list[dict[str, Any]]:
    answers = []
    for args in _commands(home):
        done = CliRunner().invoke(app, args)
        answers.append({"exit_code": done.exit_code, "stdout": done.stdout})
    return answers


def _parsed(stdout: str, home: Path) -> Any:
    # The copies differ only in their directory, which explain names with each record.
    return json.loads(stdout.replace(str(home), "<home>"))


@pytest.fixture(scope="module")
def both(spark_cluster: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("cluster-parity")
    ws = Workspace.init(root / "duckdb")
    _dataset(ws)
    ws.close()
    shutil.copytree(root / "duckdb", root / "spark")
    # Tiny data: one shuffle partition spares the two executors' cores a task per
    # partition in every stage (the cluster's own configuration, from kefu.yaml).
    settings_file = root / "spark" / "kefu.yaml"
    settings = Settings.load(settings_file)
    conf = {"spark.sql.shuffle.partitions": "1"}
    settings.model_copy(update={"spark": SparkSettings(conf=conf)}).dump(settings_file)
    begun = time.monotonic()
    cluster = _on_cluster(root / "spark", spark_cluster)
    spent = time.monotonic() - begun
    steps = ", ".join(f"{' '.join(a['args'][:2])} {a['seconds']}s" for a in cluster["answers"])
    print(f"\ncluster driver process {spent:.0f}s: {steps}", file=sys.stderr)
    duck = _on_duckdb(root / "duckdb")
    return {"cluster": cluster, "duckdb": duck, "root": root, "master": spark_cluster}


def test_the_commands_ran_on_the_cluster_and_its_executors(both):
    assert both["cluster"]["spark"]["master"] == both["master"]
    assert both["cluster"]["spark"]["executors"] >= 1


@pytest.mark.parametrize("n", range(len(_commands(Path("home")))),
                         ids=[" ".join(c[:3]) for c in _commands(Path("home"))])  # fmt: skip
def test_every_command_answers_on_the_cluster_as_on_duckdb_to_the_last_digit(both, n):
    root = both["root"]
    cluster, duck = both["cluster"]["answers"][n], both["duckdb"][n]
    assert duck["exit_code"] == 0, duck["stdout"][-2000:]
    assert cluster["exit_code"] == 0, cluster["stderr"]
    on_cluster = _parsed(cluster["stdout"], root / "spark")
    on_duckdb = _parsed(duck["stdout"], root / "duckdb")
    assert on_duckdb  # not vacuous: every command answers something
    assert on_cluster == on_duckdb


def test_scoring_on_the_cluster_stores_duckdbs_totals_grades_and_pay(both):
    """The stored runs themselves, not only what the command printed: same results hash."""
    from kefu.scoring import results
    from kefu.scoring.runs import latest_run

    stored = {}
    for name in ("duckdb", "spark"):
        with Workspace.open(both["root"] / name) as ws:
            stored[name] = {
                p: (latest_run(ws, p).results_hash,  # type: ignore[union-attr]
                    [(r.agent_id, r.total, r.grade, r.pay_coefficient) for r in results(ws, p)])
                for p in PERIODS
            }  # fmt: skip
    assert all(rows for _, rows in stored["duckdb"].values())
    assert stored["spark"] == stored["duckdb"]
