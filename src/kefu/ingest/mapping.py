"""Mapping profiles: how one vendor's export maps onto a canonical table.

A profile is a YAML file, either shipped with Kefu (``kefu/ingest/profiles/``)
or kept by a workspace (``<workspace>/mappings/<name>.yaml``, which wins over a
built-in one of the same name). It is chosen with ``kefu import --mapping NAME``.
Nothing in a profile is ever evaluated as code: expressions are a small closed
set of YAML forms compiled to SQL with every user value quoted as a literal.

Format::

    table: contacts              # canonical table (required)
    source: anonymous-bank       # lineage ``source`` of the records (default: the table's last)
    description: free text
    encoding: gb18030            # override the detected encoding (CSV/TSV)
    delimiter: "\\t"              # override the sniffed delimiter (CSV/TSV)
    sheet: Sheet1                # worksheet of an .xlsx (default: the first)
    format: jsonl                # jsonl | json (default: by suffix, then content)
    records: CallDetailRecords.List   # where a JSON document's records sit (dotted path)
    member: session.txt          # the file inside a .zip export to read
    timezone: Europe/Brussels    # zone of naive times (default: the workspace zone)
    null_values: ["?", "N/A"]    # cell texts that mean "empty", in every column
    columns:                     # canonical column → expression (see below)
      contact_id: Call Id
      channel: {const: phone}
    match_headers: true          # columns not listed are still found by header (default true)
    values:                      # per canonical column: export value → canonical value
      direction: {呼入: in, 呼出: out}
      agent_id: {NO_SERVER: null}          # null = empty
    formats:                     # per canonical column: strptime formats tried first
      offered_at: ["%d/%m/%Y %H:%M"]
    keep: {column: outcome, not_in: [PHANTOM]}   # rows not kept are skipped, not rejected
    drop: {column: call_id, empty: true}         # rows dropped are skipped, not rejected
    collapse:                    # event logs: one record per case (last event by order_by)
      by: [SR Number]
      order_by: Change Date+Time
    dedupe:                      # a record delivered more than once: keep the latest
      by: [ContactId]
      keep_last_by: LastUpdateTimestamp

JSON exports (``.json``, ``.jsonl``/``.ndjson``, a zip's member) are read as text like
CSV cells (:mod:`kefu.ingest.jsonfile`): nested objects become dotted headers
(``{"Agent": {"Id": "a1"}}`` → ``Agent.Id``), a list of scalars comma-joined text.
A ``.json`` document's records are the list at ``records``, else the document itself if
it is a list, else its top-level object's only list of objects. A zip's member defaults
to its only readable one (``.json``, ``.jsonl``, ``.txt``, ``.csv``); a ``.txt`` holding
one object per line is JSON Lines. ``dedupe`` keeps one row per ``by`` key, the one
with the greatest ``keep_last_by`` (ISO or epoch text compared as the instant it is;
the later row on a tie); the other rows are skipped, not rejected.

Expressions (every form yields text or NULL):

- ``Header`` — the cell under that export header (matched case/space/width-insensitively).
- ``{column: Header, null_if: [..], values: {..}}`` — a cell, with texts meaning empty
  and a value map.
- ``{const: value}`` — a constant.
- ``{concat: [e1, e2, ..], sep: " "}`` — joined; NULL if any part is NULL.
- ``{first_of: [e1, e2, ..]}`` — the first non-empty.
- ``{earliest: [..]}`` / ``{latest: [..]}`` — of ISO timestamps (e.g. from ``clock``).
- ``{clock: e, date: e, date_format: "%y%m%d", after: e}`` — a date column and a
  ``H:MM:SS`` clock column as ``YYYY-MM-DD HH:MM:SS``; with ``after``, a clock more than
  12 hours before that instant is taken as the next day (calls over midnight).
- ``{add_seconds: e, to: e, format: "%d.%m.%Y %H:%M"}`` — a timestamp (ISO unless
  ``format`` is given) plus a number of seconds, as ``YYYY-MM-DD HH:MM:SS``.
- ``{when: [{if: condition, then: e}, ..], else: e}`` — the first matching branch.
- ``{epoch_s: e}`` / ``{epoch_ms: e}`` — Unix seconds / milliseconds as that instant
  (``YYYY-MM-DD HH:MM:SS[.ffffff]+00:00``, never shifted by ``timezone``); ``0``,
  negatives, empty and non-numbers → NULL (platforms write 0 for "never").
- ``{ms: e}`` — a duration in milliseconds as seconds (``1500`` → ``1.5``);
  ``{minutes: e}`` — minutes as seconds (``2.5`` → ``150``). Non-numbers → NULL.
- ``{list_last: e, sep: ","}`` / ``{list_first: e, sep: ","}`` — the last / first
  non-empty item of a separated list (``sep`` defaults to ``,``), trimmed.
- With ``collapse``: ``{first: e}``, ``{last: e}``, ``{min: e}``, ``{max: e}``, each
  with an optional ``where: condition``, aggregate over the case's rows.

Conditions: ``{column: Header, equals: v}``, ``in: [..]``, ``not_in: [..]``,
``empty: true|false``, ``matches: regex``; numeric ``le: n``, ``lt: n``, ``ge: n``,
``gt: n`` (false for an empty cell or a non-number); combined with ``{all: [..]}``,
``{any: [..]}``, ``{not: condition}``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kefu.errors import KefuError, UsageError
from kefu.ingest.parsing import lit, lit_list
from kefu.store.tables import TABLES

BUILTIN_DIR = Path(__file__).parent / "profiles"

Expr = Any  # str | dict — validated when compiled, with the key path in the message


class Collapse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: list[str]
    order_by: str


class Dedupe(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: list[str] = Field(min_length=1)
    keep_last_by: str


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    table: str
    source: str | None = None
    description: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    format: Literal["jsonl", "json"] | None = None
    records: str | None = None
    member: str | None = None
    timezone: str | None = None
    null_values: list[str] = Field(default_factory=list)
    columns: dict[str, Expr] = Field(default_factory=dict)
    match_headers: bool = True
    values: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    formats: dict[str, list[str]] = Field(default_factory=dict)
    keep: dict[str, Any] | None = None
    drop: dict[str, Any] | None = None
    collapse: Collapse | None = None
    dedupe: Dedupe | None = None

    @field_validator("table")
    @classmethod
    def _known_table(cls, v: str) -> str:
        if v not in TABLES:
            raise ValueError(f"unknown table '{v}' (tables: {', '.join(TABLES)})")
        return v

    @field_validator("formats", mode="before")
    @classmethod
    def _format_lists(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: [f] if isinstance(f, str) else f for k, f in v.items()}
        return v

    def referenced_headers(self) -> set[str]:
        """Every text in the expressions and conditions (a superset of the headers used)."""
        found: set[str] = set()

        def walk(node: Any, key: str | None = None) -> None:
            if key in ("const", "values", "sep", "date_format", "format", "matches"):
                return
            if isinstance(node, str):
                found.add(node)
            elif isinstance(node, dict):
                for k, v in node.items():
                    walk(v, k)
            elif isinstance(node, list):
                for v in node:
                    walk(v, key)

        walk([self.columns, self.keep, self.drop])
        if self.collapse:
            found |= {*self.collapse.by, self.collapse.order_by}
        if self.dedupe:
            found |= {*self.dedupe.by, self.dedupe.keep_last_by}
        return found

    def check_columns(self) -> None:
        spec = TABLES[self.table]
        for part in (self.columns, self.values, self.formats):
            unknown = sorted(set(part) - set(spec.names))
            if unknown:
                raise KefuError(
                    f"mapping '{self.name}' names column(s) {', '.join(unknown)} that table "
                    f"{self.table} does not have (its columns: {', '.join(spec.names)})"
                )


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def load_profile(name: str, mappings_dir: Path | None) -> Profile:
    """The profile ``name`` (workspace first, then built-in) or a path to a YAML file."""
    candidates = []
    if name.endswith((".yaml", ".yml")):
        candidates.append(Path(name))
    if mappings_dir is not None:
        candidates += [mappings_dir / f"{name}.yaml", mappings_dir / f"{name}.yml"]
    candidates.append(BUILTIN_DIR / f"{name}.yaml")
    for path in candidates:
        if path.is_file():
            return parse_profile(path.read_text(encoding="utf-8"), name=Path(name).stem)
    known = sorted(
        {*builtin_profiles(), *(p.stem for p in (mappings_dir or Path("/-")).glob("*.y*ml"))}
    )
    raise UsageError(f"no mapping profile '{name}'; known profiles: {', '.join(known) or 'none'}")


def parse_profile(text: str, *, name: str) -> Profile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KefuError(f"mapping '{name}' is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise KefuError(f"mapping '{name}' must be a YAML mapping with at least 'table:'")
    data.setdefault("name", name)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        issues = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'profile'}: {e['msg']}" for e in exc.errors()
        )
        raise KefuError(f"mapping '{name}' is invalid: {issues}") from None
    profile.check_columns()
    return profile


def norm_header(text: str) -> str:
    """Header spelling for matching: NFKC, lower case, no spaces, underscores or dashes."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-")


