"""Indicator engine speed, whole process: ``kefu metrics`` against SQL, pandas and Polars.

For each size (contacts in the month; default 360 k and 3 M = the demo centre's
120 agents and 1,000 agents at the demo's ~3,000 contacts per agent a month)
a workspace is built once under ``bench/data/metrics-<size>/``: the roster
and the contacts come from the demo generator (:mod:`kefu.demo`), converted
to the stored form (naive UTC, float seconds); tickets, QA evaluations,
surveys, complaints, errors, praise, training, ratings and improvement items
are generated in proportion, straight into canonical Parquet.

Every implementation runs as its **own process**, timed from start to exit
(cold start, imports, reading the files), with its peak resident memory:

- ``kefu-all``: ``kefu metrics --period 2026-10 --level L --format json`` (every indicator);
- ``kefu``: the same with ``-i`` for each indicator of the *baseline set* — the
  contact and ticket indicators (FRT per channel, within target, AHT per
  channel, FCR with repeats, contacts handled, short contacts, ticket on-time),
  which read > 95 % of the rows;
- ``sql-exists``, ``sql-window``, ``pandas``, ``polars``: the baseline set
  written by hand (:mod:`bench.baselines`); the faster SQL is reported as ``sql``.

Every implementation's figures must agree with ``kefu``'s, per key and indicator
within a relative 1e-9, or the size is aborted and no time of it is recorded.
Each is run ``KEFU_BENCH_METRICS_REPEATS`` times (default 3) and the best kept;
``KEFU_BENCH_METRICS_LEVELS`` picks the levels (default agent,team,centre).

Goal (issue 13): whole-process ``kefu metrics`` on the demo centre within 1.5 × the
hand-written SQL.

    python -m bench.run --only metrics --sizes 360000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench import DATA_DIR

DEFAULT_SIZES = [360_000, 3_000_000]
CONTACTS_PER_AGENT_MONTH = 3000
DEMO_AGENTS = 120
SEED = 2026
MONTH = "2026-10"
LEVELS = ("agent", "team", "centre")
GOAL_SQL_RATIO = 1.5
AS_OF = datetime(2026, 11, 20)
CHANNELS = ("phone", "chat", "email", "other")
BASELINE = (
    "frt_avg",
    *(f"frt_avg.{c}" for c in CHANNELS),
    "frt_within_target",
    "aht_avg",
    *(f"aht_avg.{c}" for c in CHANNELS),
    "fcr_rate",
    "contacts_handled",
    "short_contact_rate",
    "ticket_ontime_rate",
)


# -- data -----------------------------------------------------------------------


def _commit(ws: Any, table: str, parts: list[Any]) -> None:
    """Commit Arrow tables of canonical columns as one batch (as an import would)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kefu.store.catalog import BatchState, ImportBatch
    from kefu.store.tables import TABLES, arrow_schema

    spec = TABLES[table]
    schema = arrow_schema(spec)
    with ws.db.transaction() as s:
        batch = ImportBatch(
            table_name=table, source="bench", source_file=f"{table}.parquet",
            file_sha256=f"bench-{table}", state=BatchState.PENDING, files=[],
        )  # fmt: skip
        s.add(batch)
        s.flush()
        batch_id = batch.id
    files, rows = [], 0
    for i, part in enumerate(parts):
        n = part.num_rows
        if table == "surveys":
            # An import scores each comment once and stores it with the model's tag, so
            # computing never loads the model; the benchmark's surveys are stored alike.
            from kefu.ingest.sentiment import columns

            for name, column in columns(part.column("comment")).items():
                part = part.append_column(name, column)
        cols = {}
        for f in schema:
            if f.name in part.column_names:
                cols[f.name] = part.column(f.name).cast(f.type)
            elif f.name == "source":
                cols[f.name] = pa.array(["bench"] * n, pa.string())
            elif f.name == "batch_id":
                cols[f.name] = pa.array(np.full(n, batch_id), pa.int64())
            elif f.name == "source_file":
                cols[f.name] = pa.array([f"{table}.parquet"] * n, pa.string())
            elif f.name == "source_row":
                cols[f.name] = pa.array(np.arange(rows + 2, rows + n + 2), pa.int64())
            else:
                cols[f.name] = pa.nulls(n, f.type)
        path = ws.facts.batch_file(table, batch_id, i)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(cols, schema=schema), path)
        files.append(str(path.relative_to(ws.facts.root)))
        rows += n
    with ws.db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        batch.files, batch.accepted, batch.new = files, rows, rows
        batch.state = BatchState.COMMITTED
        batch.committed_at = datetime.now(UTC)


