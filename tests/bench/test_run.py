from __future__ import annotations

import json
from datetime import date, datetime, timedelta
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


# -- the metrics benchmark ---------------------------------------------------------

TINY = 3000  # contacts: two agents, a month of the demo's generator


@pytest.fixture(scope="module")
def tiny_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench import metrics

    saved = metrics.DATA_DIR
    metrics.DATA_DIR = tmp_path_factory.mktemp("bench-data")
    try:
        return metrics.build(TINY)
    finally:
        metrics.DATA_DIR = saved


def test_every_implementation_agrees_with_kefu_at_a_tiny_size(
    tiny_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import metrics

    monkeypatch.setattr(metrics, "DATA_DIR", tiny_home.parent)
    monkeypatch.setattr(metrics, "LEVELS_CHOSEN", ("agent",))
    impls = ("kefu", "sql-exists", "sql-window", "pandas", "polars")
    doc = metrics.run([TINY], impls=impls, repeats=1)
    entry = doc["results"][0]
    assert "aborted" not in entry, entry.get("aborted")
    row = entry["levels"]["agent"]
    for impl in impls:
        assert row[impl]["seconds"] > 0 and row[impl]["peak_bytes"] > 0
        assert len(row[impl]["all_seconds"]) == 1
    # Two agents, 15 baseline indicators each.
    assert row["figures_compared"] == 2 * len(metrics.BASELINE)
    assert row["sql"]["implementation"] in ("sql-exists", "sql-window")
    assert row["sql"]["seconds"] == min(row["sql-exists"]["seconds"], row["sql-window"]["seconds"])
    assert set(row) >= {"kefu_vs_sql", "pandas_vs_kefu", "polars_vs_kefu"}
    assert doc["goals"]["all_sizes_agreed"] is True


def test_a_size_is_aborted_when_an_implementation_disagrees(
    tiny_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import metrics

    real = metrics.measure

    def wrong_polars(impl: str, home: Path, job_path: Path, level: str) -> dict:
        got = real(impl, home, job_path, level)
        if impl == "polars":
            # One agent's FCR numerator off by one: a repeat missed.
            key = next(k for k in got["figures"] if k.endswith("|fcr_rate"))
            got["figures"][key][0] += 1
        return got

    monkeypatch.setattr(metrics, "DATA_DIR", tiny_home.parent)
    monkeypatch.setattr(metrics, "LEVELS_CHOSEN", ("agent",))
    monkeypatch.setattr(metrics, "measure", wrong_polars)
    doc = metrics.run([TINY], impls=("sql-exists", "polars"), repeats=1)
    entry = doc["results"][0]
    assert "polars differs from sql-exists at level agent in 1 figure(s)" in entry["aborted"]
    assert "|fcr_rate" in entry["aborted"]
    assert entry["levels"] == {}
    assert doc["goals"]["all_sizes_agreed"] is False


def test_agreement_is_relative_one_in_a_billion() -> None:
    from bench.metrics import agree

    a = {"A1|aht_avg": [1_000_000.0, 4000.0], "A1|contacts_handled": [12.0, None]}
    # 1e-10 relative apart (summed in another order): the same figure.
    close = {"A1|aht_avg": [1_000_000.0001, 4000.0], "A1|contacts_handled": [12.0, 0.0]}
    assert agree(a, close) == []
    # 1e-8 relative apart: different.
    far = {"A1|aht_avg": [1_000_000.01, 4000.0], "A1|contacts_handled": [12.0, 0.0]}
    assert agree(a, far) == ["A1|aht_avg: [1000000.0, 4000.0] vs [1000000.01, 4000.0]"]
    # A key one side lacks counts as zero: present with data on the other, it differs.
    assert agree(a, {"A1|aht_avg": [1_000_000.0, 4000.0]}) == [
        "A1|contacts_handled: [12.0, None] vs [0.0, 0.0]"
    ]
    # Indicators outside the baseline set are not compared.
    assert agree({"A1|csat_avg": [4.0, 1.0]}, {}) == []


def test_window_repeats_see_the_next_instant_not_a_tie(tmp_path: Path) -> None:
    """Repeats by every baseline on hand-made contacts (docs/indicators.md, rule 3).

    K1: C1 and C2 at the same instant (waybill W1, 查件), C3 the next day (W1): C1 and C2
    are repeated by C3 (within 48 h); C3 by nothing. K2: C4 (W2, 催件) and C5 without a
    waybill, 催件, 20 h later: C4 repeated by category; C5 by nothing. K3: C6 (no waybill,
    理赔) and C7 (W3, 理赔) 49 h later: outside the window. K4: C8 and C9 at the same
    instant (W4) and nothing after: a contact at the same instant is not a later one, so
    neither is repeated (``lead()`` would take each other for the next contact).
    Answered inbound contacts: 9, repeated 3 (C1, C2, C4): FCR numerator 9 - 3 = 6.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench import baselines

    def ts(day: int, hour: int) -> datetime:
        return datetime(2026, 10, day, hour)

    rows = [  # contact, customer, waybill, category, offered
        ("C1", "K1", "W1", "查件", ts(5, 10)), ("C2", "K1", "W1", "查件", ts(5, 10)),
        ("C3", "K1", "W1", "查件", ts(6, 9)), ("C4", "K2", "W2", "催件", ts(7, 8)),
        ("C5", "K2", None, "催件", ts(8, 4)), ("C6", "K3", None, "理赔", ts(9, 0)),
        ("C7", "K3", "W3", "理赔", ts(11, 1)), ("C8", "K4", "W4", "改址", ts(12, 9)),
        ("C9", "K4", "W4", "改址", ts(12, 9)),
    ]  # fmt: skip
    contacts = pa.table({
        "contact_id": [r[0] for r in rows], "agent_id": ["A1"] * 9,
        "channel": ["phone"] * 9, "direction": ["in"] * 9,
        "customer_id": [r[1] for r in rows], "waybill_no": [r[2] for r in rows],
        "category": [r[3] for r in rows], "offered_at": [r[4] for r in rows],
        "answered_at": [r[4] + timedelta(seconds=5) for r in rows],
        "ended_at": [r[4] + timedelta(seconds=65) for r in rows],
        "talk_seconds": [60.0] * 9, "hold_seconds": [None] * 9, "acw_seconds": [None] * 9,
        "transferred": [False] * 9, "resolved": [True] * 9,
    })  # fmt: skip
    tickets = pa.table({
        "agent_id": ["A1"], "created_at": [ts(5, 10)], "due_at": [ts(6, 10)],
        "closed_at": [ts(5, 12)],
    })  # fmt: skip
    agents = pa.table({
        "agent_id": ["A1"], "team": ["T1"], "site": ["S1"],
        "valid_from": [date(2026, 1, 1)], "hire_date": [date(2025, 1, 1)],
    })  # fmt: skip
    files = {}
    for name, table in (("contacts", contacts), ("tickets", tickets), ("agents", agents)):
        pq.write_table(table, tmp_path / f"{name}.parquet")
        files[name] = [str(tmp_path / f"{name}.parquet")]
    job = {
        **files, "level": "agent", "start": "2026-09-30T16:00:00",
        "end": "2026-10-31T16:00:00", "offset_hours": 8, "as_of": "2026-11-20T00:00:00",
    }  # fmt: skip
    for impl in ("sql-exists", "sql-window", "polars", "pandas"):
        got = baselines.compute(job, impl)
        assert got["A1|fcr_rate"] == [6.0, 9.0], impl
        assert got["A1|contacts_handled"][0] == 9.0, impl
        # The ticket was closed 2 h after it was opened, due a day later: on time.
        assert got["A1|ticket_ontime_rate"] == [1.0, 1.0], impl


def test_results_files_have_the_documented_fields() -> None:
    results = Path(bench.RESULTS_DIR)
    metrics_doc = json.loads((results / "metrics.json").read_text(encoding="utf-8"))
    assert {"machine", "method", "repeats", "goals", "results"} <= set(metrics_doc)
    assert "load_average_at_start_1_5_15" in metrics_doc["machine"]
    sizes = {r["agents"]: r for r in metrics_doc["results"]}
    assert {120, 1000} <= set(sizes)
    for entry in sizes.values():
        for row in entry["levels"].values():
            assert {"kefu-all", "kefu", "sql-exists", "sql-window", "sql", "polars"} <= set(row)
            assert row["sql"]["implementation"] in ("sql-exists", "sql-window")
    web_doc = json.loads((results / "web.json").read_text(encoding="utf-8"))
    assert {"machine", "clients", "runs", "goals"} <= set(web_doc)
    assert {r["agents"] for r in web_doc["runs"]} >= {120, 10_000}
    for run_entry in web_doc["runs"]:
        assert set(run_entry["pages"]) == {"overview", "team_table", "agent_sheet", "records",
                                           "monitor"}  # fmt: skip
        for page in run_entry["pages"].values():
            for clients in (1, 20):
                figures = page[f"clients_{clients}"]
                assert {"p50_seconds", "p95_seconds", "p99_seconds", "requests_per_second",
                        "error_count"} <= set(figures)  # fmt: skip


# -- the web benchmark -------------------------------------------------------------


def test_percentiles_are_nearest_rank_over_every_request() -> None:
    from bench.web import stats

    # 20 requests of 10 ms, 20 ms, … 200 ms, one of them a 500 answer.
    samples = [("agent_sheet", (i + 1) / 100, "500" if i == 3 else "200") for i in range(20)]
    got = stats(samples, seconds=4.0)
    # Nearest rank: p50 is the 10th of 20 (0.10 s), p95 the 19th (0.19 s), p99 the 20th.
    assert (got["p50_seconds"], got["p95_seconds"], got["p99_seconds"]) == (0.1, 0.19, 0.2)
    assert got["max_seconds"] == 0.2
    # 19 answered in 4 s.
    assert got["requests_per_second"] == 4.75
    assert got["errors"] == {"500": 1} and got["error_count"] == 1
    assert stats([], seconds=1.0)["p95_seconds"] is None


def test_web_benchmark_runs_end_to_end_on_a_tiny_centre(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import web

    monkeypatch.setattr(web, "DATA_DIR", tmp_path)
    monkeypatch.setattr(web, "SECONDS", 0.3)
    monkeypatch.setattr(web, "CLIENTS", [1, 2])
    monkeypatch.setattr(web, "LARGE_AGENTS", 4)
    monkeypatch.setattr(web, "LARGE_VOLUME", 0.3)
    monkeypatch.setattr(web, "MONTHS", 2)  # the first published, the second under way
    doc = web.run([6])
    run_entry = doc["runs"][0]
    assert run_entry["agents"] == 6 and run_entry["volume_scale"] == 0.3
    assert "scaled" in run_entry["note"]
    assert set(run_entry["pages"]) == set(web.PAGES)
    for page in run_entry["pages"].values():
        assert page["first_request_status"] == "200", page
        for clients in (1, 2):
            figures = page[f"clients_{clients}"]
            assert figures["requests"] >= 1 and figures["error_count"] == 0, figures
    assert run_entry["by_role"]["overall"]["error_count"] == 0
    assert doc["goals"]["no_errors"] is True


# -- the README's tables -----------------------------------------------------------


def test_readme_tables_are_written_from_the_results_files(tmp_path: Path) -> None:
    from bench import readme

    timing = {"seconds": 1.5, "peak_bytes": 2**30}
    row = {
        "kefu-all": {"seconds": 3.0, "peak_bytes": 3 * 2**29}, "kefu": timing,
        "sql-exists": {"seconds": 1.2, "peak_bytes": 1}, "sql-window": {"seconds": 1.4,
        "peak_bytes": 1}, "pandas": {"seconds": 12.0, "peak_bytes": 1},
        "polars": {"seconds": 0.9, "peak_bytes": 1},
        "sql": {"implementation": "sql-exists", "seconds": 1.2}, "kefu_vs_sql": 1.25,
        "kefu_all_vs_sql": 2.5,
    }  # fmt: skip
    machine = {"date": "2026-12-02T18:00:00+00:00", "cores_available": 2,
               "load_average_at_start_1_5_15": [3.5, 3.0, 2.0]}  # fmt: skip
    metrics_doc = {"machine": machine, "results": [
        {"size": 360_000, "agents": 120, "contacts": 371_000, "levels": {"agent": row}},
        {"size": 3_000_000, "agents": 1000, "contacts": 3_100_000, "levels": {},
         "aborted": "polars differs from kefu"},
    ]}  # fmt: skip
    figures = {"p50_seconds": 0.05, "p95_seconds": 0.12, "p99_seconds": 0.2,
               "requests_per_second": 18.25, "error_count": 0}  # fmt: skip
    page = {"first_request_seconds": 0.9, "clients_1": figures, "clients_20": figures}
    web_doc = {"machine": machine, "clients": [1, 20], "runs": [
        {"agents": 120, "contacts_per_agent_month": 3050, "pages": {"monitor": page}}]}  # fmt: skip
    (tmp_path / "metrics.json").write_text(json.dumps(metrics_doc), encoding="utf-8")
    (tmp_path / "web.json").write_text(json.dumps(web_doc), encoding="utf-8")
    text = "before\n<!-- bench:metrics -->\nold figures\n<!-- /bench:metrics -->\nafter\n" \
           "<!-- bench:web -->\n<!-- /bench:web -->\n"  # fmt: skip
    out = readme.render(text, tmp_path)
    assert out.startswith("before\n<!-- bench:metrics -->\nMeasured 2026-12-02 18:00 UTC on 2 "
                          "cores at a load average of 3.5 (1 min)")  # fmt: skip
    assert "old figures" not in out and "\nafter\n" in out
    # The faster SQL in bold; 3 × 2**29 bytes = 1.5 GiB.
    assert ("| 120 (0.37 M) | agent | 3.00 s | 1.50 s | **1.20 s** | 1.40 s | 12.0 s | 0.90 s "
            "| 2.50 | 1.25 | 1.5 GiB |") in out  # fmt: skip
    assert "| 1,000 (3.10 M) | — | aborted: polars differs from kefu |" in out
    assert ("| 120 (3,050) | monitor | 900 ms | 50 ms / 120 ms / 200 ms | 18.2 | "
            "50 ms / 120 ms / 200 ms | 18.2 | 0 |") in out  # fmt: skip
    assert readme.render(out, tmp_path) == out


def test_kefu_json_is_read_past_duckdbs_progress_bar() -> None:
    from bench.metrics import _kefu_figures

    row = '{"key": "KF1", "indicator": "aht_avg", "numerator": 600.0, "denominator": 2}'
    out = f"\r 32% ▕████▏ (~4 seconds remaining) \r100% ▕█████▏\n[\n  {row}\n]\n"
    assert _kefu_figures(out) == {"KF1|aht_avg": [600.0, 2]}
