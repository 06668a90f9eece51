"""The compiled-SQL cache: an indicator set's SQL, compiled by Ibis once, replayed on DuckDB.

Compiling the ~14 expressions of a full indicator set costs more than running them
on a small centre's month. A computation on DuckDB therefore records the SQL of
each query it runs, and stores it under ``<home>/cache/sql/<key>.json``; the next
computation with the same key runs that SQL on a plain ``duckdb`` connection
without importing Ibis, and builds the same figures from the same rows.

What the SQL depends on, and how each is taken into account:

* in the **key** (known before anything is read): Kefu's version and the source of
  the indicator code (:data:`HASHED`), the Ibis and DuckDB versions, the level, the
  indicator ids, the parameters, the period and time zone, the keys asked for, and
  the sentiment model when sentiment is read;
* in the **fingerprint** stored with the SQL and checked on every use: per fact
  table read, whether it has files, its column names and types, the retracted
  batches (their ids are in the SQL's filter) and whether any key has versions
  (which adds the latest-version window); for teams and sites, whether each agent
  has one assignment in the period (which changes the join). A fingerprint that
  differs means the SQL is compiled again and the file rewritten;
* as **parameters**: the computation instant ``as_of`` (``$as_of``), which decides
  which open tickets are overdue.

The fact tables are DuckDB views with fixed names (``_kefu_fact_<table>``) over
the stored Parquet files, and the roster's assignments and fresh sentiment scores
are registered Arrow tables with fixed names, so the SQL never names a file. A
computation that had to score comments itself (sentiment of another model) is
not stored: its scores are data, not SQL. Spark and other engines compile every
time. ``KEFU_SQL_CACHE=0`` turns the cache off, ``1`` on (the default).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections import defaultdict
from dataclasses import asdict
from datetime import datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from kefu.metrics.attribution import Roster, key_window
from kefu.metrics.computation import Feature
from kefu.metrics.definition import Indicator
from kefu.metrics.figures import Figure, IndicatorParams, Level
from kefu.periods import Period

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from kefu.store.facts import FactStore
    from kefu.workspace import Workspace

ENV = "KEFU_SQL_CACHE"
#: Bumped when the stored layout changes (older files are then simply not found).
LAYOUT = 1
#: The code whose change may change the compiled SQL.
HASHED = ("metrics", "store/facts.py", "store/tables.py", "periods.py")
#: Stands for ``as_of`` while compiling: the instant Ibis writes as this literal.
SENTINEL = datetime(1901, 2, 3, 4, 5, 6, 789012)
_SENTINEL_SQL = "MAKE_TIMESTAMP(1901, 2, 3, 4, 5, 6.789012)"
_AS_OF_SQL = "CAST($as_of AS TIMESTAMP)"
ASSIGNMENTS = "_kefu_assignments"
SCORES = "_kefu_sentiment_scores"

#: Compilations so far in this process (tests count them).
compiles = 0


class Uncapturable(Exception):
    """The compiled SQL still holds a stand-in value: compute without recording."""


def enabled() -> bool:
    return os.environ.get(ENV, "1").strip() not in ("0", "false", "no", "off")


def usable(con: BaseBackend | None) -> bool:
    """Whether a computation on ``con`` (None: the workspace's DuckDB) may use the cache."""
    return enabled() and (con is None or getattr(con, "name", None) == "duckdb")


def view_name(table: str) -> str:
    return f"_kefu_fact_{table}"


def cache_dir(ws: Workspace) -> Path:
    return ws.home / "cache" / "sql"


@cache
def source_hash() -> str:
    """A hash of the code that builds the SQL (any edit there is a new key)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for rel in HASHED:
        path = root / rel
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def cache_key(
    ws: Workspace,
    period: Period,
    level: Level,
    chosen: list[Indicator],
    params: IndicatorParams,
    keys: list[str] | None,
) -> str:
    from kefu import __version__

    features = frozenset().union(*(ind.features for ind in chosen))
    model = None
    if Feature.SENTIMENT in features:
        from kefu.ingest.sentiment import model_version

        model = model_version()
    described = {
        "layout": LAYOUT,
        "kefu": __version__,
        "source": source_hash(),
        "ibis": metadata.version("ibis-framework"),
        "duckdb": duckdb.__version__,
        "level": str(level),
        "indicators": [ind.id for ind in chosen],
        "params": asdict(params),
        "period": period.label,
        "timezone": ws.timezone,
        "keys": None if keys is None else sorted(keys),
        "sentiment_model": model,
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:32]


# -- the views the SQL reads -----------------------------------------------------


def define_view(raw: duckdb.DuckDBPyConnection, facts: FactStore, table: str) -> dict[str, Any]:
    """Define ``table``'s view on ``raw`` and return its fingerprint."""
    from kefu.store.tables import TABLES, arrow_schema

    name = view_name(table)
    read = facts.parquet_sql(table)
    raw.execute(f'DROP VIEW IF EXISTS "{name}"')
    if read is None:
        raw.register(name, arrow_schema(TABLES[table]).empty_table())
    else:
        raw.execute(f'CREATE TEMP VIEW "{name}" AS SELECT * FROM {read}')
    columns = raw.execute(f'DESCRIBE "{name}"').fetchall()
    return {
        "files": read is not None,
        "columns": [[str(c[0]), str(c[1])] for c in columns],
        "retracted": facts.retracted_ids(table),
        "versions": facts.has_versions(table),
    }


def _register(raw: duckdb.DuckDBPyConnection, name: str, data: pa.Table) -> None:
    raw.execute(f'DROP VIEW IF EXISTS "{name}"')
    raw.register(name, data)


def _schema_text(schema: pa.Schema) -> str:
    return base64.b64encode(schema.serialize().to_pybytes()).decode()


def _schema(text: str) -> pa.Schema:
    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


def execute(
    raw: duckdb.DuckDBPyConnection, sql: str, schema: pa.Schema, as_of: datetime
) -> pa.Table:
    """Run ``sql`` and give its rows the types Ibis would (sums of integers come as
    HUGEINT from DuckDB, as int64 from Ibis)."""
    params = {"as_of": as_of} if "$as_of" in sql else None
    result = raw.sql(sql, params=params).to_arrow_table()
    return result.cast(schema)


# -- recording ------------------------------------------------------------------


class Capture:
    """Records each query of a computation as the cache stores it, and runs that SQL."""

    def __init__(self, raw: duckdb.DuckDBPyConnection, facts: FactStore, as_of: datetime) -> None:
        self.raw = raw
        self.facts = facts
        self.as_of = as_of
        self.tables: dict[str, dict[str, Any]] = {}
        self.queries: dict[str, dict[str, Any]] = {}
        self.single: bool | None = None
        self.storable = True

    def base(self, con: BaseBackend, table: str) -> ir.Table:
        """The fixed-name view of ``table``'s stored records, as an Ibis table."""
        self.tables[table] = define_view(self.raw, self.facts, table)
        return con.table(view_name(table))

    def assignments(self, con: BaseBackend, data: pa.Table, single: bool) -> ir.Table:
        if self.single is not None and self.single != single:
            raise Uncapturable("two assignment windows in one computation")
        self.single = single
        _register(self.raw, ASSIGNMENTS, data)
        return con.table(ASSIGNMENTS)

    def scores(self, con: BaseBackend, data: pa.Table) -> ir.Table:
        self.storable = False  # the scores are data: this SQL is right for this run only
        _register(self.raw, SCORES, data)
        return con.table(SCORES)

    def run(
        self, con: BaseBackend, expr: ir.Table, name: str, groups: list[list[str]] | None
    ) -> pa.Table:
        global compiles
        compiles += 1
        sql = str(con.compile(expr)).replace(_SENTINEL_SQL, _AS_OF_SQL)
        if "1901" in sql:  # the stand-in instant written another way: never run it
            raise Uncapturable(name)
        schema = expr.schema().to_pyarrow()
        self.queries[name] = {"sql": sql, "schema": _schema_text(schema), "groups": groups}
        return execute(self.raw, sql, schema, self.as_of)

    def plan(self) -> dict[str, Any]:
        return {
            "layout": LAYOUT,
            "tables": self.tables,
            "single": self.single,
            "queries": self.queries,
        }


# -- the computation --------------------------------------------------------------


def _connect(ws: Workspace) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection set up as :meth:`Workspace.duckdb` sets up Ibis's."""
    from kefu.store.engines import duckdb_config, set_up_duckdb

    raw = duckdb.connect(config=duckdb_config(ws.settings))
    set_up_duckdb(raw, ws.settings)
    return raw


def load(path: Path) -> dict[str, Any] | None:
    """The stored plan, or None when missing or unreadable (it is then compiled again)."""
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(plan, dict) and plan.get("layout") == LAYOUT
    ok = ok and isinstance(plan.get("queries"), dict) and isinstance(plan.get("tables"), dict)
    return plan if ok else None


def store(path: Path, plan: dict[str, Any]) -> None:
    """Write ``plan`` whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Unique per writer: two requests of one server may store the same key at once.
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    tmp.write_text(json.dumps(plan, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def replay(
    raw: duckdb.DuckDBPyConnection,
    ws: Workspace,
    plan: dict[str, Any],
    period: Period,
    level: Level,
    chosen: list[Indicator],
    params: IndicatorParams,
    as_of: datetime,
    keys: list[str] | None,
) -> list[Figure] | None:
    """The figures from the stored SQL, or None when the plan does not fit the data."""
    from kefu.metrics.assembly import add_sums, assemble, pending

    for table, fingerprint in plan["tables"].items():
        if define_view(raw, ws.facts, table) != fingerprint:
            return None
    queries: dict[str, dict[str, Any]] = plan["queries"]

    def run(name: str) -> pa.Table:
        q = queries[name]
        return execute(raw, q["sql"], _schema(q["schema"]), as_of)

    roster = Roster.from_rows(run("roster").to_pylist(), ws.timezone)
    if plan["single"] is not None:
        data, single = roster.arrow(*key_window(period))
        if single != plan["single"]:
            return None
        _register(raw, ASSIGNMENTS, data)
    if "sentiment_stale" in queries and run("sentiment_stale").num_rows:
        return None  # comments to score with this model: computed afresh
    sums: dict[str, dict[str, Any]] = defaultdict(dict)
    for name, q in queries.items():
        if name.startswith("sums:"):
            add_sums(sums, run(name), q["groups"])
    provisional = False
    if any(ind.repeat_sensitive for ind in chosen):
        if "repeat_latest" not in queries:
            return None
        end = period.utc_bounds(ws.timezone)[1]
        window = params.repeat_window_hours
        from datetime import timedelta

        provisional = pending(run("repeat_latest"), end + timedelta(hours=window))
    return assemble(period, params, chosen, level, keys, roster, sums, provisional)


def compute(
    ws: Workspace,
    period: Period,
    level: Level,
    chosen: list[Indicator],
    params: IndicatorParams | None,
    as_of: datetime | None,
    con: BaseBackend | None,
    keys: list[str] | None,
) -> list[Figure]:
    """:func:`kefu.metrics.api.compute` on DuckDB, through the cache."""
    from kefu.metrics.assembly import naive_utc

    params = params or IndicatorParams()
    instant = naive_utc(as_of)
    path = cache_dir(ws) / f"{cache_key(ws, period, level, chosen, params, keys)}.json"
    plan = load(path)
    if plan is not None:
        raw = con.con if con is not None else _connect(ws)
        try:
            try:
                found = replay(raw, ws, plan, period, level, chosen, params, instant, keys)
            except (duckdb.Error, KeyError, TypeError, ValueError, pa.ArrowException):
                found = None  # a damaged or foreign plan: compiled again below
            if found is not None:
                return found
        finally:
            if con is None:
                raw.close()
    return _compile(ws, path, period, level, chosen, params, instant, con, keys)


def _compile(
    ws: Workspace,
    path: Path,
    period: Period,
    level: Level,
    chosen: list[Indicator],
    params: IndicatorParams,
    as_of: datetime,
    con: BaseBackend | None,
    keys: list[str] | None,
) -> list[Figure]:
    from kefu.metrics.engine import figures_for, make_ctx

    backend = con if con is not None else ws.duckdb()
    try:
        capture = Capture(backend.con, ws.facts, as_of)
        ctx = make_ctx(ws, backend, period, chosen, params, SENTINEL)
        ctx.capture = capture
        try:
            figures = figures_for(ctx, chosen, level, keys)
        except Uncapturable:
            return figures_for(make_ctx(ws, backend, period, chosen, params, as_of), chosen,
                               level, keys)  # fmt: skip
        if capture.storable:
            store(path, capture.plan())
        return figures
    finally:
        if con is None:
            backend.disconnect()
