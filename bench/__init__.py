"""Kefu benchmarks: ``make bench`` (``python -m bench.run``) runs every module here.

A benchmark module ``bench/<name>.py`` defines::

    def run(sizes: list[int] | None = None) -> dict[str, Any]

returning JSON-able results (``sizes`` overrides its default problem sizes);
:mod:`bench.run` adds the machine description and writes
``bench/results/<name>.json``. Generated input data goes to ``bench/data/``
(git-ignored) and is reused between runs.
"""

from __future__ import annotations

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