def _to_utc(arr: Any, tz: ZoneInfo, day: date) -> Any:
    """Demo local wall-clock timestamps → stored naive-UTC microseconds."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offset = tz.utcoffset(datetime.combine(day, datetime.min.time()))
    assert offset is not None
    shifted = pc.subtract(arr.cast(pa.timestamp("us")), pa.scalar(offset, pa.duration("us")))
    return shifted.cast(pa.timestamp("us"))


def build(size: int) -> Path:
    """The workspace for ``size`` contacts (reused when already built)."""
    import pyarrow as pa

    from kefu.demo.contacts import ContactGenerator, contacts_table
    from kefu.demo.roster import build_roster
    from kefu.workspace import Workspace

    home = DATA_DIR / f"metrics-{size}"
    done = home / "built.json"
    if done.is_file():
        Workspace.init(home).close()  # one built by an older Kefu gets its migrations
        return home
    agents = max(2, math.ceil(size / CONTACTS_PER_AGENT_MONTH))
    ws = Workspace.init(home)
    tz = ZoneInfo(ws.timezone)
    start, end = np.datetime64("2026-10-01"), np.datetime64("2026-11-03")
    roster = build_roster(agents, start, end, SEED)
    _commit(ws, "agents", [pa.table(roster.agents_table())])
    gen = ContactGenerator(roster, SEED, volume_scale=size / (agents * CONTACTS_PER_AGENT_MONTH))
    g = np.random.default_rng(SEED)
    contact_parts: list[Any] = []
    derived: dict[str, list[Any]] = {}
    day = start
    while day < end:
        cols = contacts_table(gen.day(day), roster)
        local_day = day.astype(date)
        for c in ("offered_at", "answered_at", "ended_at"):
            cols[c] = _to_utc(cols[c], tz, local_day)
        t = pa.table(cols)
        contact_parts.append(t)
        for name, part in _derived(g, t, str(day)).items():
            derived.setdefault(name, []).append(part)
        day += np.timedelta64(1, "D")
    _commit(ws, "contacts", contact_parts)
    for name, parts in derived.items():
        _commit(ws, name, parts)
    for name, part in _per_agent(g, roster.agent_id).items():
        _commit(ws, name, [part])
    total = sum(p.num_rows for p in contact_parts)
    done.write_text(json.dumps({"size": size, "agents": agents, "contacts": total}))
    ws.close()
    return home


COMMENTS = ("服务很好，非常满意", "太慢了，等了很久", "态度很差", "还可以", "问题解决了，谢谢",
            "一直没人处理，很生气", "专业耐心", "物流信息不准确")  # fmt: skip


def _derived(g: np.random.Generator, contacts: Any, tag: str) -> dict[str, Any]:
    """Records that follow from one day of answered contacts, in typical proportions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    answered = contacts.filter(pc.is_valid(contacts.column("answered_at")))
    n = answered.num_rows
    agent = answered.column("agent_id").to_numpy(zero_copy_only=False)
    at = answered.column("answered_at").to_numpy().astype("datetime64[us]")

    def pick(rate: float) -> np.ndarray:
        return np.flatnonzero(g.random(n) < rate)

    def ids(prefix: str, k: int) -> pa.Array:
        return pa.array([f"{prefix}{tag}-{i}" for i in range(k)], pa.string())

    hours = np.timedelta64(3600 * 10**6, "us")
    out = {}
    i = pick(0.10)
    due = np.where(g.random(len(i)) < 0.4, at[i] + 24 * hours, np.datetime64("NaT"))
    closed = at[i] + (g.exponential(20, len(i)) * 3600 * 10**6).astype("timedelta64[us]")
    out["tickets"] = pa.table({
        "ticket_id": ids("T", len(i)), "agent_id": agent[i], "created_at": at[i],
        "due_at": pa.array(due, pa.timestamp("us"), mask=np.isnat(due)),
        "closed_at": pa.array(closed, pa.timestamp("us"), mask=g.random(len(i)) < 0.08),
        "category": np.array(["查件", "催件", "理赔", "改址"])[g.integers(0, 4, len(i))],
    })  # fmt: skip
    i = pick(0.02)
    checked = g.integers(1, 5, len(i))
    out["qa_evaluations"] = pa.table({
        "evaluation_id": ids("Q", len(i)), "agent_id": agent[i], "evaluated_at": at[i] + hours,
        "compliance_score": g.uniform(60, 100, len(i)), "info_checked": checked,
        "info_correct": np.minimum(checked, g.integers(0, 5, len(i))),
    })  # fmt: skip
    i = pick(0.08)
    k = len(i)
    out["surveys"] = pa.table({
        "survey_id": ids("S", k), "agent_id": agent[i], "responded_at": at[i] + hours,
        "csat": pa.array(g.integers(1, 6, k), pa.int64(), mask=g.random(k) < 0.3),
        "nps": pa.array(g.integers(0, 11, k), pa.int64(), mask=g.random(k) < 0.5),
        "comment": pa.array(np.array(COMMENTS)[g.integers(0, len(COMMENTS), k)],
                            pa.string(), mask=g.random(k) < 0.6),
    })  # fmt: skip
    i = pick(0.003)
    out["complaints"] = pa.table({
        "complaint_id": ids("P", len(i)), "agent_id": agent[i], "received_at": at[i] + hours,
        "attributed": g.random(len(i)) < 0.6,
        "status": np.array(["open", "upheld", "rejected", "overturned"])[
            g.integers(0, 4, len(i))],
    })  # fmt: skip
    i = pick(0.002)
    out["operation_errors"] = pa.table(
        {"error_id": ids("E", len(i)), "agent_id": agent[i], "occurred_at": at[i]}
    )
    i = pick(0.001)
    out["praise"] = pa.table(
        {"praise_id": ids("G", len(i)), "agent_id": agent[i], "received_at": at[i]}
    )
    return out


