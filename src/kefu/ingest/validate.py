"""The import projection: from the ``raw`` text table to typed, validated rows.

Builds one SQL statement per stage, all executed inside DuckDB:

1. ``mapped`` — one text column ``t_<col>`` per canonical column (mapping profile
   expressions or matched headers, value maps, defaults); ``__keep`` is false on
   rows a profile skips.
2. ``checked`` — typed ``v_<col>`` columns, then the first rule each row breaks
   (``__err_col``/``__err_rule``/``__err_value``), including duplicate keys within
   the file and agents missing from the roster. A rejected row keeps its original
   cells (``raw:<c>``) for the reject log; accepted rows carry only typed values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kefu.ingest.mapping import Compiler, Profile, value_map
from kefu.ingest.parsing import SQL_TYPES, clean, ident, lit, parse_column
from kefu.ingest.readers import RawFile, Unreadable
from kefu.ingest.recognize import match_headers
from kefu.store.tables import Column, Kind, Table

SEP = "\x1f"
BLANK = SEP + "blank"  # a row with nothing in it: skipped, as a spreadsheet shows nothing
TOO_LONG = "cell_bytes: "  # the rule of a text over the cell cap (the file then loads nothing)
_KIND_HINT = {
    Kind.TIMESTAMP: "not a date and time (e.g. 2026-10-01 08:00:05)",
    Kind.DATE: "not a date (e.g. 2026-10-01)",
    Kind.DURATION: "not a duration (e.g. 95, 00:01:35, 1分35秒)",
    Kind.BOOL: "not a yes/no value (是/否, Y/N, true/false, 1/0)",
    Kind.INT: "not a whole number",
    Kind.NUMBER: "not a number",
}
# Row rules across columns: (column reported, SQL condition on typed values, rule, message).
ROW_RULES: dict[str, list[tuple[str, str, str, str]]] = {
    "contacts": [
        ("answered_at", "v_answered_at < v_offered_at", "answered_before_offered",
         "answered before it was offered"),
        ("ended_at", "v_ended_at < v_answered_at", "ended_before_answered",
         "ended before it was answered"),
        ("ended_at", "v_ended_at < v_offered_at", "ended_before_offered",
         "ended before it was offered"),
    ],
    "tickets": [
        ("closed_at", "v_closed_at < v_created_at", "closed_before_created",
         "closed before it was created"),
        ("due_at", "v_due_at < v_created_at", "due_before_created", "due before it was created"),
    ],
    "qa_evaluations": [
        ("info_correct", "v_info_correct > v_info_checked", "info_correct_exceeds_checked",
         "more items correct than checked"),
    ],
    "agents": [
        ("leave_date", "v_leave_date < v_hire_date", "left_before_hired",
         "leave date before hire date"),
    ],
}  # fmt: skip


@dataclass
class Plan:
    """What the projection reads: per canonical column, its text SQL (None = absent)."""

    texts: dict[str, str | None]
    skip_filter: str | None = None
    collapse: tuple[str, str] | None = None  # (window clause, order key)
    scale5: bool = False  # ratings: the score header says the scale is 1–5
    found: dict[str, str] = field(default_factory=dict)  # canonical → header, for messages
    cleaned: str = "SELECT * FROM raw"  # the raw table with every cell normalised once
    numbered: bool = True  # raw has __row (else rows are numbered by position later)
    originals: list[str] = field(default_factory=list)  # raw's cell columns
    # Columns read straight from one cell (no profile expression or value map): their
    # text is cleaned inline, so a typed value can first be tried on the raw cell.
    direct: dict[str, str] = field(default_factory=dict)  # canonical → raw cell column
    null_values: list[str] = field(default_factory=list)


def plan(spec: Table, raw: RawFile, profile: Profile | None, file_name: str) -> Plan:
    null_values = list(profile.null_values) if profile else []
    window = order = None
    if profile and profile.collapse:
        base = Compiler(profile.name, raw.columns)
        by = [base.cell(b, "collapse.by") for b in profile.collapse.by]
        order = base.cell(profile.collapse.order_by, "collapse.order_by")
        window = "PARTITION BY " + ", ".join(by)
    compiler = Compiler(
        profile.name if profile else "headers", raw.columns, window=window, order=order
    )
    found = match_headers(spec, raw.headers) if (profile is None or profile.match_headers) else {}
    texts: dict[str, str | None] = {}
    direct: dict[str, str] = {}
    for c in spec.columns:
        if profile and c.name in profile.columns:
            text: str | None = compiler.expr(profile.columns[c.name], f"columns.{c.name}")
        elif c.name in found:
            text = ident(raw.columns[found[c.name]])
            if not (profile and profile.values.get(c.name)):
                direct[c.name] = raw.columns[found[c.name]]
        else:
            text = None
        if text is not None and profile and profile.values.get(c.name):
            text = value_map(text, profile.values[c.name])
        texts[c.name] = text
    missing = [r for r in spec.required if texts.get(r) is None]
    if missing:
        raise Unreadable(
            f"{file_name}: no column for required {spec.name} field(s) "
            f"{', '.join(_describe(spec.column(m)) for m in missing)}; "
            f"the file's headers are: {', '.join(raw.headers)}; "
            "map them with a mapping profile (--mapping)"
        )
    keep = []
    if profile and profile.keep:
        keep.append(compiler.condition(profile.keep, "keep"))
    if profile and profile.drop:
        keep.append(f"NOT coalesce({compiler.condition(profile.drop, 'drop')}, FALSE)")
    scale5 = any(
        marker in found.get("score", "") for marker in ("1-5", "1–5", "1~5", "五分制", "5分制")
    )
    numbered = raw.header_rows is None
    if not numbered and window:
        raise ValueError("a profile that collapses rows needs numbered rows")
    originals = list(raw.columns.values())
    cells = ", ".join(f"{clean(ident(c), null_values)} AS {ident(c)}" for c in originals)
    kept = ", ".join(f"{ident(c)} AS {ident(raw_cell(c))}" for c in originals)
    return Plan(
        cleaned=f"SELECT {'__row, ' if numbered else ''}__shape, {cells}, {kept} FROM raw",
        numbered=numbered,
        originals=originals,
        direct=direct,
        null_values=null_values,
        texts=texts,
        skip_filter=" AND ".join(keep) or None,
        collapse=(window, order) if window and order else None,
        scale5=scale5,
        found=found,
    )


def raw_cell(column: str) -> str:
    """The name under which a raw cell's original text travels through the projection."""
    return "raw:" + column


