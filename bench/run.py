"""``make bench``: run every benchmark module and write ``bench/results/<name>.json``.

    python -m bench.run                                 # everything, default sizes
    python -m bench.run --only ingest --sizes 1000000   # one benchmark, one size

``KEFU_BENCH_SIZES=1000000,10000000`` sets the sizes as well (the option wins).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
from typing import Any

from bench import BENCH_DIR, RESULTS_DIR
from bench.machine import machine_info

# Modules of the package that are not benchmarks.
NOT_BENCHMARKS = {"run", "machine", "baselines", "readme", "spark_cluster"}


def benchmarks() -> list[str]:
    """Names of the benchmark modules present (each has a ``run`` function)."""
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(BENCH_DIR)]) if m.name not in NOT_BENCHMARKS
    )
    return [
        n for n in names if callable(getattr(importlib.import_module(f"bench.{n}"), "run", None))
    ]


def parse_sizes(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise SystemExit(
            f"--sizes must be whole numbers separated by commas, not '{text}'"
        ) from None
    if not sizes or any(s <= 0 for s in sizes):
        raise SystemExit("--sizes must be positive")
    return sizes


def run_one(name: str, sizes: list[int] | None) -> dict[str, Any]:
    module = importlib.import_module(f"bench.{name}")
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    begun = time.perf_counter()
    results = module.run(sizes)
    document = {
        "benchmark": name,
        "machine": {**machine_info(), "load_average_at_start_1_5_15": load_at_start},
        "total_seconds": round(time.perf_counter() - begun, 2),
        **results,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{name}: results in {path}")
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--sizes", help="comma-separated problem sizes, e.g. 1000000,10000000")
    args = parser.parse_args(argv)
    present = benchmarks()
    chosen = [n.strip() for n in args.only.split(",")] if args.only else present
    unknown = sorted(set(chosen) - set(present))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; present: {', '.join(present)}",
              file=sys.stderr)  # fmt: skip
        return 2
    sizes = parse_sizes(args.sizes or os.environ.get("KEFU_BENCH_SIZES"))
    for name in chosen:
        run_one(name, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