def _per_agent(g: np.random.Generator, agent_ids: np.ndarray) -> dict[str, Any]:
    import pyarrow as pa

    n = len(agent_ids)
    days = np.datetime64("2026-10-01") + g.integers(0, 31, 4 * n).astype("timedelta64[D]")
    four = np.repeat(agent_ids, 4)
    return {
        "training": pa.table({
            "record_id": [f"R{i}" for i in range(4 * n)], "agent_id": four, "held_on": days,
            "required": g.random(4 * n) < 0.8, "attended": g.random(4 * n) < 0.9,
            "exam_score": g.uniform(50, 100, 4 * n),
        }),
        "ratings": pa.table({
            "rating_id": [f"W{i}" for i in range(4 * n)], "agent_id": four, "rated_on": days,
            "rater_role": np.array(["supervisor", "peer", "peer", "self"])[np.arange(4 * n) % 4],
            "score": g.uniform(40, 100, 4 * n),
        }),
        "improvement_items": pa.table({
            "item_id": [f"I{i}" for i in range(n)], "agent_id": agent_ids, "due_on": days[:n],
            "completed_on": days[:n] - g.integers(-3, 10, n).astype("timedelta64[D]"),
        }),
    }  # fmt: skip


# -- measuring -------------------------------------------------------------------

Figures = dict[str, list[float | None]]  # "key|indicator" → [numerator, denominator]

# What is measured, each as its own process from start to exit (Python's start,
# imports and, for Kefu, opening the workspace included):
IMPLEMENTATIONS = ("kefu-all", "kefu", "sql-exists", "sql-window", "pandas", "polars")
REFERENCE = "kefu"  # the figures every other implementation must agree with
SQL_VARIANTS = ("sql-exists", "sql-window")
RELATIVE_TOLERANCE = 1e-9
REPO = DATA_DIR.parent.parent
KEFU_MAIN = "import sys; from kefu.cli import main; sys.argv[0] = 'kefu'; main()"
REPEATS = int(os.environ.get("KEFU_BENCH_METRICS_REPEATS", "3"))
LEVELS_CHOSEN = tuple(
    x.strip() for x in os.environ.get("KEFU_BENCH_METRICS_LEVELS", ",".join(LEVELS)).split(",")
)


