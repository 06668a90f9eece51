"""Scale-out: a year composite of an N-agent centre on DuckDB and on a Spark standalone cluster.

The workspace (``bench/data/scale-<agents>x<months>-<contacts>/``, built once) holds
``--months`` months from January 2026 of an ``--agents`` centre: roster and
contacts from the demo generator, the other records in proportion (as
:mod:`bench.metrics` builds them). Per engine ONE process, timed from start to
exit, scores every month (``kefu score --period 2026-MM``) and then the year's
composite (``kefu score --period 2026``), as an operator's nightly job would;
its peak memory is the resident memory of its whole process tree (the Spark
driver's JVM included), sampled every 0.2 s. On the cluster the executors run
under the worker: their tree's peak is reported apart (``cluster_peak_bytes``).
Both engines must store the same results (same results hash per period) or the
size counts for nothing.

The cluster is one master and one worker on this machine (``bench/spark_cluster.py``,
the tests' cluster): it measures what the engine's overheads cost and what its
executors hold, not what more machines buy.

    python -m bench.run --only scale                    # 10,000 agents x 12 months
    python -m bench.scale --agents 500 --months 2       # a small proof run

``KEFU_BENCH_SCALE_MONTHS`` and ``KEFU_BENCH_SCALE_CONTACTS`` (contacts an agent a
month) set the other two dimensions for ``bench.run``.

Disk: about 75 bytes of workspace per contact (every table included); the default
10,000 agents x 12 months stores ~340 M contacts, ~25 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench import DATA_DIR

DEFAULT_AGENTS = 10_000
# The environment sets the months and the volume for `python -m bench.run --only scale`.
DEFAULT_MONTHS = int(os.environ.get("KEFU_BENCH_SCALE_MONTHS", "12"))
# The demo generator's volume parameter, not the count stored: its follow-ups and
# peaks make 300 store about 2,800 contacts an agent a month (measured, 500 x 2).
CONTACTS_PER_AGENT_MONTH = int(os.environ.get("KEFU_BENCH_SCALE_CONTACTS", "300"))
# The generator's reference volume, which ``volume_scale`` 1.0 stands for.
GENERATOR_VOLUME = 3000
YEAR = 2026
SEED = 2026
SAMPLE_SECONDS = 0.2
REPO = DATA_DIR.parent.parent
ENGINES = ("duckdb", "spark")


def months_of(months: int) -> list[str]:
    return [f"{YEAR}-{m:02d}" for m in range(1, months + 1)]


# -- data -----------------------------------------------------------------------


def build(agents: int, months: int, per_agent: int) -> Path:
    """The workspace of the centre (reused when already built)."""
    import pyarrow as pa

    from bench.metrics import _commit, _derived, _per_agent, _to_utc
    from kefu.demo.contacts import ContactGenerator, contacts_table
    from kefu.demo.roster import build_roster
    from kefu.workspace import Workspace

    home = DATA_DIR / f"scale-{agents}x{months}-{per_agent}"
    done = home / "built.json"
    if done.is_file():
        Workspace.init(home).close()  # one built by an older Kefu gets its migrations
        return home
    ws = Workspace.init(home)
    tz = ZoneInfo(ws.timezone)
    start = np.datetime64(f"{YEAR}-01-01")
    end = (
        np.datetime64(f"{YEAR}-{months + 1:02d}-01")
        if months < 12
        else np.datetime64(f"{YEAR + 1}-01-01")
    )
    roster = build_roster(agents, start, end, SEED)
    _commit(ws, "agents", [pa.table(roster.agents_table())])
    gen = ContactGenerator(roster, SEED, volume_scale=per_agent / GENERATOR_VOLUME)
    g = np.random.default_rng(SEED)
    total = 0
    day = start
    # One batch per month: a month's contacts are held in memory at a time, not the year's.
    while day < end:
        month_end = (day.astype("datetime64[M]") + 1).astype("datetime64[D]")
        parts: list[Any] = []
        derived: dict[str, list[Any]] = {}
        while day < min(month_end, end):
            cols = contacts_table(gen.day(day), roster)
            local_day = day.astype(date)
            for c in ("offered_at", "answered_at", "ended_at"):
                cols[c] = _to_utc(cols[c], tz, local_day)
            t = pa.table(cols)
            parts.append(t)
            for name, part in _derived(g, t, str(day)).items():
                derived.setdefault(name, []).append(part)
            day += np.timedelta64(1, "D")
        _commit(ws, "contacts", parts)
        for name, derived_parts in derived.items():
            _commit(ws, name, derived_parts)
        total += sum(p.num_rows for p in parts)
    # Training, ratings and improvement items: one month's worth (October's generator).
    for name, part in _per_agent(g, roster.agent_id).items():
        _commit(ws, name, [part])
    done.write_text(json.dumps({"agents": agents, "months": months, "contacts": total}))
    ws.close()
    return home


# -- the measured process ---------------------------------------------------------


def child(home: Path, months: int) -> None:
    """Score each month then the year, in this process; print each period's results hash."""
    from kefu.scoring import score_period
    from kefu.workspace import Workspace

    hashes, seconds = {}, {}
    with Workspace.open(home) as ws:
        for period in [*months_of(months), str(YEAR)]:
            begun = time.perf_counter()
            run = score_period(ws, period, actor="bench")
            seconds[period] = round(time.perf_counter() - begun, 2)
            hashes[period] = run.results_hash
            agents = run.agents
    print(json.dumps({"results_hash": hashes, "step_seconds": seconds, "agents": agents}))


