"""The hand-written baselines of the metrics benchmark: SQL (two ways), pandas, Polars.

Each computes the *baseline set* of indicators (see :data:`bench.metrics.BASELINE`)
for one month and one level from the committed Parquet files, as a skilled
engineer or analyst would without Kefu. Run as its own process so that the
timing includes starting Python and importing the library, as ``kefu metrics``
does::

    python -m bench.baselines JOB.json sql-window

``JOB.json`` (written by :mod:`bench.metrics`) names the files, the period's
UTC bounds, the local offset, the level and the as-of instant. Only the
standard library is imported at the top: each implementation imports its own
library, and nothing of Kefu is imported at all.

Repeats (for ``fcr_rate``, docs/indicators.md): another inbound contact from the
same ``customer_id`` about the same issue with ``offered_at`` in
``(this.offered_at, this.offered_at + 48 h]``; the same issue is the same
``waybill_no`` when both have one, otherwise the same ``category`` (a contact
without a category matches nothing by category).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from typing import Any

CHANNELS = ("phone", "chat", "email", "other")
TARGETS = {"phone": 20.0, "chat": 30.0, "email": 86400.0, "other": 3600.0}
REPEAT_HOURS = 48
IMPLEMENTATIONS = ("sql-exists", "sql-window", "pandas", "polars")

Figures = dict[str, list[float | None]]  # "key|indicator" → [numerator, denominator]
Job = dict[str, Any]


def _bounds(job: Job) -> tuple[datetime, datetime, datetime]:
    start, end = datetime.fromisoformat(job["start"]), datetime.fromisoformat(job["end"])
    return start, end, end + timedelta(hours=REPEAT_HOURS)


def wide_to_figures(rows: list[dict[str, Any]]) -> Figures:
    """Rows of ``k`` and ``indicator|n`` / ``indicator|d`` columns → figures."""
    out: Figures = {}
    for row in rows:
        for col, v in row.items():
            if col == "k" or v is None:
                continue
            ind, which = col.rsplit("|", 1)
            out.setdefault(f"{row['k']}|{ind}", [0.0, 0.0])[0 if which == "n" else 1] = float(v)
    return out


# -- SQL ---------------------------------------------------------------------------


def _contact_parts() -> dict[str, tuple[str, str]]:
    """Per-row (numerator, denominator) of the contact indicators, in SQL."""
    target = "CASE channel " + " ".join(f"WHEN '{c}' THEN {t:g}" for c, t in TARGETS.items())
    parts = {
        "frt_avg": ("CASE WHEN inbound THEN frt ELSE 0 END", "inbound::INT"),
        "frt_within_target": (f"(inbound AND frt <= {target} END)::INT", "inbound::INT"),
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


_MEASURES = """
         date_diff('microsecond', offered_at, answered_at) / 1e6 AS frt,
         CASE WHEN talk_seconds IS NOT NULL
              THEN talk_seconds + coalesce(hold_seconds, 0) + coalesce(acw_seconds, 0)
              ELSE date_diff('microsecond', answered_at, ended_at) / 1e6
                   + coalesce(acw_seconds, 0) END AS handle"""


def _answered(contacts: list[str], start: datetime, end: datetime) -> str:
    """CTE ``c0``: the month's answered contacts with their measures."""
    return f"""
c0 AS (
  SELECT contact_id, agent_id, channel, customer_id, waybill_no, category, offered_at,
         transferred, resolved, coalesce(direction, 'in') = 'in' AS inbound, {_MEASURES}
  FROM read_parquet({contacts})
  WHERE agent_id IS NOT NULL AND answered_at IS NOT NULL
    AND offered_at >= TIMESTAMP '{start}' AND offered_at < TIMESTAMP '{end}'
)"""


