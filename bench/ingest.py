"""Import throughput: generated contacts as CSV (UTF-8), CSV (GBK) and Parquet.

For each size (default 1 M, 10 M and 30 M contacts) and format, the file is
generated once into ``bench/data/`` (reused while its description matches),
then imported by ``kefu.ingest.import_file`` into a fresh workspace in a
**child process**, which reports the import's wall time and its own peak
resident memory (``ru_maxrss``: Python, Arrow and DuckDB together). The goals
(architecture brief): 30 M contacts from CSV in under 60 s, and under 4 GiB.

    python -m bench.run --only ingest --sizes 1000000
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import DATA_DIR

DEFAULT_SIZES = [1_000_000, 10_000_000, 30_000_000]
FORMATS = {
    # name → (file suffix, demo export format, encoding)
    "csv-utf8": (".csv", "csv", "utf-8"),
    "csv-gbk": (".csv", "csv", "gbk"),
    "parquet": (".parquet", "parquet", "utf-8"),
}
GOAL_SECONDS_30M_CSV = 60.0
GOAL_PEAK_RSS_BYTES = 4 * 2**30
GOAL_ROWS = 30_000_000
SEED = 2026
MONTH = "2026-10"
CONTACTS_PER_AGENT_MONTH = 3000


def _data_file(size: int, fmt: str) -> Path:
    suffix = FORMATS[fmt][0]
    return DATA_DIR / f"contacts-{size}-{fmt}{suffix}"


def ensure_file(size: int, fmt: str) -> tuple[Path, int, float | None]:
    """The generated file for (size, fmt): path, rows, and generation seconds (None if reused)."""
    from kefu.demo.exports import ExportFormat
    from kefu.demo.generator import write_contacts

    path = _data_file(size, fmt)
    meta_path = path.with_name(path.name + ".json")
    _, export_format, encoding = FORMATS[fmt]
    agents = max(1, math.ceil(size / CONTACTS_PER_AGENT_MONTH))
    wanted = {"size": size, "format": fmt, "agents": agents, "seed": SEED, "month": MONTH}
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("params") == wanted and meta.get("bytes") == path.stat().st_size:
            return path, int(meta["rows"]), None
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    begun = time.perf_counter()
    rows = write_contacts(
        path,
        agents=agents,
        month=MONTH,
        seed=SEED,
        fmt=ExportFormat(export_format),
        encoding=encoding,
    )
    seconds = time.perf_counter() - begun
    meta = {"params": wanted, "rows": rows, "bytes": path.stat().st_size}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return path, rows, seconds


def measure_import(path: Path) -> dict[str, Any]:
    """Import ``path`` in a child process and return what the child measured."""
    home = DATA_DIR / f"ws-{path.stem}"
    shutil.rmtree(home, ignore_errors=True)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.ingest", "--child", str(path), "--home", str(home)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(path: Path, home: Path) -> dict[str, Any]:
    """Runs in the child: a fresh workspace, one import, the clock and the memory peak."""
    from kefu.ingest import import_file
    from kefu.workspace import Workspace

    ws = Workspace.init(home)
    begun = time.perf_counter()
    result = import_file(ws, path, table="contacts", source="bench", actor="bench")
    seconds = time.perf_counter() - begun
    ws.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {
        "seconds": round(seconds, 3),
        "peak_rss_bytes": peak,
        "rows_read": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejected,
    }


def run(sizes: list[int] | None = None) -> dict[str, Any]:
    """Benchmark every size × format; see the module docstring."""
    runs: list[dict[str, Any]] = []
    for size in sizes or DEFAULT_SIZES:
        for fmt in FORMATS:
            path, rows, gen_seconds = ensure_file(size, fmt)
            print(f"ingest: {rows:,} contacts, {fmt} ({path.stat().st_size / 2**20:,.0f} MiB) …",
                  flush=True)  # fmt: skip
            measured = measure_import(path)
            entry: dict[str, Any] = {
                "size": size,
                "format": fmt,
                "rows": rows,
                "file_bytes": path.stat().st_size,
                "generate_seconds": None if gen_seconds is None else round(gen_seconds, 2),
                **measured,
            }
            if "seconds" in measured:
                entry["rows_per_second"] = round(rows / measured["seconds"]) if rows else None
                entry["peak_rss_gib"] = round(measured["peak_rss_bytes"] / 2**30, 3)
                entry["under_memory_goal"] = measured["peak_rss_bytes"] < GOAL_PEAK_RSS_BYTES
                print(f"  {measured['seconds']:.1f} s, {entry['rows_per_second']:,} rows/s, "
                      f"peak {entry['peak_rss_gib']:.2f} GiB", flush=True)  # fmt: skip
            else:
                print(f"  failed: {measured['error']}", flush=True)
            runs.append(entry)
    return {"goals": goals(runs), "runs": runs}


def goals(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Whether the goals were met; ``None`` where the runs needed were not made."""
    big_csv = [r for r in runs if r["size"] >= GOAL_ROWS and r["format"].startswith("csv")]
    measured = [r for r in runs if "seconds" in r]
    return {
        "csv_30m_under_60s": (
            all(r.get("seconds", math.inf) < GOAL_SECONDS_30M_CSV for r in big_csv)
            if big_csv
            else None
        ),
        "peak_rss_under_4gib": (
            all(r["under_memory_goal"] for r in measured) if measured else None
        ),
        "all_runs_succeeded": all("seconds" in r for r in runs),
        "goal_seconds": GOAL_SECONDS_30M_CSV,
        "goal_peak_rss_bytes": GOAL_PEAK_RSS_BYTES,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--child", type=Path, help="(internal) import this file and report")
    parser.add_argument("--home", type=Path, help="(internal) workspace for --child")
    args = parser.parse_args(argv)
    if args.child is None or args.home is None:
        parser.error("run the benchmark with `python -m bench.run --only ingest`")
    print(json.dumps(child(args.child, args.home)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