class Compiler:
    """Compiles profile expressions to SQL over the raw (all-text) columns of one file.

    ``columns`` maps each original header to its SQL identifier in the raw table.
    """

    def __init__(
        self,
        profile_name: str,
        columns: dict[str, str],
        *,
        window: str | None = None,
        order: str | None = None,
    ) -> None:
        self.profile_name = profile_name
        self.columns = columns
        self._by_norm = {norm_header(h): sql for h, sql in columns.items()}
        self.window = window
        self.order = order

    def header(self, name: str, path: str) -> str:
        sql = self.columns.get(name) or self._by_norm.get(norm_header(name))
        if sql is None:
            raise KefuError(
                f"mapping '{self.profile_name}' ({path}) uses column '{name}' that the file "
                f"does not have; the file's headers are: {', '.join(self.columns)}"
            )
        return sql

    def cell(self, name: str, path: str) -> str:
        # The raw columns are cleaned once, before any expression reads them.
        return self.header(name, path)

    def expr(self, e: Expr, path: str) -> str:
        if isinstance(e, str):
            return self.cell(e, path)
        if isinstance(e, int | float) and not isinstance(e, bool):
            return lit(str(e))
        if not isinstance(e, dict) or not e:
            raise self._bad(path, "an expression is a header name or a one-form mapping")
        forms: dict[str, Callable[[], str]] = {
            "column": lambda: self._column(e, path),
            "const": lambda: "NULL" if e["const"] is None else lit(str(e["const"])),
            "concat": lambda: self._concat(e, path),
            "first_of": lambda: self._nary("coalesce", e["first_of"], path),
            "earliest": lambda: self._nary("least", e["earliest"], path),
            "latest": lambda: self._nary("greatest", e["latest"], path),
            "clock": lambda: self._clock(e, path),
            "add_seconds": lambda: self._add_seconds(e, path),
            "when": lambda: self._when(e, path),
            "epoch_s": lambda: self._epoch(e, "epoch_s", path),
            "epoch_ms": lambda: self._epoch(e, "epoch_ms", path),
            "ms": lambda: self._scaled(e, "ms", "/ 1000", path),
            "minutes": lambda: self._scaled(e, "minutes", "* 60", path),
            "list_last": lambda: self._list_item(e, "list_last", path),
            "list_first": lambda: self._list_item(e, "list_first", path),
        }
        for agg in ("first", "last", "min", "max"):
            forms[agg] = functools.partial(self._aggregate, agg, e, path)
        for key, build in forms.items():
            if key in e:
                return build()
        raise self._bad(path, f"unknown expression form {sorted(e)}; see the mapping format")

    def _bad(self, path: str, message: str) -> KefuError:
        return KefuError(f"mapping '{self.profile_name}' at {path}: {message}")

    def _column(self, e: dict[str, Any], path: str) -> str:
        sql = self.header(str(e["column"]), path)
        null_if = ", ".join(lit(str(v)) for v in e.get("null_if", []))
        if null_if:
            sql = f"(CASE WHEN {sql} IN ({null_if}) THEN NULL ELSE {sql} END)"
        values = e.get("values")
        if values:
            return value_map(sql, values)
        return sql

    def _concat(self, e: dict[str, Any], path: str) -> str:
        parts = [self.expr(p, f"{path}.concat[{i}]") for i, p in enumerate(e["concat"])]
        sep = f" || {lit(e['sep'])} || " if e.get("sep") else " || "
        return "(" + sep.join(parts) + ")"

    def _nary(self, fn: str, items: Any, path: str) -> str:
        if not isinstance(items, list) or not items:
            raise self._bad(path, f"{fn} needs a list of expressions")
        return f"{fn}(" + ", ".join(self.expr(p, f"{path}[{i}]") for i, p in enumerate(items)) + ")"

    def _clock(self, e: dict[str, Any], path: str) -> str:
        clock = self.expr(e["clock"], f"{path}.clock")
        date = self.expr(e["date"], f"{path}.date")
        fmt = str(e.get("date_format", "%Y-%m-%d")) + " %H:%M:%S"
        ts = f"TRY_STRPTIME({date} || ' ' || {clock}, {lit(fmt)})"
        if "after" in e:
            after = f"TRY_CAST({self.expr(e['after'], f'{path}.after')} AS TIMESTAMP)"
            ts = (
                f"(CASE WHEN {ts} < {after} - INTERVAL 12 HOUR "
                f"THEN {ts} + INTERVAL 1 DAY ELSE {ts} END)"
            )
        return f"strftime({ts}, '%Y-%m-%d %H:%M:%S')"

    def _add_seconds(self, e: dict[str, Any], path: str) -> str:
        secs = f"TRY_CAST({self.expr(e['add_seconds'], f'{path}.add_seconds')} AS DOUBLE)"
        to = self.expr(e["to"], f"{path}.to")
        fmt = e.get("format")
        base = f"TRY_STRPTIME({to}, {lit(str(fmt))})" if fmt else f"TRY_CAST({to} AS TIMESTAMP)"
        shifted = f"{base} + to_microseconds(CAST(round({secs} * 1000000) AS BIGINT))"
        return f"strftime({shifted}, '%Y-%m-%d %H:%M:%S')"

    def _when(self, e: dict[str, Any], path: str) -> str:
        branches = e["when"]
        if not isinstance(branches, list) or not branches:
            raise self._bad(path, "when needs a list of {if: condition, then: expression}")
        parts = []
        for i, b in enumerate(branches):
            if not isinstance(b, dict) or "if" not in b or "then" not in b:
                raise self._bad(f"{path}.when[{i}]", "each branch needs 'if' and 'then'")
            cond = self.condition(b["if"], f"{path}.when[{i}].if")
            parts.append(f"WHEN {cond} THEN {self.expr(b['then'], f'{path}.when[{i}].then')}")
        other = self.expr(e["else"], f"{path}.else") if "else" in e else "NULL"
        return "(CASE " + " ".join(parts) + f" ELSE {other} END)"

    def _epoch(self, e: dict[str, Any], form: str, path: str) -> str:
        value = self.expr(e[form], f"{path}.{form}")
        n = f"TRY_CAST({value} AS DOUBLE)"
        per_second = 1 if form == "epoch_s" else 1000
        micros = f"CAST(round({n} * {1_000_000 // per_second}) AS BIGINT)"
        # With its offset the text is read as this exact instant whatever the profile's
        # zone. make_timestamp counts microseconds from 1970 UTC; past year 9999 (or a
        # non-number) the text passes on as it is, for the timestamp rule to reject.
        instant = f"strftime(make_timestamp({micros}), '%Y-%m-%d %H:%M:%S.%f') || '+00:00'"
        return (
            f"(CASE WHEN {value} IS NULL THEN NULL WHEN {n} IS NULL THEN {value} "
            f"WHEN {n} <= 0 THEN NULL WHEN {n} < {253_402_300_800 * per_second} "
            f"THEN {instant} ELSE {value} END)"
        )

    def _scaled(self, e: dict[str, Any], form: str, by: str, path: str) -> str:
        value = self.expr(e[form], f"{path}.{form}")
        n = f"TRY_CAST({value} AS DOUBLE)"
        # A non-number passes on as it is, for the duration rule to reject.
        return f"coalesce(CAST(round({n} {by}, 6) AS VARCHAR), {value})"

    def _list_item(self, e: dict[str, Any], form: str, path: str) -> str:
        sep = e.get("sep", ",")
        if not isinstance(sep, str) or not sep:
            raise self._bad(f"{path}.sep", "sep is the text between the items, e.g. ','")
        value = self.expr(e[form], f"{path}.{form}")
        trimmed = f"list_transform(string_split({value}, {lit(sep)}), lambda x: trim(x))"
        items = f"list_filter({trimmed}, lambda x: x <> '')"
        return f"{items}[{'-1' if form == 'list_last' else '1'}]"

    def _aggregate(self, agg: str, e: dict[str, Any], path: str) -> str:
        if self.window is None:
            raise self._bad(path, f"'{agg}' is only allowed in a profile with 'collapse'")
        value = self.expr(e[agg], f"{path}.{agg}")
        if "where" in e:
            value = f"(CASE WHEN {self.condition(e['where'], f'{path}.where')} THEN {value} END)"
        if agg in ("min", "max"):
            return f"{agg}({value}) OVER ({self.window})"
        fn = "arg_min" if agg == "first" else "arg_max"
        # arg_min/arg_max skip NULL values, so "last" is the last non-empty value.
        return f"{fn}({value}, {self.order}) OVER ({self.window})"

    def condition(self, c: Any, path: str) -> str:
        if not isinstance(c, dict) or not c:
            raise self._bad(path, "a condition is a mapping such as {column: X, equals: Y}")
        if "all" in c or "any" in c:
            key = "all" if "all" in c else "any"
            joiner = " AND " if key == "all" else " OR "
            parts = [self.condition(x, f"{path}.{key}[{i}]") for i, x in enumerate(c[key])]
            return "(" + joiner.join(parts) + ")"
        if "not" in c:
            return f"(NOT coalesce({self.condition(c['not'], f'{path}.not')}, FALSE))"
        if "column" not in c:
            raise self._bad(path, "a condition needs 'column' (or all/any/not)")
        v = self.cell(str(c["column"]), path)
        if "equals" in c:
            return f"coalesce({v} = {lit(str(c['equals']))}, FALSE)"
        if "in" in c:
            return f"coalesce({v} IN ({', '.join(lit(str(x)) for x in c['in'])}), FALSE)"
        if "not_in" in c:
            return f"coalesce({v} NOT IN ({', '.join(lit(str(x)) for x in c['not_in'])}), TRUE)"
        if "empty" in c:
            return f"({v} IS NULL)" if c["empty"] else f"({v} IS NOT NULL)"
        if "matches" in c:
            return f"coalesce(regexp_matches({v}, {lit(str(c['matches']))}), FALSE)"
        for key, op in (("le", "<="), ("lt", "<"), ("ge", ">="), ("gt", ">")):
            if key in c:
                bound = c[key]
                if isinstance(bound, bool) or not isinstance(bound, int | float):
                    raise self._bad(f"{path}.{key}", f"{key} compares with a number, not {bound!r}")
                return f"coalesce(TRY_CAST({v} AS DOUBLE) {op} {float(bound)!r}, FALSE)"
        raise self._bad(
            path, "a column condition needs equals, in, not_in, empty, matches, le, lt, ge or gt"
        )