class Disagreement(Exception):
    """An implementation's figures differ from Kefu's: the size's timings do not count."""


def job(home: Path, level: str) -> dict[str, Any]:
    """What a baseline process needs: the committed files, the month's bounds, the level."""
    from kefu.periods import Period
    from kefu.workspace import Workspace

    ws = Workspace.open(home)
    try:
        files = {t: [str(p) for p in ws.facts.committed_files(t)]
                 for t in ("contacts", "tickets", "agents")}  # fmt: skip
        start, end = Period.parse(MONTH).utc_bounds(ws.timezone)
        offset = ZoneInfo(ws.timezone).utcoffset(start)
    finally:
        ws.close()
    assert offset is not None
    return {
        **files, "level": level, "start": start.isoformat(), "end": end.isoformat(),
        # One offset for the month: the workspace's zone (Asia/Shanghai) keeps UTC+8 all year.
        "offset_hours": offset.total_seconds() / 3600, "as_of": AS_OF.isoformat(),
    }  # fmt: skip


def command(impl: str, home: Path, job_path: Path, level: str) -> list[str]:
    if impl in ("kefu-all", "kefu"):
        chosen = [] if impl == "kefu-all" else [a for i in BASELINE for a in ("-i", i)]
        return [sys.executable, "-c", KEFU_MAIN, "metrics", "--period", MONTH, "--level", level,
                "--format", "json", "--home", str(home), *chosen]  # fmt: skip
    return [sys.executable, "-m", "bench.baselines", str(job_path), impl]


def _kefu_figures(text: str) -> Figures:
    # DuckDB draws its progress bar on standard output when a query runs for more than
    # two seconds, even into a file, ahead of the JSON: the JSON starts at a line "[".
    start = text.find("[\n")
    rows = json.loads(text[start:] if start >= 0 else text)
    return {f"{r['key']}|{r['indicator']}": [r["numerator"], r["denominator"]] for r in rows}


