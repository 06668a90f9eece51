"""Runs many ``kefu`` commands in ONE process, so the Spark driver JVM starts once.

    python -m tests.metrics.spark_driver < commands.json > answers.json

Standard input is a JSON list of argument lists (each one ``kefu`` command line);
standard output is a JSON object: ``answers`` (per command its exit code and
standard output) and ``spark`` (the master the session ran on and how many
executors had joined it). With ``KEFU_ENGINE=spark`` and ``KEFU_SPARK_MASTER`` in
the environment, every command computes on that cluster: the first opens the
SparkSession, the others find it open. A test tool, not part of Kefu.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def main() -> None:
    from typer.testing import CliRunner

    from kefu.cli import app

    commands: list[list[str]] = json.load(sys.stdin)
    answers: list[dict[str, Any]] = []
    for args in commands:
        begun = time.perf_counter()
        done = CliRunner().invoke(app, args)
        answers.append({"args": args, "exit_code": done.exit_code, "stdout": done.stdout,
                        "stderr": done.stderr[-3000:],
                        "seconds": round(time.perf_counter() - begun, 2)})  # fmt: skip
        # Progress on standard error: a test that times out shows how far it came.
        print(f"kefu {' '.join(args[:3])}: {answers[-1]['seconds']}s", file=sys.stderr, flush=True)
    spark: dict[str, Any] = {"master": None, "executors": 0}
    if "pyspark.sql" in sys.modules:
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        if session is not None:
            sc = session.sparkContext
            # The memory status lists the driver as well as each executor.
            members = sc._jsc.sc().getExecutorMemoryStatus().size()
            spark = {"master": sc.master, "executors": int(members) - 1}
    json.dump({"answers": answers, "spark": spark}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
