"""Which export header is which canonical column: suggestions for the import wizard.

Pure functions over a file's headers and its first rows (text, as every reader gives
them). A header is suggested for a column, strongest first, because

1. ``alias``: it spells the column's name or one of its aliases (as an import without
   a profile would match it);
2. ``name``: a word of it names the column (``Start`` → offered_at, ``Hangup`` →
   ended_at, ``Ext`` → agent_id) *and* its sample values fit the column's kind;
3. ``values``: its sample values fit the column and no other header's do — for agent
   ids, values found in the roster (or shaped like a 工号 when no roster is stored).

Each header is suggested for one column at most; a column with no fitting header is
left for the person to choose. Usage::

    suggest(TABLES["contacts"], ["CallRef", "Start", "Ext"], rows, roster={"A001"})
    → {"offered_at": Suggestion("offered_at", "Start", "name"), ...}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from kefu.ingest.mapping import norm_header
from kefu.store.tables import Column, Kind, Table

# Sample values must fit in this share of the non-empty cells to count as fitting.
FIT_SHARE = 0.8

TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
    "%Y%m%d%H%M%S", "%Y-%m-%d", "%Y/%m/%d",
)  # fmt: skip
CLOCK = re.compile(r"\d{1,3}:[0-5]\d(:[0-5]\d)?")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
# A 工号: letters then digits (A001, KF1024) or digits alone, 3 to 12 characters.
AGENT_ID = re.compile(r"[A-Za-z]{0,4}\d{2,10}")
BOOLS = {"是", "否", "y", "n", "yes", "no", "true", "false", "1", "0", "t", "f"}
EPOCH = re.compile(r"1\d{9}(\d{3})?")

# Words (normalised) in a header that name a column, besides the column's own name parts.
WORDS: dict[str, tuple[str, ...]] = {
    "contact_id": ("callid", "callref", "sessionid", "contactid", "通话编号", "会话编号", "记录id"),
    "agent_id": ("agent", "ext", "extension", "staff", "坐席", "工号", "分机", "员工"),
    "customer_id": ("caller", "customer", "ani", "主叫", "客户", "电话"),
    "channel": ("channel", "渠道", "媒体"),
    "direction": ("direction", "calltype", "方向", "类型"),
    "offered_at": ("start", "begin", "offer", "arrive", "ring", "进线", "来电", "开始", "发起"),
    "answered_at": ("answer", "connect", "pickup", "应答", "接通", "接听"),
    "ended_at": ("end", "hangup", "finish", "stop", "结束", "挂机", "挂断"),
    "talk_seconds": ("talk", "duration", "billsec", "通话时长", "时长"),
    "hold_seconds": ("hold", "保持"),
    "acw_seconds": ("acw", "wrap", "aftercall", "话后", "整理"),
    "transferred": ("transfer", "转接"),
    "resolved": ("resolve", "solved", "解决"),
    "category": ("category", "topic", "queue", "skill", "分类", "类型", "技能组"),
    "waybill_no": ("waybill", "tracking", "运单", "单号"),
}


@dataclass(frozen=True)
class Suggestion:
    column: str
    header: str
    reason: str  # "alias" | "name" | "values"


def suggest(
    spec: Table,
    headers: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    roster: Iterable[str] = (),
) -> dict[str, Suggestion]:
    """Canonical column → the header suggested for it (see the module notes)."""
    known = frozenset(roster)
    samples: dict[str, list[str]] = {
        h: [v for r in rows if i < len(r) and (v := r[i]) not in (None, "")]
        for i, h in enumerate(headers)
    }
    found: dict[str, Suggestion] = {}
    used: set[str] = set()

    def take(column: str, header: str, reason: str) -> None:
        found[column] = Suggestion(column, header, reason)
        used.add(header)

    # 1. Aliases, as the import itself would match them.
    for c in spec.columns:
        spellings = {norm_header(s) for s in (c.name, *c.aliases)}
        for h in headers:
            if h not in used and norm_header(h) in spellings:
                take(c.name, h, "alias")
                break
    # 2. A word of the header names the column and the values fit.
    for c in spec.columns:
        if c.name in found:
            continue
        for h in headers:
            if h not in used and names_column(c, h) and fits(c, samples[h], known):
                take(c.name, h, "name")
                break
    # 3. Values alone, when exactly one free header fits (two fitting times say nothing).
    for c in spec.columns:
        if c.name in found or (c.kind in (Kind.TEXT, Kind.NUMBER) and c.name != "agent_id"):
            continue
        fitting = [
            h for h in headers if h not in used and samples[h] and fits(c, samples[h], known)
        ]
        if len(fitting) == 1:
            take(c.name, fitting[0], "values")
    return found


def names_column(column: Column, header: str) -> bool:
    """Whether a word of ``header`` names ``column`` (its name's parts or its words)."""
    h = norm_header(header)
    parts = [p for p in column.name.split("_") if p not in ("at", "id", "seconds", "no")]
    words = (*WORDS.get(column.name, ()), *parts)
    return any(norm_header(w) in h for w in words if w)


def fits(column: Column, values: Sequence[str], roster: frozenset[str] = frozenset()) -> bool:
    """Whether the sample ``values`` fit the column's kind (most of them, at least one)."""
    if not values:
        return False
    check = _checks(column, roster)
    good = sum(1 for v in values if check(v.strip()))
    return good >= FIT_SHARE * len(values)


def _checks(column: Column, roster: frozenset[str]) -> Callable[[str], bool]:
    if column.name == "agent_id" or column.name == "supervisor_id":
        if roster:
            return lambda v: v in roster
        return lambda v: bool(AGENT_ID.fullmatch(v))
    if column.kind is Kind.TIMESTAMP:
        return is_timestamp
    if column.kind is Kind.DATE:
        return lambda v: is_timestamp(v) and len(v) <= 10
    if column.kind is Kind.DURATION:
        return lambda v: bool(NUMBER.fullmatch(v) or CLOCK.fullmatch(v)) and not EPOCH.fullmatch(v)
    if column.kind is Kind.BOOL:
        return lambda v: v.lower() in BOOLS
    if column.kind is Kind.ENUM:
        accepted = {k.lower() for k in column.values} | set(column.canonical_values)
        return lambda v: v.lower() in accepted
    if column.kind in (Kind.INT, Kind.NUMBER):
        return lambda v: bool(NUMBER.fullmatch(v.rstrip("%")))
    return lambda v: True


def is_timestamp(value: str) -> bool:
    """A date-time in one of the usual export spellings, or epoch seconds / milliseconds."""
    if EPOCH.fullmatch(value):
        return True
    for fmt in TIMESTAMP_FORMATS:
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            continue
        return True
    return False