def _repeats_exists(contacts: list[str], start: datetime, wend: datetime) -> str:
    """CTE ``rep``: the repeated contacts, by a correlated EXISTS over the later contacts."""
    return f"""
later AS (
  SELECT customer_id, waybill_no, category, offered_at FROM read_parquet({contacts})
  WHERE customer_id IS NOT NULL AND coalesce(direction, 'in') = 'in'
    AND offered_at > TIMESTAMP '{start}' AND offered_at <= TIMESTAMP '{wend}'
),
rep AS (
  SELECT a.contact_id FROM c0 a
  WHERE a.inbound AND a.customer_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM later b WHERE b.customer_id = a.customer_id
      AND b.offered_at > a.offered_at
      AND b.offered_at <= a.offered_at + INTERVAL {REPEAT_HOURS} HOUR
      AND CASE WHEN a.waybill_no IS NOT NULL AND b.waybill_no IS NOT NULL
               THEN a.waybill_no = b.waybill_no ELSE a.category = b.category END)
)"""


def _repeats_window(contacts: list[str], start: datetime, wend: datetime) -> str:
    """CTE ``rep``: the repeated contacts, from the next contact of the same customer and issue.

    The inbound contacts of known customers from the period's start to 48 h past
    its end, narrowed to the five columns needed, get by window functions the
    next strictly later contact of the same customer with the same waybill, with
    the same category, and with the same category and no waybill. ``GROUPS
    BETWEEN 1 FOLLOWING AND 1 FOLLOWING`` is the next *instant* of the partition:
    ``lead()`` would return a contact at the very same instant and so miss a
    later one; on the benchmark's data it was also faster than ``lead()`` and than a
    RANGE frame starting one microsecond after the row.
    """
    within = f"<= offered_at + INTERVAL {REPEAT_HOURS} HOUR"
    following = "ORDER BY offered_at GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING"
    return f"""
w AS (
  SELECT contact_id, customer_id, waybill_no, category, offered_at FROM read_parquet({contacts})
  WHERE customer_id IS NOT NULL AND coalesce(direction, 'in') = 'in'
    AND offered_at >= TIMESTAMP '{start}' AND offered_at <= TIMESTAMP '{wend}'
),
nxt AS (
  SELECT contact_id, waybill_no, category, offered_at,
    first_value(offered_at) OVER (PARTITION BY customer_id, waybill_no {following})
      AS next_same_waybill,
    first_value(offered_at) OVER (PARTITION BY customer_id, category {following})
      AS next_same_category,
    min(CASE WHEN waybill_no IS NULL THEN offered_at END) OVER (
      PARTITION BY customer_id, category ORDER BY offered_at
      RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING AND INTERVAL {REPEAT_HOURS} HOUR FOLLOWING
    ) AS next_same_category_no_waybill
  FROM w
),
rep AS (
  SELECT contact_id FROM nxt
  WHERE CASE WHEN waybill_no IS NOT NULL
             THEN coalesce(next_same_waybill {within}, false)
                  OR (category IS NOT NULL AND next_same_category_no_waybill IS NOT NULL)
             ELSE category IS NOT NULL AND coalesce(next_same_category {within}, false) END
)"""