def _describe(c: Column) -> str:
    return f"{c.name} ({' / '.join(c.aliases[:3])})" if c.aliases else c.name


def _text_with_default(spec: Table, c: Column, texts: Mapping[str, str | None]) -> str:
    text = texts.get(c.name) or "CAST(NULL AS VARCHAR)"
    if spec.name == "agents" and c.name == "valid_from":
        # A team assignment without a date holds from hiring, or from the beginning of time.
        hire = texts.get("hire_date") or "NULL"
        return f"coalesce({text}, {hire}, '1900-01-01')"
    if c.default is not None:
        default = c.default
        if isinstance(default, bool):
            default = "true" if default else "false"
        return f"coalesce({text}, {lit(str(default))})"
    return text


def mapped_sql(spec: Table, p: Plan) -> str:
    cols = ", ".join(
        f"{_text_with_default(spec, c, p.texts)} AS {ident('t_' + c.name)}"
        for c in spec.columns
        if c.name not in p.direct
    )
    originals = ", ".join(ident(raw_cell(c)) for c in p.originals)
    row = "__row, " if p.numbered else ""
    # Numbered rows can simply be left out; positional ones must all stay, or the
    # positions would no longer be the file's rows.
    keep = f"coalesce({p.skip_filter}, FALSE)" if p.skip_filter and not p.numbered else "TRUE"
    cols = f"{cols}, " if cols else ""
    sql = f"SELECT {row}__shape, {keep} AS __keep, {cols}{originals} FROM ({p.cleaned}) AS raw"
    if p.skip_filter and p.numbered:
        sql += f" WHERE {p.skip_filter}"
    if p.collapse:
        window, order = p.collapse
        last = f"row_number() OVER ({window} ORDER BY {order} DESC NULLS LAST, __row DESC)"
        sql += f" QUALIFY {last} = 1"
    return sql


def text_of(spec: Table, c: Column, p: Plan) -> str:
    """SQL for a column's cleaned text: a column of ``mapped``, or inline for a direct one.

    Inline text is evaluated only where an expression needs it — for most rows the
    typed value comes from the raw cell and the text is never built.
    """
    if c.name not in p.direct:
        return ident("t_" + c.name)
    # A default may read another column's text (valid_from falls back to hire_date):
    # in this projection that text is inline too, or a column of ``mapped``.
    texts = {
        name: clean(ident(raw_cell(p.direct[name])), p.null_values)
        if name in p.direct
        else ident("t_" + name)
        for name in p.texts
    }
    return _text_with_default(spec, c, texts)


