"""Indicator engine speed: one month, agent / team / centre, against SQL and pandas.

For each size (default 3 M, 15 M and 30 M contacts = 1 k, 5 k, 10 k agents)
a workspace is built once under ``bench/data/metrics-<size>/``: the roster
and the contacts come from the demo generator (:mod:`kefu.demo`), converted
to the stored form (naive UTC, float seconds); tickets, QA evaluations,
surveys, complaints, errors, praise, training, ratings and improvement items
are generated in proportion, straight into canonical Parquet.

Every measurement runs in a **child process** that reports its wall time and
peak resident memory (``ru_maxrss``):

- ``kefu-all``: :func:`kefu.metrics.compute` of every indicator;
- ``kefu``, ``sql``, ``pandas``: the *baseline set* — the contact and ticket
  indicators (FRT per channel, within target, AHT per channel, FCR with
  repeats, contacts handled, short contacts, ticket on-time), which read
  > 95 % of the rows — computed by the engine, by one hand-written DuckDB
  SQL query over the same Parquet files, and by a straightforward pandas
  implementation. The three must agree (asserted here, not in the tests).

Goals: the engine ≤ 1.5 × the hand-written SQL, ≥ 10 × faster than pandas,
< 6 GiB at 30 M contacts.

    python -m bench.run --only metrics --sizes 300000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from bench import DATA_DIR

DEFAULT_SIZES = [3_000_000, 15_000_000, 30_000_000]
CONTACTS_PER_AGENT_MONTH = 3000
SEED = 2026
MONTH = "2026-10"
LEVELS = ("agent", "team", "centre")
GOAL_SQL_RATIO = 1.5
GOAL_PANDAS_SPEEDUP = 10.0
GOAL_PEAK_BYTES_30M = 6 * 2**30
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


# -- the three implementations ---------------------------------------------------

Figures = dict[str, list[float | None]]  # "key|indicator" → [numerator, denominator]


def _files(home: Path, table: str) -> list[str]:
    from kefu.workspace import Workspace

    ws = Workspace.open(home)
    try:
        return [str(p) for p in ws.facts.committed_files(table)]
    finally:
        ws.close()


def _bounds() -> tuple[datetime, datetime, int]:
    from kefu.periods import Period

    start, end = Period.parse(MONTH).utc_bounds("Asia/Shanghai")
    return start, end, 8  # Shanghai: UTC+8 all year


def run_kefu(home: Path, level: str, indicators: tuple[str, ...] | None) -> Figures:
    from kefu.metrics import compute
    from kefu.workspace import Workspace

    ws = Workspace.open(home)
    try:
        figures = compute(ws, MONTH, level=level, indicators=indicators, as_of=AS_OF)
    finally:
        ws.close()
    return {f"{f.key}|{f.indicator}": [f.numerator, f.denominator] for f in figures}


# Per-row (numerator, denominator) of the baseline indicators, in SQL over the contacts.
def _contact_parts() -> dict[str, tuple[str, str]]:
    target = "CASE channel WHEN 'phone' THEN 20 WHEN 'chat' THEN 30 WHEN 'email' THEN 86400 " \
             "WHEN 'other' THEN 3600 END"  # fmt: skip
    parts = {
        "frt_avg": ("CASE WHEN inbound THEN frt ELSE 0 END", "inbound::INT"),
        "frt_within_target": (f"(inbound AND frt <= {target})::INT", "inbound::INT"),
        "aht_avg": ("coalesce(handle, 0)", "(handle IS NOT NULL)::INT"),
        "fcr_rate": (
            "(inbound AND NOT coalesce(transferred, false) AND coalesce(resolved, true) "
            "AND NOT is_repeat)::INT",
            "inbound::INT",
        ),
        "contacts_handled": ("1", "0"),
        "short_contact_rate": (
            "(channel = 'phone' AND handle <= 10)::INT",
            "(channel = 'phone' AND handle IS NOT NULL)::INT",
        ),
    }
    for ch in CHANNELS:
        parts[f"frt_avg.{ch}"] = (
            f"CASE WHEN inbound AND channel = '{ch}' THEN frt ELSE 0 END",
            f"(inbound AND channel = '{ch}')::INT",
        )
        parts[f"aht_avg.{ch}"] = (
            f"CASE WHEN channel = '{ch}' THEN coalesce(handle, 0) ELSE 0 END",
            f"(channel = '{ch}' AND handle IS NOT NULL)::INT",
        )
    return parts


def sql_text(home: Path, level: str) -> str:
    start, end, offset = _bounds()
    contacts, tickets, agents = (_files(home, t) for t in ("contacts", "tickets", "agents"))
    window_end = end + timedelta(hours=48)

    def key(alias: str, ts: str) -> tuple[str, str]:
        if level == "agent":
            return f"{alias}.agent_id", ""
        if level == "centre":
            return "'centre'", ""
        local = f"CAST({alias}.{ts} + INTERVAL {offset} HOUR AS DATE)"
        join = (
            f"LEFT JOIN asg ON asg.agent_id = {alias}.agent_id AND {local} >= asg.vf "
            f"AND (asg.vt IS NULL OR {local} < asg.vt)"
        )
        return f"asg.{level}", join

    ck, cjoin = key("c", "offered_at")
    tk, tjoin = key("t", "due_eff")
    parts = _contact_parts()
    contact_sums = ",\n".join(
        f'sum({n}) AS "{i}|n", sum({d}) AS "{i}|d"' for i, (n, d) in parts.items()
    )
    return f"""