def sql_text(job: Job, repeats: str = "window") -> str:
    """The one query computing the baseline set; ``repeats``: "window" or "exists"."""
    start, end, wend = _bounds(job)
    level, offset, as_of = job["level"], int(job["offset_hours"]), job["as_of"]
    contacts, tickets, agents = job["contacts"], job["tickets"], job["agents"]

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
    contact_sums = ",\n    ".join(
        f'sum({n}) AS "{i}|n", sum({d}) AS "{i}|d"' for i, (n, d) in _contact_parts().items()
    )
    with_repeats = (_repeats_window if repeats == "window" else _repeats_exists)(
        contacts, start, wend
    )
    return f"""
WITH asg AS (
  SELECT agent_id, team, site, coalesce(valid_from, hire_date, DATE '1900-01-01') AS vf,
         lead(coalesce(valid_from, hire_date, DATE '1900-01-01'))
           OVER (PARTITION BY agent_id ORDER BY coalesce(valid_from, hire_date)) AS vt
  FROM read_parquet({agents})
),
{_answered(contacts, start, end)},
{with_repeats},
c AS (
  SELECT c0.*, rep.contact_id IS NOT NULL AS is_repeat
  FROM c0 LEFT JOIN rep ON rep.contact_id = c0.contact_id
),
cs AS (
  SELECT {ck} AS k,
    {contact_sums}
  FROM c {cjoin} WHERE {ck} IS NOT NULL GROUP BY 1
),
t AS (
  SELECT agent_id, closed_at, coalesce(due_at, created_at + INTERVAL 24 HOUR) AS due_eff
  FROM read_parquet({tickets}) WHERE agent_id IS NOT NULL
),
ts AS (
  SELECT {tk} AS k,
    sum((t.closed_at IS NOT NULL AND t.closed_at <= t.due_eff)::INT) AS "ticket_ontime_rate|n",
    sum((t.closed_at IS NOT NULL OR t.due_eff < TIMESTAMP '{as_of}')::INT)
      AS "ticket_ontime_rate|d"
  FROM t {tjoin}
  WHERE t.due_eff >= TIMESTAMP '{start}' AND t.due_eff < TIMESTAMP '{end}' AND {tk} IS NOT NULL
  GROUP BY 1
)
SELECT * FROM cs FULL OUTER JOIN ts USING (k)
"""


def run_sql(job: Job, repeats: str) -> Figures:
    import duckdb

    con = duckdb.connect()
    return wide_to_figures(con.sql(sql_text(job, repeats)).to_arrow_table().to_pylist())


# -- pandas ------------------------------------------------------------------------


def run_pandas(job: Job) -> Figures:
    """A straightforward pandas implementation (what a spreadsheet-minded analyst writes)."""
    import pandas as pd

    start, end, wend = _bounds(job)
    level, offset, as_of = (
        job["level"],
        int(job["offset_hours"]),
        datetime.fromisoformat(job["as_of"]),
    )
    contacts = pd.concat(pd.read_parquet(f) for f in job["contacts"])
    tickets = pd.concat(pd.read_parquet(f) for f in job["tickets"])
    agents = pd.concat(pd.read_parquet(f) for f in job["agents"])

    c = contacts[
        contacts.agent_id.notna() & contacts.answered_at.notna()
        & (contacts.offered_at >= start) & (contacts.offered_at < end)
    ].copy()  # fmt: skip
    c["inbound"] = c.direction.fillna("in") == "in"
    c["frt"] = (c.answered_at - c.offered_at).dt.total_seconds()
    span = (c.ended_at - c.answered_at).dt.total_seconds() + c.acw_seconds.fillna(0)
    talk = c.talk_seconds + c.hold_seconds.fillna(0) + c.acw_seconds.fillna(0)
    c["handle"] = talk.where(c.talk_seconds.notna(), span)
    later = contacts[
        contacts.customer_id.notna() & (contacts.direction.fillna("in") == "in")
        & (contacts.offered_at > start) & (contacts.offered_at <= wend)
    ][["customer_id", "waybill_no", "category", "offered_at"]]  # fmt: skip
    first = c[c.inbound & c.customer_id.notna()][
        ["contact_id", "customer_id", "waybill_no", "category", "offered_at"]
    ]
    m = first.merge(later, on="customer_id", suffixes=("", "_b"))
    both = m.waybill_no.notna() & m.waybill_no_b.notna()
    same = (both & (m.waybill_no == m.waybill_no_b)) | (~both & (m.category == m.category_b))
    hit = same & (m.offered_at_b > m.offered_at)
    hit &= m.offered_at_b <= m.offered_at + pd.Timedelta(hours=REPEAT_HOURS)
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
        j = df.assign(_d=local).merge(a[["agent_id", level, "vf", "vt"]], on="agent_id")
        j = j[(j._d >= j.vf) & (j.vt.isna() | (j._d < j.vt))]
        return j.rename(columns={level: "k"})

    c = keyed(c, "offered_at")
    target = c.channel.map(TARGETS)
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
        "ticket_ontime_rate|d": (t.closed_at.notna() | (t.due_eff < as_of)).astype(float),
    }).groupby("k").sum().reset_index()  # fmt: skip
    return wide_to_figures(sums.to_dict("records") + tf.to_dict("records"))


