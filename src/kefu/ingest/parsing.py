"""Parsing rules as DuckDB SQL: one expression per canonical column, no per-row Python.

Every cell is read as text. :func:`clean` normalises it (full-width digits,
colons and spaces, surrounding space, empty → NULL); the ``parse_*`` builders
turn the cleaned text into the stored type and yield NULL where the text does
not parse, so the caller can tell "empty" from "unparsable" by comparing the
two. Timestamps come out as naive UTC (naive input is read in the workspace
zone), dates as local dates, durations as float seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from kefu.store.tables import CSAT_LABELS, Column, Kind

# Full-width ASCII (U+FF01–U+FF5E), the ideographic and no-break spaces, as NFKC folds them.
_FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000\u00a0"
_HALF = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + "  "

TRUE_WORDS = ("是", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对", "有", "真")
FALSE_WORDS = ("否", "n", "no", "false", "f", "0", "×", "✗", "✘", "错", "无", "假")

# Naive timestamp spellings tried in order (DuckDB strptime accepts 1-digit fields).
TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日%H时%M分%S秒",
    "%Y年%m月%d日%H时%M分",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")

_OFFSET = r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"
_NUMBER = r"[+-]?\d+(\.\d+)?"
_HMS = r"^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$"
_MS = r"^(\d+):(\d{1,2}(?:\.\d+)?)$"
_ZH = (
    r"^(?:(\d+(?:\.\d+)?)(?:小时|时|h|hr|hrs|hour|hours))?\s*"
    r"(?:(\d+(?:\.\d+)?)(?:分钟|分|m|min|mins|minute|minutes))?\s*"
    r"(?:(\d+(?:\.\d+)?)(?:秒钟|秒|s|sec|secs|second|seconds))?$"
)


def lit(value: object) -> str:
    """A SQL literal for a Python value (strings are quoted and escaped)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit_list(values: Iterable[object]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def clean(expr: str, null_values: Iterable[str] = ()) -> str:
    """Normalised text: full-width folded, trimmed, empty and ``null_values`` → NULL."""
    # Most cells are plain ASCII with nothing to trim, and copying them is what costs at
    # tens of millions of rows: translate() only runs on text holding a full-width
    # character (strlen counts bytes, length characters: they differ only for
    # non-ASCII text), trim() only on text that starts or ends with a space.
    folded = f"nullif(trim(translate({expr}, {lit(_FULL)}, {lit(_HALF)})), '')"
    trimmed = (
        f"(CASE WHEN strlen({expr}) <> length({expr}) "
        f"AND regexp_matches({expr}, '[\uff01-\uff5e\u3000\u00a0]') THEN {folded} "
        f"WHEN starts_with({expr}, ' ') OR ends_with({expr}, ' ') THEN nullif(trim({expr}), '') "
        f"ELSE nullif({expr}, '') END)"
    )
    nulls = ", ".join(lit(v) for v in null_values)
    if not nulls:
        return trimmed
    return f"(CASE WHEN {trimmed} IN ({nulls}) THEN NULL ELSE {trimmed} END)"


def _local_to_utc(ts: str, tz: str) -> str:
    fixed = fixed_offset_since(tz)
    general = f"timezone('UTC', timezone({lit(tz)}, {ts}))"
    if fixed is None:
        return general
    # Since the zone's last offset change, plain arithmetic gives the same instant as the
    # (much slower) time-zone database lookup.
    since, seconds = fixed
    return (
        f"(CASE WHEN {ts} >= TIMESTAMP '{since:%Y-%m-%d %H:%M:%S}' "
        f"THEN {ts} - INTERVAL {seconds} SECOND ELSE {general} END)"
    )


@cache
def fixed_offset_since(tz: str) -> tuple[datetime, int] | None:
    """(local time after which ``tz`` never changes offset again, that offset in seconds).

    None when the zone still changes (daylight saving) before 2100. Found by
    scanning the zone's offsets a day at a time backwards from 2100 — local
    times a day past the last change are safely in the fixed part.
    """
    zone = ZoneInfo(tz)
    end = datetime(2100, 1, 1, tzinfo=UTC)
    offset = end.astimezone(zone).utcoffset()
    if offset is None or datetime(2099, 7, 1, tzinfo=UTC).astimezone(zone).utcoffset() != offset:
        return None
    day = end
    while day.year > 1900:
        before = day - timedelta(days=1)
        if before.astimezone(zone).utcoffset() != offset:
            local = (day + timedelta(days=1)).astimezone(zone).replace(tzinfo=None)
            return local, int(offset.total_seconds())
        day = before
    return datetime(1900, 1, 1), int(offset.total_seconds())


def _excel_serial(t: str) -> str:
    # Excel counts days from 1899-12-30 (the 1900 leap-year bug folded in).
    return (
        "(TIMESTAMP '1899-12-30 00:00:00' + "
        f"to_microseconds(CAST(round(CAST({t} AS DOUBLE) * 86400000000) AS BIGINT)))"
    )


def parse_timestamp(
    t: str, tz: str, formats: Iterable[str] = (), *, excel: bool = False, raw: str | None = None
) -> str:
    fmts = lit_list([*formats, *TIMESTAMP_FORMATS, *DATE_FORMATS])
    parts = [
        f"WHEN {t} IS NULL THEN NULL",
        f"WHEN regexp_matches({t}, {lit(_OFFSET)}) "
        f"THEN timezone('UTC', TRY_CAST({t} AS TIMESTAMPTZ))",
    ]
    if excel:
        serial = _local_to_utc(_excel_serial(t), tz)
        parts.append(f"WHEN regexp_full_match({t}, {lit(_NUMBER)}) THEN {serial}")
    naive = f"TRY_STRPTIME({t}, {fmts})"
    parts.append(f"ELSE {_local_to_utc(naive, tz)}")
    general = "(CASE " + " ".join(parts) + " END)"
    # Nearly every export writes one plain spelling: try it alone first, on the raw cell
    # when there is one (text it parses is text cleaning would leave alone). DuckDB
    # evaluates the rest of a coalesce only on the rows still NULL, so the general rules
    # (cleaning, regular expressions, a list of formats) run only for the unusual cells.
    plain = _local_to_utc(f"TRY_STRPTIME({raw or t}, '%Y-%m-%d %H:%M:%S')", tz)
    return f"coalesce({plain}, {general})"


def parse_date(t: str, tz: str, formats: Iterable[str] = (), *, excel: bool = False) -> str:
    fmts = lit_list([*formats, *DATE_FORMATS, *TIMESTAMP_FORMATS])
    parts = [
        f"WHEN {t} IS NULL THEN NULL",
        # An instant with an offset falls on a local calendar day of the workspace zone.
        f"WHEN regexp_matches({t}, {lit(_OFFSET)}) "
        f"THEN CAST(timezone({lit(tz)}, TRY_CAST({t} AS TIMESTAMPTZ)) AS DATE)",
    ]
    if excel:
        parts.append(
            f"WHEN regexp_full_match({t}, {lit(_NUMBER)}) THEN CAST({_excel_serial(t)} AS DATE)"
        )
    parts.append(f"ELSE CAST(TRY_STRPTIME({t}, {fmts}) AS DATE)")
    return "(CASE " + " ".join(parts) + " END)"


def parse_duration(t: str, raw: str | None = None) -> str:
    def g(pattern: str, n: int) -> str:
        return (
            f"coalesce(TRY_CAST(nullif(regexp_extract({t}, {lit(pattern)}, {n}), '') AS DOUBLE), 0)"
        )

    return (
        # Plain seconds first (DECIMAL refuses nan/inf, which DOUBLE would take); the
        # cast ignores surrounding spaces, so the raw cell gives what its text would.
        f"coalesce(CAST(TRY_CAST({raw or t} AS DECIMAL(18, 6)) AS DOUBLE), "
        f"CASE WHEN {t} IS NULL THEN NULL "
        f"WHEN regexp_full_match({t}, {lit(_NUMBER)}) THEN TRY_CAST({t} AS DOUBLE) "
        f"WHEN regexp_matches({t}, {lit(_HMS)}) "
        f"THEN {g(_HMS, 1)} * 3600 + {g(_HMS, 2)} * 60 + {g(_HMS, 3)} "
        f"WHEN regexp_matches({t}, {lit(_MS)}) THEN {g(_MS, 1)} * 60 + {g(_MS, 2)} "
        f"WHEN regexp_matches({t}, '\\d') AND regexp_matches({t}, {lit(_ZH)}) "
        f"THEN {g(_ZH, 1)} * 3600 + {g(_ZH, 2)} * 60 + {g(_ZH, 3)} END)"
    )


def parse_bool(t: str, raw: str | None = None) -> str:
    words = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
    low = f"lower({t})"
    general = (
        f"(CASE WHEN {low} IN ({', '.join(map(lit, TRUE_WORDS))}) THEN TRUE "
        f"WHEN {low} IN ({', '.join(map(lit, FALSE_WORDS))}) THEN FALSE END)"
    )
    return _exact_first(raw, words, general)


def parse_enum(t: str, values: Mapping[str, str], raw: str | None = None) -> str:
    if not values:
        return t
    whens = " ".join(f"WHEN {lit(k.lower())} THEN {lit(v)}" for k, v in values.items())
    return _exact_first(
        raw, {k.lower(): v for k, v in values.items()}, f"(CASE lower({t}) {whens} END)"
    )


def _exact_first(raw: str | None, words: Mapping[str, object], general: str) -> str:
    """``general``, after a plain lookup of the raw cell among ``words`` (if there is one).

    Only words that cleaning and lower-casing leave as they are may match the raw
    cell directly; anything else (padded, full-width, upper-case) takes the general way.
    """
    plain = {w: v for w, v in words.items() if w == w.strip() and w == w.lower() and w == fold(w)}
    if raw is None or not plain:
        return general
    whens = " ".join(f"WHEN {lit(w)} THEN {lit(v)}" for w, v in plain.items())
    return f"coalesce((CASE {raw} {whens} END), {general})"


def fold(text: str) -> str:
    """Full-width characters as :func:`clean` folds them (in Python, for literals)."""
    return text.translate(str.maketrans(_FULL, _HALF))


def parse_number(t: str, *, percent: bool = False) -> str:
    if percent:
        # "95%" on a 0–100 scale is 95.
        t = f"(CASE WHEN ends_with({t}, '%') THEN trim(rtrim({t}, '%')) ELSE {t} END)"
    return f"TRY_CAST({t} AS DOUBLE)"


def parse_int(t: str, *, percent: bool = False, labels: Mapping[str, int] | None = None) -> str:
    number = parse_number(t, percent=percent)
    whole = f"(CASE WHEN {number} = floor({number}) THEN CAST({number} AS BIGINT) END)"
    if labels:
        whens = " ".join(f"WHEN {lit(k)} THEN {v}" for k, v in labels.items())
        return f"coalesce((CASE {t} {whens} END), {whole})"
    return whole


def parse_column(
    column: Column, t: str, tz: str, formats: Iterable[str], *, excel: bool, raw: str | None = None
) -> str:
    """The typed value of ``column`` from cleaned text ``t`` (NULL when unparsable).

    ``raw`` is the uncleaned cell the text comes from, if it comes from one cell
    alone: the common spellings are then tried on it first, so that cleaning runs
    only for the cells that need it. The result is the same either way.
    """
    kind = column.kind
    if kind is Kind.TIMESTAMP:
        return parse_timestamp(t, tz, formats, excel=excel, raw=raw)
    if kind is Kind.DATE:
        return parse_date(t, tz, formats, excel=excel)
    if kind is Kind.DURATION:
        return parse_duration(t, raw)
    if kind is Kind.BOOL:
        return parse_bool(t, raw)
    if kind is Kind.ENUM:
        return parse_enum(t, column.values, raw)
    if kind is Kind.INT:
        labels = dict(CSAT_LABELS) if column.name == "csat" else None
        if column.name == "info_correct":
            # A yes/no 信息是否准确 means one item checked, found correct or not.
            yes_no = f"CAST({parse_bool(t)} AS BIGINT)"
            return f"coalesce({parse_int(t)}, {yes_no})"
        return parse_int(t, percent=column.percent, labels=labels)
    if kind is Kind.NUMBER:
        return parse_number(t, percent=column.percent)
    return t


SQL_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.ENUM: "VARCHAR",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.DATE: "DATE",
    Kind.DURATION: "DOUBLE",
    Kind.BOOL: "BOOLEAN",
    Kind.INT: "BIGINT",
    Kind.NUMBER: "DOUBLE",
}