def _raw_of(c: Column, p: Plan) -> str | None:
    # The raw cell may stand in for the text only where nothing is read as empty
    # besides what cleaning empties (no profile null values) and no default applies.
    if c.name not in p.direct or p.null_values or c.default is not None:
        return None
    return ident(raw_cell(p.direct[c.name]))


def _typed(spec: Table, c: Column, tz: str, formats: Sequence[str], p: Plan, excel: bool) -> str:
    t = text_of(spec, c, p)
    value = parse_column(c, t, tz, formats, excel=excel, raw=_raw_of(c, p))
    if spec.name == "ratings" and c.name == "score":
        # A 1–5 rating is stored on the 0–100 scale as (r − 1) × 25.
        scale = f"TRY_CAST({text_of(spec, spec.column('scale'), p)} AS DOUBLE)"
        five = f"(coalesce({scale} = 5, FALSE) OR ({scale} IS NULL AND {lit(p.scale5)}))"
        value = f"(CASE WHEN {five} THEN ({value} - 1) * 25 ELSE {value} END)"
    return f"CAST({value} AS {SQL_TYPES[c.kind]})"


def _column_checks(spec: Table, c: Column, p: Plan) -> list[tuple[str, str, str]]:
    """(condition, rule, message) for one column, in the order they are reported.

    Empty text always gives an empty value, so the text is looked at only where the
    value is empty: for nearly every row it is never built.
    """
    t, v = text_of(spec, c, p), ident("v_" + c.name)
    checks = []
    if c.required:
        checks.append((f"{v} IS NULL AND {t} IS NULL", "missing", f"required {c.name} is empty"))
    if c.kind is Kind.ENUM and c.values:
        hint = f"not one of {', '.join(c.canonical_values)}"
        checks.append((f"{v} IS NULL AND {t} IS NOT NULL", "unparsable", hint))
    elif c.kind in _KIND_HINT:
        checks.append((f"{v} IS NULL AND {t} IS NOT NULL", "unparsable", _KIND_HINT[c.kind]))
    if spec.name == "ratings" and c.name == "score":
        checks.append(
            (f"{v} < 0 OR {v} > 100", "out_of_range", "must be 0–100 (or 1–5 with scale 5)")
        )
        return checks
    lo, hi = c.minimum, c.maximum
    if lo is not None and hi is not None:
        checks.append((f"{v} < {lo} OR {v} > {hi}", "out_of_range", f"must be {lo:g}–{hi:g}"))
    elif lo is not None:
        checks.append((f"{v} < {lo}", "out_of_range", f"must be at least {lo:g}"))
    return checks


def checked_sql(
    spec: Table,
    p: Plan,
    tz: str,
    formats: dict[str, list[str]],
    *,
    excel: bool,
    cell_bytes: int | None = None,
) -> str:
    """SELECT of typed columns, and the first rule each row breaks (``__err``).

    ``cell_bytes``: text columns longer than this are marked (rule ``cell_bytes``),
    last, so only rows that are otherwise valid are measured, while in memory.
    Row by row only — no join, no window — so that a scan keeps the file's order
    (see :func:`judged_sql` for the roster check).
    """
    typed = ", ".join(
        f"{_typed(spec, c, tz, formats.get(c.name, []), p, excel)} AS {ident('v_' + c.name)}"
        for c in spec.columns
    )
    # A blank row lacks its key, or has too few fields: only such rows are looked at
    # cell by cell (CASE tests a condition only on rows no earlier one matched).
    key = next(c for c in spec.columns if c.required)
    missing = _column_checks(spec, key, p)[0][0]
    blank = " AND ".join(f"coalesce(trim({ident(raw_cell(c))}), '') = ''" for c in p.originals)
    whens = [
        f"WHEN ({missing} OR __shape IS NOT NULL) AND {blank} THEN {lit(BLANK)}",
        "WHEN __shape IS NOT NULL THEN '' || chr(31) || 'field_count: ' || __shape",
    ]
    for c in spec.columns:
        for cond, rule, message in _column_checks(spec, c, p):
            whens.append(f"WHEN {cond} THEN {lit(c.name + SEP + rule + ': ' + message)}")
    for col, cond, rule, message in ROW_RULES.get(spec.name, []):
        whens.append(f"WHEN {cond} THEN {lit(col + SEP + rule + ': ' + message)}")
    if cell_bytes is not None:
        for c in spec.columns:
            if c.kind is Kind.TEXT:
                v = ident("v_" + c.name)
                whens.append(f"WHEN strlen({v}) > {int(cell_bytes)} THEN "
                             f"{lit(c.name + SEP + TOO_LONG)} || strlen({v})")  # fmt: skip
    err = "(CASE " + " ".join(whens) + " END)"
    # Only the typed values, the reason and the offending cell's text are kept: the text
    # columns would double what an import holds for nothing.
    values = ", ".join(ident("v_" + c.name) for c in spec.columns)
    err_text = " ".join(f"WHEN {lit(c.name)} THEN {text_of(spec, c, p)}" for c in spec.columns)
    originals = ", ".join(
        f"CASE WHEN __err IS NOT NULL THEN {ident(raw_cell(c))} END AS {ident(raw_cell(c))}"
        for c in p.originals
    )
    row = "__row, " if p.numbered else ""
    return f"""
        WITH typed AS (SELECT *, {typed} FROM mapped),
        judged AS (SELECT *, {err} AS __err FROM typed)
        SELECT {row}__keep AND __err IS DISTINCT FROM {lit(BLANK)} AS __keep, {values}, __err,
            CASE split_part(__err, chr(31), 1) {err_text} END AS __err_text, {originals}
        FROM judged
    """