def measure(impl: str, home: Path, job_path: Path, level: str) -> dict[str, Any]:
    """Run one implementation as a fresh process: wall seconds, peak memory, figures."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        begun = time.perf_counter()
        proc = subprocess.Popen(command(impl, home, job_path, level), stdout=out, stderr=err,
                                cwd=REPO, env=env)  # fmt: skip
        # wait4 reaps the child and gives its own peak resident memory.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - begun
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{impl} at {level} failed:\n{errors[-3000:]}")
    result: dict[str, Any] = {"seconds": seconds, "peak_bytes": usage.ru_maxrss * 1024}
    try:
        if impl.startswith("kefu"):
            result["figures"] = _kefu_figures(text)
        else:
            answer = json.loads(text)
            result["figures"] = answer["figures"]
            result["compute_seconds"] = answer["compute_seconds"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(
            f"{impl} at {level} answered no figures ({exc}): {text[:300]!r}; "
            f"its errors: {errors[-1500:]}"
        ) from None
    return result


def agree(a: Figures, b: Figures, indicators: tuple[str, ...] = BASELINE) -> list[str]:
    """Differences between two figure sets, per key and indicator, on the keys either has.

    Numerators and denominators must match within a relative 1e-9 (sums of seconds
    added in another order differ in the last bits); a missing figure or a null
    counts as 0. ``contacts_handled`` has no denominator.
    """
    issues = []
    wanted = set(indicators)
    keys = {k for k in set(a) | set(b) if k.rsplit("|", 1)[1] in wanted}
    for k in sorted(keys):
        x, y = a.get(k, [0.0, 0.0]), b.get(k, [0.0, 0.0])
        ind = k.rsplit("|", 1)[1]
        pairs = [(x[0], y[0])] if ind == "contacts_handled" else list(zip(x, y, strict=True))
        for p, q in pairs:
            p, q = float(p or 0.0), float(q or 0.0)
            if abs(p - q) > RELATIVE_TOLERANCE * max(1.0, abs(p), abs(q)):
                issues.append(f"{k}: {x} vs {y}")
                break
    return issues


def _timing(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = min(runs, key=lambda r: r["seconds"])
    out: dict[str, Any] = {
        "seconds": round(best["seconds"], 3),
        "all_seconds": [round(r["seconds"], 3) for r in runs],
        "peak_bytes": max(r["peak_bytes"] for r in runs),
    }
    if "compute_seconds" in best:
        out["compute_seconds"] = round(best["compute_seconds"], 3)
    return out


def measure_level(
    home: Path, level: str, impls: tuple[str, ...], repeats: int = REPEATS
) -> dict[str, Any]:
    """Every implementation ``repeats`` times, best kept; raise :class:`Disagreement` first."""
    job_path = home / f"job-{level}.json"
    job_path.write_text(json.dumps(job(home, level)), encoding="utf-8")
    reference = REFERENCE if REFERENCE in impls else impls[0]
    runs: dict[str, list[dict[str, Any]]] = {i: [] for i in impls}
    compared = 0
    for round_no in range(repeats):
        for impl in impls:
            runs[impl].append(measure(impl, home, job_path, level))
        if round_no == 0:
            # Checked before any more time is spent: figures that differ make every time moot.
            expected = runs[reference][0]["figures"]
            compared = sum(1 for k in expected if k.rsplit("|", 1)[1] in BASELINE)
            for impl in impls:
                issues = agree(expected, runs[impl][0]["figures"])
                if issues:
                    raise Disagreement(
                        f"{impl} differs from {reference} at level {level} in "
                        f"{len(issues)} figure(s), e.g. {'; '.join(issues[:3])}"
                    )
        for impl in impls:
            runs[impl][-1].pop("figures")
    row: dict[str, Any] = {impl: _timing(r) for impl, r in runs.items()}
    row["figures_compared"] = compared
    sqls = [i for i in SQL_VARIANTS if i in row]
    if sqls:
        fastest = min(sqls, key=lambda i: row[i]["seconds"])
        row["sql"] = {"implementation": fastest, **row[fastest]}

    def ratio(a: str, b: str) -> float | None:
        return round(row[a]["seconds"] / row[b]["seconds"], 2) if a in row and b in row else None

    row["kefu_vs_sql"] = ratio("kefu", "sql")
    row["kefu_all_vs_sql"] = ratio("kefu-all", "sql")
    row["pandas_vs_kefu"] = ratio("pandas", "kefu")
    row["polars_vs_kefu"] = ratio("polars", "kefu")
    return row


def run(sizes: list[int] | None = None, impls: tuple[str, ...] = IMPLEMENTATIONS,
        repeats: int = REPEATS) -> dict[str, Any]:  # fmt: skip
    results = []
    # pandas and Polars hold the contacts in memory: once one's peak, scaled from the last
    # size it ran at, would not fit in this machine's memory, it is not started (it would
    # only be killed, perhaps taking others with it) and the reason is recorded instead.
    peak_per_contact: dict[tuple[str, str], float] = {}
    for size in sizes or DEFAULT_SIZES:
        begun = time.perf_counter()
        home = build(size)
        built = json.loads((home / "built.json").read_text())
        entry: dict[str, Any] = {
            "size": size, "contacts": built["contacts"], "agents": built["agents"],
            "contacts_per_agent": round(built["contacts"] / built["agents"]),
            "build_seconds": round(time.perf_counter() - begun, 1), "levels": {},
            "measured": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_average_at_start_1_5_15": [round(x, 2) for x in os.getloadavg()],
        }  # fmt: skip
        try:
            for level in LEVELS_CHOSEN:
                skipped = {}
                for impl in ("pandas", "polars"):
                    need = peak_per_contact.get((impl, level), 0.0) * built["contacts"]
                    if impl in impls and need > 0.85 * _machine_ram():
                        skipped[impl] = {"skipped": (
                            f"not run: {impl} would need about {need / 2**30:.0f} GiB here (its "
                            f"peak per contact at the previous size), more than this machine's "
                            f"{_machine_ram() / 2**30:.0f} GiB")}  # fmt: skip
                chosen = tuple(i for i in impls if i not in skipped)
                try:
                    row = {**measure_level(home, level, chosen, repeats), **skipped}
                except RuntimeError as exc:
                    # A process that failed is recorded; the other levels still run.
                    entry["levels"][level] = {"error": str(exc)}
                    print(f"metrics {size} {level}: {exc}", file=sys.stderr, flush=True)
                    continue
                for impl in ("pandas", "polars"):
                    if impl in chosen:
                        peak = row[impl]["peak_bytes"] / built["contacts"]
                        peak_per_contact[(impl, level)] = peak
                entry["levels"][level] = row
                print(f"metrics {size} {level}: " + json.dumps(row), flush=True)
        except Disagreement as exc:
            # The figures differ: no time of this size counts (the levels already
            # measured agreed, but the size is reported as aborted as a whole).
            entry = {**entry, "levels": {}, "aborted": str(exc)}
            print(f"metrics {size}: aborted: {exc}", file=sys.stderr, flush=True)
        results.append(entry)
    same, earlier = kept_results({r["size"] for r in results})
    results = sorted(results + same, key=lambda r: r["size"])
    return {
        "month": MONTH,
        "method": METHOD,
        "repeats": repeats,
        "baseline_indicators": list(BASELINE),
        "goals": goals(results),
        "results": results,
        "earlier_results": earlier,
    }


METHOD = (
    "each implementation runs as its own process, timed from start to exit (Python's "
    "start, imports and opening the files included); best of the repeats, all kept. "
    "kefu-all: `kefu metrics --period P --level L --format json` (every indicator); "
    "kefu: the same with -i for each baseline indicator; sql-exists / sql-window: one "
    "hand-written DuckDB query (repeats by a correlated EXISTS / by window functions), "
    "the faster kept as sql; pandas and polars: the baseline set as an analyst writes "
    "it. Every implementation's figures agree with kefu's (relative 1e-9) or the size "
    "is aborted."
)
EARLIER_METHOD = (
    "in-process: the child process imported its libraries (and loaded the sentiment model) "
    "before the clock started; sql is the EXISTS query"
)


def kept_results(measured: set[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sizes of the results file that this run did not measure, kept with their date.

    Sizes take long: a run at some sizes keeps the others rather than dropping the only
    figures there are. Those measured the same way stay among the results (each entry
    says when and at what load it was measured); those of an earlier method go to
    ``earlier_results`` with their method.
    """
    path = DATA_DIR.parent / "results" / "metrics.json"
    if not path.is_file():
        return [], []
    old = json.loads(path.read_text(encoding="utf-8"))
    machine = old.get("machine", {})
    dated = [
        {"measured": machine.get("date"),
         "load_average_at_start_1_5_15": machine.get("load_average_at_start_1_5_15"), **r}
        for r in old.get("results", []) if r.get("size") not in measured
    ]  # fmt: skip
    earlier = [r for r in old.get("earlier_results", []) if r.get("size") not in measured]
    if old.get("method") == METHOD:
        return dated, earlier
    return [], sorted(
        [{"method": old.get("method", EARLIER_METHOD), **r} for r in dated] + earlier,
        key=lambda r: r["size"],
    )


def _machine_ram() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def goals(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Issue 13: whole-process ``kefu metrics`` within 1.5 × the hand-written SQL."""
    demo = [r for r in results if r.get("agents") == DEMO_AGENTS and "agent" in r["levels"]]
    ratio = demo[0]["levels"]["agent"].get("kefu_all_vs_sql") if demo else None
    return {
        "kefu_all_vs_sql_at_demo_centre_at_most": GOAL_SQL_RATIO,
        "kefu_all_vs_sql_at_demo_centre": ratio,
        "met": None if ratio is None else ratio <= GOAL_SQL_RATIO,
        "all_sizes_agreed": all("aborted" not in r for r in results),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.metrics")
    parser.add_argument("--sizes", help="comma-separated sizes (contacts)")
    args = parser.parse_args(argv)
    from bench.run import parse_sizes

    print(json.dumps(run(parse_sizes(args.sizes)), indent=2))


if __name__ == "__main__":
    main()