class TreePeak:
    """The peak of the summed resident memory of processes and all their descendants."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak = pids, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for pid in self.pids:
                try:
                    root = psutil.Process(pid)
                    for p in [root, *root.children(recursive=True)]:
                        total += p.memory_info().rss
                except psutil.Error:
                    continue  # a process that ended between listing and reading
            self.peak = max(self.peak, total)
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(
    home: Path, months: int, env: dict[str, str], cluster_pids: list[int]
) -> dict[str, Any]:
    """One engine's whole process: wall seconds, peak memory of its tree, its answer."""
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
                **env}  # fmt: skip
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        begun = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.scale", "--child", str(home), "--months", str(months)],
            stdout=out, stderr=err, cwd=REPO, env=full_env,
        )  # fmt: skip
        with TreePeak([proc.pid]) as own, TreePeak(cluster_pids) as cluster:
            proc.wait()
        seconds = time.perf_counter() - begun
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"scoring on {env or 'duckdb'} failed:\n{errors[-3000:]}")
    answer = json.loads(text.strip().splitlines()[-1])
    result = {"seconds": round(seconds, 2), "peak_bytes": own.peak, **answer}
    if cluster_pids:
        result["cluster_peak_bytes"] = cluster.peak
    return result


def run_size(agents: int, months: int, per_agent: int) -> dict[str, Any]:
    from bench.spark_cluster import missing, standalone_cluster

    begun = time.perf_counter()
    home = build(agents, months, per_agent)
    built = json.loads((home / "built.json").read_text())
    size: dict[str, Any] = {
        "agents": agents, "months": months, "contacts_per_agent_month": per_agent,
        "contacts": built["contacts"],
        "contacts_per_agent_month_stored": round(built["contacts"] / (agents * months)),
        "build_seconds": round(time.perf_counter() - begun, 2),
        "disk_bytes": sum(p.stat().st_size for p in home.rglob("*") if p.is_file()),
    }  # fmt: skip
    print(f"scale {agents}x{months}: built ({built['contacts']} contacts)", file=sys.stderr)
    size["duckdb"] = measure(home, months, {}, [])
    print(f"scale {agents}x{months}: duckdb {size['duckdb']['seconds']} s", file=sys.stderr)
    reason = missing()
    if reason:
        size["spark"] = {"skipped": reason}
        return size
    cores = os.cpu_count() or 2
    with (
        tempfile.TemporaryDirectory() as work,
        standalone_cluster(Path(work), cores=cores, memory="4g") as cluster,
    ):
        env = {"KEFU_ENGINE": "spark", "KEFU_SPARK_MASTER": cluster.master}
        size["spark"] = measure(home, months, env, cluster.pids())
        size["spark"]["cluster"] = {"workers": 1, "cores": cores, "worker_memory": "4g"}
    print(f"scale {agents}x{months}: spark {size['spark']['seconds']} s", file=sys.stderr)
    if size["spark"]["results_hash"] != size["duckdb"]["results_hash"]:
        raise RuntimeError(f"the engines stored different results at {agents}x{months}")
    size["same_results"] = True
    size["spark_over_duckdb"] = round(size["spark"]["seconds"] / size["duckdb"]["seconds"], 2)
    return size


def run(sizes: list[int] | None = None) -> dict[str, Any]:
    """``sizes`` are agent counts (``python -m bench.run --only scale --sizes 10000``)."""
    chosen = sizes or [DEFAULT_AGENTS]
    months, per_agent = DEFAULT_MONTHS, CONTACTS_PER_AGENT_MONTH
    return {
        "what": f"kefu score of every month then the year {YEAR}, one process per engine",
        "sizes": [run_size(n, months, per_agent) for n in chosen],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--agents", type=int, default=DEFAULT_AGENTS)
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS, choices=range(1, 13))
    parser.add_argument(
        "--contacts-per-agent",
        type=int,
        default=CONTACTS_PER_AGENT_MONTH,
        help="contacts an agent handles a month (default the demo's 3000)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.months)
        return
    # bench.run imports this module afresh (this one is __main__): it reads these.
    os.environ["KEFU_BENCH_SCALE_MONTHS"] = str(args.months)
    os.environ["KEFU_BENCH_SCALE_CONTACTS"] = str(args.contacts_per_agent)
    from bench.run import run_one

    run_one("scale", [args.agents])


if __name__ == "__main__":
    main()