# -- Polars ------------------------------------------------------------------------


def run_polars(job: Job) -> Figures:
    """What a modern analyst writes: lazy frames from ``scan_parquet``, one collect.

    Repeats are as-of joins (forward, strictly later) of each contact onto the
    later inbound contacts of the same customer: by waybill, by category among
    those without a waybill, and by category for a contact without a waybill.
    """
    import polars as pl

    start, end, wend = _bounds(job)
    level, offset = job["level"], int(job["offset_hours"])
    as_of = datetime.fromisoformat(job["as_of"])
    window = pl.duration(hours=REPEAT_HOURS)
    contacts = pl.scan_parquet(job["contacts"])
    inbound = pl.col("direction").fill_null("in") == "in"

    later = (
        contacts.filter(
            pl.col("customer_id").is_not_null() & inbound
            & (pl.col("offered_at") > start) & (pl.col("offered_at") <= wend)
        )
        .select("customer_id", "waybill_no", "category", pl.col("offered_at").alias("next_at"))
        .sort("next_at")
    )  # fmt: skip
    c = (
        contacts.filter(
            pl.col("agent_id").is_not_null() & pl.col("answered_at").is_not_null()
            & (pl.col("offered_at") >= start) & (pl.col("offered_at") < end)
        )
        .with_columns(
            inbound=inbound,
            frt=(pl.col("answered_at") - pl.col("offered_at")).dt.total_microseconds() / 1e6,
            handle=pl.when(pl.col("talk_seconds").is_not_null())
            .then(pl.col("talk_seconds") + pl.col("hold_seconds").fill_null(0)
                  + pl.col("acw_seconds").fill_null(0))
            .otherwise((pl.col("ended_at") - pl.col("answered_at")).dt.total_microseconds() / 1e6
                       + pl.col("acw_seconds").fill_null(0)),
        )
        .sort("offered_at")
    )  # fmt: skip
    followed = c.filter(pl.col("inbound") & pl.col("customer_id").is_not_null())

    def next_at(left: pl.LazyFrame, right: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
        joined = left.select("contact_id", "offered_at", *by).join_asof(
            right.select("next_at", *by), left_on="offered_at", right_on="next_at", by=by,
            strategy="forward", allow_exact_matches=False,
            # Both sides are sorted by time above; Polars cannot check it within groups.
            check_sortedness=False,
        )  # fmt: skip
        return joined.filter(pl.col("next_at") <= pl.col("offered_at") + window).select(
            "contact_id"
        )

    has_waybill = pl.col("waybill_no").is_not_null()
    has_category = pl.col("category").is_not_null()
    repeats = pl.concat([
        next_at(followed.filter(has_waybill), later.filter(has_waybill),
                ["customer_id", "waybill_no"]),
        next_at(followed.filter(has_waybill & has_category),
                later.filter(~has_waybill & has_category), ["customer_id", "category"]),
        next_at(followed.filter(~has_waybill & has_category), later.filter(has_category),
                ["customer_id", "category"]),
    ]).unique()  # fmt: skip
    c = c.join(repeats.with_columns(is_repeat=pl.lit(True)), on="contact_id", how="left")
    c = c.with_columns(pl.col("is_repeat").fill_null(False))

    t = (
        pl.scan_parquet(job["tickets"])
        .filter(pl.col("agent_id").is_not_null())
        .with_columns(
            due_eff=pl.col("due_at").fill_null(pl.col("created_at") + pl.duration(hours=24))
        )
        .filter((pl.col("due_eff") >= start) & (pl.col("due_eff") < end))
    )  # fmt: skip

    def keyed(frame: pl.LazyFrame, ts: str) -> pl.LazyFrame:
        if level == "agent":
            return frame.with_columns(k=pl.col("agent_id"))
        if level == "centre":
            return frame.with_columns(k=pl.lit("centre"))
        since = pl.coalesce("valid_from", "hire_date", pl.date(1900, 1, 1))
        asg = (
            pl.scan_parquet(job["agents"])
            .with_columns(vf=since)
            .sort("agent_id", "vf")
            .with_columns(vt=pl.col("vf").shift(-1).over("agent_id"))
            .select("agent_id", pl.col(level).alias("k"), "vf", "vt")
        )
        day = (pl.col(ts) + pl.duration(hours=offset)).dt.date()
        return (
            frame.with_columns(_day=day)
            .join(asg, on="agent_id")
            .filter((pl.col("_day") >= pl.col("vf"))
                    & (pl.col("vt").is_null() | (pl.col("_day") < pl.col("vt"))))
        )  # fmt: skip

    inb, ch, handle, frt = pl.col("inbound"), pl.col("channel"), pl.col("handle"), pl.col("frt")
    target = ch.replace_strict(TARGETS, default=None, return_dtype=pl.Float64)
    phone = ch == "phone"
    parts = {
        "frt_avg": (pl.when(inb).then(frt).otherwise(0.0), inb),
        "frt_within_target": (inb & (frt <= target), inb),
        "aht_avg": (handle.fill_null(0.0), handle.is_not_null()),
        "fcr_rate": (
            inb & ~pl.col("transferred").fill_null(False) & pl.col("resolved").fill_null(True)
            & ~pl.col("is_repeat"),
            inb,
        ),
        "contacts_handled": (pl.len(), pl.lit(0.0)),
        "short_contact_rate": (phone & (handle <= 10), phone & handle.is_not_null()),
    }  # fmt: skip
    for name in CHANNELS:
        on = ch == name
        parts[f"frt_avg.{name}"] = (pl.when(inb & on).then(frt).otherwise(0.0), inb & on)
        parts[f"aht_avg.{name}"] = (
            pl.when(on).then(handle.fill_null(0.0)).otherwise(0.0),
            on & handle.is_not_null(),
        )
    sums = (
        keyed(c, "offered_at")
        .group_by("k")
        .agg(
            expr.cast(pl.Float64).fill_null(0.0).sum().alias(f"{ind}|{which}")
            for ind, pair in parts.items()
            for which, expr in zip("nd", pair, strict=True)
        )
    )
    closed, due = pl.col("closed_at"), pl.col("due_eff")
    ontime = keyed(t, "due_eff").group_by("k").agg(
        (closed.is_not_null() & (closed <= due)).cast(pl.Float64).sum()
        .alias("ticket_ontime_rate|n"),
        (closed.is_not_null() | (due < as_of)).cast(pl.Float64).sum()
        .alias("ticket_ontime_rate|d"),
    )  # fmt: skip
    got = pl.collect_all([sums.filter(pl.col("k").is_not_null()),
                          ontime.filter(pl.col("k").is_not_null())])  # fmt: skip
    return wide_to_figures(got[0].to_dicts() + got[1].to_dicts())


def compute(job: Job, impl: str) -> Figures:
    if impl == "sql-exists":
        return run_sql(job, "exists")
    if impl == "sql-window":
        return run_sql(job, "window")
    if impl == "pandas":
        return run_pandas(job)
    if impl == "polars":
        return run_polars(job)
    raise SystemExit(f"unknown implementation '{impl}'; known: {', '.join(IMPLEMENTATIONS)}")


def main(argv: list[str]) -> None:
    """``JOB.json IMPL``: print the figures and the seconds spent after start-up imports."""
    job_path, impl = argv
    with open(job_path, encoding="utf-8") as f:
        job = json.load(f)
    begun = time.perf_counter()
    figures = compute(job, impl)
    json.dump({"compute_seconds": time.perf_counter() - begun, "figures": figures}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