def unknown_agents_sql(roster: str) -> str:
    """Agent ids of otherwise valid rows of ``checked_base`` that ``roster`` lacks."""
    return (
        "SELECT DISTINCT v_agent_id AS agent_id FROM checked_base "
        f"WHERE __err IS NULL AND v_agent_id IS NOT NULL "
        f"AND v_agent_id NOT IN (SELECT agent_id FROM ({roster}))"
    )


def judged_sql(*, unknown_agents: bool) -> str:
    """``checked_base`` with rows of agents in the table ``unknown_agents`` rejected."""
    if not unknown_agents:
        return "SELECT * FROM checked_base"
    reason = lit("agent_id" + SEP + "unknown_agent: agent is not in the roster")
    return f"""
        SELECT b.* EXCLUDE (__err, __err_text),
            CASE WHEN b.__err IS NOT NULL THEN b.__err WHEN u.agent_id IS NOT NULL
                THEN {reason} END AS __err,
            CASE WHEN b.__err IS NULL AND u.agent_id IS NOT NULL THEN b.v_agent_id
                ELSE b.__err_text END AS __err_text
        FROM checked_base AS b LEFT JOIN unknown_agents AS u ON u.agent_id = b.v_agent_id
    """


def duplicates_sql(spec: Table, *, exact: bool) -> str:
    """How many accepted rows repeat the key of an earlier one (no sort).

    Counting distinct 64-bit hashes is far cheaper than distinct strings, and as
    many hashes as rows proves every key distinct; only otherwise need the keys
    themselves be compared (``exact``), so that a collision rejects nothing.
    """
    keys = ", ".join(ident("v_" + k) for k in spec.key)
    distinct = f"({keys})" if exact else f"hash({keys})"
    return f"SELECT count(*) - count(DISTINCT {distinct}) FROM judged WHERE __err IS NULL"


def final_sql(spec: Table, *, duplicates: bool) -> str:
    """``judged`` with duplicate keys rejected (first row wins) and the reason split."""
    err = "__err"
    if duplicates:
        keys = ", ".join(ident("v_" + k) for k in spec.key)
        window = f"PARTITION BY {keys}, __err IS NULL"
        reason = lit(spec.key[0] + SEP + "duplicate_key: same key as row ")
        err = (
            f"(CASE WHEN __err IS NOT NULL THEN __err WHEN row_number() OVER ({window} "
            f"ORDER BY __row) > 1 THEN {reason} "
            f"|| CAST(min(__row) OVER ({window}) AS VARCHAR) END)"
        )
    key = ident("v_" + spec.key[0])
    return f"""
        WITH final AS (SELECT * EXCLUDE (__err, __err_text), {err} AS __err,
            coalesce(__err_text, CAST({key} AS VARCHAR)) AS __key_text, __err_text
            FROM judged)
        SELECT * EXCLUDE (__err, __err_text, __key_text),
            nullif(split_part(__err, chr(31), 1), '') AS __err_col,
            split_part(__err, chr(31), 2) AS __err_rule,
            CASE WHEN split_part(__err, chr(31), 1) = {lit(spec.key[0])} THEN __key_text
                ELSE __err_text END AS __err_value,
            __err IS NOT NULL AS __rejected
        FROM final
    """