def latest_first(compiler: Compiler, dedupe: Dedupe) -> tuple[str, str]:
    """(PARTITION BY, ORDER BY) clauses that rank a key's rows latest first (see ``dedupe``).

    The order key is the instant in epoch seconds: digits of 12 or more are
    milliseconds, fewer seconds; other text is read as an ISO timestamp. Rows with no
    readable order key come last, and the later row in the file wins a tie.
    """
    by = [compiler.cell(b, f"dedupe.by[{i}]") for i, b in enumerate(dedupe.by)]
    t = f"trim({compiler.cell(dedupe.keep_last_by, 'dedupe.keep_last_by')})"
    n = f"TRY_CAST({t} AS DOUBLE)"
    key = (
        f"(CASE WHEN regexp_full_match({t}, '\\d+(\\.\\d+)?') "
        f"THEN (CASE WHEN {n} >= 1e11 THEN {n} / 1000 ELSE {n} END) "
        f"ELSE epoch(TRY_CAST({t} AS TIMESTAMPTZ)) END)"
    )
    return "PARTITION BY " + ", ".join(by), f"ORDER BY {key} DESC NULLS LAST, __row DESC"


def value_map(sql: str, values: dict[str, str | None]) -> str:
    """Map whole cell texts; unmapped texts pass through unchanged."""
    keys = lit_list(values.keys())
    whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in values.items())
    return f"(CASE WHEN list_contains({keys}, {sql}) THEN (CASE {sql} {whens} END) ELSE {sql} END)"
