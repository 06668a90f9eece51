from __future__ import annotations

import json
from pathlib import Path

import pytest

import bench
from bench import ingest, run


def test_ingest_is_a_benchmark_and_helpers_are_not() -> None:
    names = run.benchmarks()
    assert "ingest" in names
    assert not {"run", "machine"} & set(names)


def test_sizes_come_from_the_option_or_the_environment() -> None:
    assert run.parse_sizes("1000000, 10_000_000") == [1_000_000, 10_000_000]
    assert run.parse_sizes(None) is None
    with pytest.raises(SystemExit):
        run.parse_sizes("a lot")
    with pytest.raises(SystemExit):
        run.parse_sizes("0")


def test_unknown_benchmark_is_refused() -> None:
    assert run.main(["--only", "nonsense"]) == 2


def _run(size: int, fmt: str, seconds: float, peak_gib: float) -> dict:
    peak = int(peak_gib * 2**30)
    return {"size": size, "format": fmt, "seconds": seconds, "peak_rss_bytes": peak,
            "under_memory_goal": peak < 4 * 2**30}  # fmt: skip


def test_goals_need_the_30m_csv_runs_under_60_seconds() -> None:
    small = [_run(1_000_000, "csv-utf8", 5.0, 0.5)]
    assert ingest.goals(small)["csv_30m_under_60s"] is None
    assert ingest.goals(small)["peak_rss_under_4gib"] is True
    fast = [_run(30_000_000, "csv-utf8", 59.0, 3.9), _run(30_000_000, "csv-gbk", 59.9, 1.0)]
    assert ingest.goals(fast)["csv_30m_under_60s"] is True
    slow = [*fast, _run(30_000_000, "csv-gbk", 61.0, 1.0)]
    assert ingest.goals(slow)["csv_30m_under_60s"] is False
    # Parquet is not part of the time goal, but is part of the memory goal.
    heavy = [*fast, _run(30_000_000, "parquet", 80.0, 4.5)]
    assert ingest.goals(heavy)["csv_30m_under_60s"] is True
    assert ingest.goals(heavy)["peak_rss_under_4gib"] is False
    failed = [*fast, {"size": 30_000_000, "format": "csv-utf8", "error": ["boom"]}]
    assert ingest.goals(failed)["csv_30m_under_60s"] is False
    assert ingest.goals(failed)["all_runs_succeeded"] is False


def test_generated_files_are_reused_while_their_description_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "DATA_DIR", tmp_path)
    path, rows, seconds = ingest.ensure_file(3000, "csv-gbk")
    assert path.parent == tmp_path and seconds is not None
    assert path.read_bytes().decode("gbk").count("\n") == rows + 1
    again = ingest.ensure_file(3000, "csv-gbk")
    assert again == (path, rows, None)
    meta = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    assert meta["params"]["agents"] == 1


def test_bench_data_is_not_committed() -> None:
    ignored = (Path(bench.BENCH_DIR).parent / ".gitignore").read_text(encoding="utf-8")
    assert "bench/data/" in ignored.split()