WITH asg AS (
  SELECT agent_id, team, site, coalesce(valid_from, hire_date, DATE '1900-01-01') AS vf,
         lead(coalesce(valid_from, hire_date, DATE '1900-01-01'))
           OVER (PARTITION BY agent_id ORDER BY coalesce(valid_from, hire_date)) AS vt
  FROM read_parquet({agents})
),
c AS (
  SELECT contact_id, agent_id, channel, customer_id, waybill_no, category, offered_at,
         transferred, resolved, coalesce(direction, 'in') = 'in' AS inbound,
         date_diff('microsecond', offered_at, answered_at) / 1e6 AS frt,
         CASE WHEN talk_seconds IS NOT NULL
              THEN talk_seconds + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0)
              ELSE date_diff('microsecond', answered_at, ended_at) / 1e6
                   + coalesce(acw_seconds, 0) END AS handle
  FROM read_parquet({contacts})
  WHERE agent_id IS NOT NULL AND answered_at IS NOT NULL
    AND offered_at >= TIMESTAMP '{start}' AND offered_at < TIMESTAMP '{end}'
),
later AS (
  SELECT customer_id, waybill_no, category, offered_at FROM read_parquet({contacts})
  WHERE customer_id IS NOT NULL AND coalesce(direction, 'in') = 'in'
    AND offered_at > TIMESTAMP '{start}' AND offered_at <= TIMESTAMP '{window_end}'
),
rep AS (
  SELECT a.contact_id FROM c a
  WHERE a.inbound AND a.customer_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM later b WHERE b.customer_id = a.customer_id
      AND b.offered_at > a.offered_at AND b.offered_at <= a.offered_at + INTERVAL 48 HOUR
      AND CASE WHEN a.waybill_no IS NOT NULL AND b.waybill_no IS NOT NULL
               THEN a.waybill_no = b.waybill_no ELSE a.category = b.category END)
),
cs AS (
  SELECT k, {contact_sums} FROM (
    SELECT c.*, {ck} AS k, rep.contact_id IS NOT NULL AS is_repeat
    FROM c LEFT JOIN rep ON rep.contact_id = c.contact_id {cjoin}
  ) x WHERE k IS NOT NULL GROUP BY k
),
t AS (
  SELECT agent_id, closed_at, coalesce(due_at, created_at + INTERVAL 24 HOUR) AS due_eff
  FROM read_parquet({tickets}) WHERE agent_id IS NOT NULL
),
ts AS (
  SELECT {tk} AS k,
    sum((t.closed_at IS NOT NULL AND t.closed_at <= t.due_eff)::INT) AS "ticket_ontime_rate|n",
    sum((t.closed_at IS NOT NULL OR t.due_eff < TIMESTAMP '{AS_OF}')::INT)
      AS "ticket_ontime_rate|d"
  FROM t {tjoin}
  WHERE t.due_eff >= TIMESTAMP '{start}' AND t.due_eff < TIMESTAMP '{end}' AND {tk} IS NOT NULL
  GROUP BY 1
)
SELECT * FROM cs FULL OUTER JOIN ts USING (k)
"""


def _wide_to_figures(rows: list[dict[str, Any]]) -> Figures:
    out: Figures = {}
    for row in rows:
        for col, v in row.items():
            if col == "k" or v is None:
                continue
            ind, which = col.rsplit("|", 1)
            out.setdefault(f"{row['k']}|{ind}", [0.0, 0.0])[0 if which == "n" else 1] = float(v)
    return out


def run_sql(home: Path, level: str) -> Figures:
    import duckdb

    con = duckdb.connect()
    return _wide_to_figures(con.sql(sql_text(home, level)).fetch_arrow_table().to_pylist())


def run_pandas(home: Path, level: str) -> Figures:
    import pandas as pd

    start, end, offset = _bounds()
    contacts = pd.concat(pd.read_parquet(f) for f in _files(home, "contacts"))
    tickets = pd.concat(pd.read_parquet(f) for f in _files(home, "tickets"))
    agents = pd.concat(pd.read_parquet(f) for f in _files(home, "agents"))

    c = contacts[
        contacts.agent_id.notna() & contacts.answered_at.notna()
        & (contacts.offered_at >= start) & (contacts.offered_at < end)
    ].copy()  # fmt: skip
    c["inbound"] = c.direction.fillna("in") == "in"
    c["frt"] = (c.answered_at - c.offered_at).dt.total_seconds()
    span = (c.ended_at - c.answered_at).dt.total_seconds() + c.acw_seconds.fillna(0)
    talk = c.talk_seconds + c.hold_seconds.fillna(0) + c.acw_seconds.fillna(0)
    c["handle"] = talk.where(c.talk_seconds.notna(), span)
    # Repeats: same customer, later inbound contact within 48 h about the same issue.
    later = contacts[
        contacts.customer_id.notna() & (contacts.direction.fillna("in") == "in")
        & (contacts.offered_at > start) & (contacts.offered_at <= end + timedelta(hours=48))
    ][["customer_id", "waybill_no", "category", "offered_at"]]  # fmt: skip
    first = c[c.inbound & c.customer_id.notna()][
        ["contact_id", "customer_id", "waybill_no", "category", "offered_at"]
    ]
    m = first.merge(later, on="customer_id", suffixes=("", "_b"))
    both = m.waybill_no.notna() & m.waybill_no_b.notna()
    same = (both & (m.waybill_no == m.waybill_no_b)) | (~both & (m.category == m.category_b))
    hit = same & (m.offered_at_b > m.offered_at)
    hit &= m.offered_at_b <= m.offered_at + pd.Timedelta(hours=48)
    c["is_repeat"] = c.contact_id.isin(set(m.contact_id[hit]))
    c["fcr"] = (
        c.inbound & ~c.transferred.fillna(False).astype(bool)
        & c.resolved.fillna(True).astype(bool) & ~c.is_repeat
    )  # fmt: skip

    t = tickets[tickets.agent_id.notna()].copy()
    t["due_eff"] = t.due_at.fillna(t.created_at + pd.Timedelta(hours=24))
    t = t[(t.due_eff >= start) & (t.due_eff < end)].copy()

    def keyed(df: pd.DataFrame, ts: str) -> pd.DataFrame:
        if level == "agent":
            return df.assign(k=df.agent_id)
        if level == "centre":
            return df.assign(k="centre")
        a = agents.copy()
        a["vf"] = pd.to_datetime(a.valid_from.fillna(a.hire_date))
        a = a.sort_values(["agent_id", "vf"])
        a["vt"] = a.groupby("agent_id").vf.shift(-1)
        local = (df[ts] + pd.Timedelta(hours=offset)).dt.normalize()
        j = df.assign(_d=local, _i=range(len(df))).merge(
            a[["agent_id", level, "vf", "vt"]], on="agent_id", how="left"
        )
        j = j[(j._d >= j.vf) & (j.vt.isna() | (j._d < j.vt))]
        return j.rename(columns={level: "k"})

    targets = {"phone": 20.0, "chat": 30.0, "email": 86400.0, "other": 3600.0}
    c = keyed(c, "offered_at")
    target = c.channel.map(targets)
    cols = {
        "frt_avg": (c.frt.where(c.inbound, 0), c.inbound),
        "frt_within_target": (c.inbound & (c.frt <= target), c.inbound),
        "aht_avg": (c.handle.fillna(0), c.handle.notna()),
        "fcr_rate": (c.fcr, c.inbound),
        "contacts_handled": (pd.Series(1, index=c.index), pd.Series(0, index=c.index)),
        "short_contact_rate": (
            (c.channel == "phone") & (c.handle <= 10),
            (c.channel == "phone") & c.handle.notna(),
        ),
    }
    for ch in CHANNELS:
        on = c.channel == ch
        cols[f"frt_avg.{ch}"] = (c.frt.where(c.inbound & on, 0), c.inbound & on)
        cols[f"aht_avg.{ch}"] = (c.handle.fillna(0).where(on, 0), on & c.handle.notna())
    frame = pd.DataFrame({"k": c.k})
    for ind, (n, d) in cols.items():
        frame[f"{ind}|n"] = n.astype(float)
        frame[f"{ind}|d"] = d.astype(float)
    sums = frame.groupby("k").sum().reset_index()
    t = keyed(t, "due_eff")
    tf = pd.DataFrame({
        "k": t.k,
        "ticket_ontime_rate|n": (t.closed_at.notna() & (t.closed_at <= t.due_eff)).astype(float),
        "ticket_ontime_rate|d": (t.closed_at.notna() | (t.due_eff < AS_OF)).astype(float),
    }).groupby("k").sum().reset_index()  # fmt: skip
    return _wide_to_figures(
        sums.to_dict("records") + [{"k": r["k"], **r} for r in tf.to_dict("records")]
    )


# -- measuring -------------------------------------------------------------------


def _warm_up(impl: str) -> None:
    """Load libraries (and the sentiment model) before the clock starts: one-time costs."""
    import importlib

    modules = {
        "sql": ("duckdb",),
        "pandas": ("pandas", "pyarrow.parquet"),
    }.get(impl, ("ibis", "kefu.metrics", "kefu.workspace"))
    for name in modules:
        importlib.import_module(name)
    if impl == "kefu-all":
        from kefu.metrics.sentiment import sentiment

        sentiment("好")


def _child(impl: str, home: Path, level: str) -> None:
    _warm_up(impl)
    begun = time.perf_counter()
    if impl == "kefu-all":
        figures = run_kefu(home, level, None)
    elif impl == "kefu":
        figures = run_kefu(home, level, BASELINE)
    elif impl == "sql":
        figures = run_sql(home, level)
    else:
        figures = run_pandas(home, level)
    seconds = time.perf_counter() - begun
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    json.dump({"seconds": seconds, "peak_bytes": peak, "figures": figures}, sys.stdout)


def measure(impl: str, home: Path, level: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.metrics", "--child", impl, "--home", str(home),
         "--level", level],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"{impl} at {level} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def agree(a: Figures, b: Figures, indicators: tuple[str, ...]) -> list[str]:
    """Differences between two figure sets on the keys where either has data."""
    issues = []
    wanted = set(indicators)
    keys = {k for k in set(a) | set(b) if k.split("|")[1] in wanted}
    for k in sorted(keys):
        x, y = a.get(k, [0.0, 0.0]), b.get(k, [0.0, 0.0])
        ind = k.split("|")[1]
        pairs = [(x[0], y[0])] if ind == "contacts_handled" else list(zip(x, y, strict=True))
        for p, q in pairs:
            p, q = p or 0.0, q or 0.0
            if abs(p - q) > 1e-6 * max(1.0, abs(p), abs(q)):
                issues.append(f"{k}: {x} vs {y}")
                break
    return issues


def _machine_ram() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def run(sizes: list[int] | None = None) -> dict[str, Any]:
    results = []
    # pandas holds every contact in memory: once its peak, scaled from the last size it
    # ran at, would not fit in this machine's memory, it is not started (it would only be
    # killed, perhaps taking others with it) and the reason is recorded instead.
    pandas_peak_per_contact: dict[str, float] = {}
    for size in sizes or DEFAULT_SIZES:
        begun = time.perf_counter()
        home = build(size)
        built = json.loads((home / "built.json").read_text())
        contacts = built["contacts"]
        entry: dict[str, Any] = {
            "size": size, "contacts": contacts, "agents": built["agents"],
            "build_seconds": round(time.perf_counter() - begun, 1), "levels": {},
        }  # fmt: skip
        for level in LEVELS:
            projected = pandas_peak_per_contact.get(level, 0.0) * contacts
            impls = ["kefu-all", "kefu", "sql"]
            skipped = None
            if projected > 0.85 * _machine_ram():
                skipped = (
                    f"not run: pandas would need about {projected / 2**30:.0f} GiB here "
                    f"(its peak per contact at the previous size), more than this machine's "
                    f"{_machine_ram() / 2**30:.0f} GiB"
                )
            else:
                impls.append("pandas")
            got = {impl: measure(impl, home, level) for impl in impls}
            for other in impls[2:]:
                issues = agree(got["kefu"]["figures"], got[other]["figures"], BASELINE)
                assert not issues, f"kefu and {other} differ at {level}: {issues[:5]}"
            row: dict[str, Any] = {
                impl: {"seconds": round(r["seconds"], 3), "peak_bytes": r["peak_bytes"]}
                for impl, r in got.items()
            }
            row["kefu_vs_sql"] = round(got["kefu"]["seconds"] / got["sql"]["seconds"], 2)
            if "pandas" in got:
                row["pandas_vs_kefu"] = round(got["pandas"]["seconds"] / got["kefu"]["seconds"], 2)
                pandas_peak_per_contact[level] = got["pandas"]["peak_bytes"] / contacts
            else:
                row["pandas"] = {"skipped": skipped}
                row["pandas_vs_kefu"] = None
            row["figures_compared"] = len(got["kefu"]["figures"])
            entry["levels"][level] = row
            print(f"metrics {size} {level}: " + json.dumps(row), flush=True)
        results.append(entry)
    return {
        "month": MONTH,
        "baseline_indicators": list(BASELINE),
        "goals": {
            "kefu_vs_sql_at_most": GOAL_SQL_RATIO,
            "pandas_vs_kefu_at_least": GOAL_PANDAS_SPEEDUP,
            "peak_bytes_at_30m_below": GOAL_PEAK_BYTES_30M,
        },
        "results": results,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.metrics")
    parser.add_argument("--child", choices=("kefu-all", "kefu", "sql", "pandas"))
    parser.add_argument("--home", type=Path)
    parser.add_argument("--level", choices=LEVELS, default="agent")
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.home, args.level)


if __name__ == "__main__":
    main()
