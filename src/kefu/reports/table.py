"""The appraisal table (绩效考核表): its columns and cells, shared by xlsx and CSV.

One row per agent: identity, each indicator's value and points (grouped under
the indicator's name and weight), each dimension's points, bonus, penalty,
vetoes, total, grade and the three ranks. The workbook and the CSV render the
same columns, so a figure cannot say one thing in Excel and another in CSV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kefu.reports.catalogue import display_unit, indicator_name
from kefu.reports.formatting import Rating, assess, round_half_up
from kefu.reports.labels import text
from kefu.reports.meta import ReportMeta, ScorecardMeta, indicator_order
from kefu.reports.reasons import indicator_reason, translate

Result = Mapping[str, Any]


class Kind(StrEnum):
    TEXT = "text"  # imported text: neutralised against formula injection
    VALUE = "value"  # an indicator value, in data units
    POINTS = "points"
    RANK = "rank"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    group: str | None = None  # the upper header (indicator or dimension), if any
    indicator: str | None = None


@dataclass(frozen=True)
class Cell:
    value: Any
    rating: Rating | None = None
    note: str | None = None  # why the cell is unusual (status, reason)


def _weight_label(weight: float, locale: str) -> str:
    w = round_half_up(weight, 2).normalize()
    return f"{w:f}分" if locale.startswith("zh") else f"{w:f} pts"


def _indicator_columns(
    results: Sequence[Result], metas: Sequence[ScorecardMeta], locale: str
) -> list[Column]:
    """A value and a points column per indicator, grouped under its name and weight."""
    t = lambda key: text(key, locale)  # noqa: E731
    cols: list[Column] = []
    for ind in indicator_order(metas, results):
        weight = next(
            (m.indicators[ind].weight for m in metas if ind in m.indicators),
            next(
                (
                    float(i.get("weight") or 0)
                    for r in results
                    for i in r.get("indicators") or ()
                    if i["indicator"] == ind
                ),
                0.0,
            ),
        )
        group = f"{indicator_name(ind, locale)} ({_weight_label(weight, locale)})"
        cols.append(Column(f"{ind}:value", t("value"), Kind.VALUE, group, ind))
        cols.append(Column(f"{ind}:points", t("points"), Kind.POINTS, group, ind))
    return cols


def _dimension_columns(
    results: Sequence[Result], metas: Sequence[ScorecardMeta], locale: str
) -> list[Column]:
    """A points column per dimension, from the scorecards and then from the results."""
    dims: dict[str, tuple[str, float]] = {}
    for m in metas:
        for d in m.dimensions:
            dims.setdefault(d.id, (d.name(locale), d.weight))
    for r in results:
        for d in r.get("dimensions") or ():
            names = d.get("name") if isinstance(d.get("name"), Mapping) else {}
            name = names.get("zh" if locale.startswith("zh") else "en") or str(d["id"])
            dims.setdefault(d["id"], (name, float(d.get("weight") or 0)))
    return [
        Column(
            f"dim:{dim_id}",
            f"{name} ({_weight_label(weight, locale)})",
            Kind.POINTS,
            text("dimension", locale),
        )
        for dim_id, (name, weight) in dims.items()
    ]


def columns(results: Sequence[Result], meta: ReportMeta, locale: str) -> list[Column]:
    """The table's columns for ``results`` (indicators in scorecard order)."""
    t = lambda key: text(key, locale)  # noqa: E731
    metas = meta.used_by(results)
    cols = [
        Column("agent_id", t("agent_id"), Kind.TEXT),
        Column("name", t("name"), Kind.TEXT),
        Column("team", t("team"), Kind.TEXT),
        Column("site", t("site"), Kind.TEXT),
        *_indicator_columns(results, metas, locale),
        *_dimension_columns(results, metas, locale),
    ]
    cols += [
        Column("bonus", t("bonus"), Kind.POINTS),
        Column("penalty", t("penalty"), Kind.POINTS),
        Column("vetoes", t("vetoes"), Kind.TEXT),
        Column("total", t("total"), Kind.POINTS),
        Column("grade", t("grade"), Kind.TEXT),
    ]
    if any(r.get("grade_reason") for r in results):  # rows from kefu.reports.explain.explained
        cols.append(Column("grade_reason", t("grade_reason"), Kind.TEXT))
    if any(r.get("pay_coefficient") is not None for r in results):
        cols.append(Column("pay_coefficient", t("pay_coefficient"), Kind.POINTS))
    cols += [
        Column("rank_team", t("rank_team"), Kind.RANK),
        Column("rank_site", t("rank_site"), Kind.RANK),
        Column("rank_centre", t("rank_centre"), Kind.RANK),
        Column("notes", t("reason"), Kind.TEXT),
    ]
    return cols


def veto_text(veto: Any, locale: str) -> str:
    """One veto as a short text: the scorer's reason in ``locale``, or ``"complaint → C"``."""
    if isinstance(veto, Mapping):
        for key in ("reason", "message", "text"):
            if veto.get(key):
                return translate(veto[key], locale)
        what = veto.get("event") or veto.get("rule") or veto.get("id") or ""
        cap = veto.get("cap_grade")
        return f"{what} → {cap}" if cap else str(what)
    return str(veto)


def status_note(status: str | None, reason: str | None, locale: str) -> str | None:
    """The reason when there is one (it names the status), else the status itself."""
    if reason:
        return str(reason)
    if status in ("no_data", "insufficient_sample"):
        return text(f"status_{status}", locale)
    return None


def cells(result: Result, cols: Sequence[Column], meta: ReportMeta, locale: str) -> list[Cell]:
    """One row of the table for one agent's result."""
    sc = meta.for_result(result)
    by_indicator = {i["indicator"]: i for i in result.get("indicators") or ()}
    by_dimension = {d["id"]: d for d in result.get("dimensions") or ()}
    row: list[Cell] = []
    for col in cols:
        if col.indicator is not None:
            item = by_indicator.get(col.indicator)
            if item is None:
                row.append(Cell(None))
                continue
            status = str(item.get("status") or "ok")
            if col.kind is Kind.VALUE:
                rating = assess(item.get("value"), sc.indicators.get(col.indicator), status)
                row.append(Cell(item.get("value"), rating, status_note(status, None, locale)))
            else:
                # A raised weight is routine after a redistribution, and the
                # redistributed indicator's own note says so: not repeated per cell.
                reason = indicator_reason(
                    item, sc.indicators.get(col.indicator), locale, with_weight=False
                )
                row.append(Cell(item.get("points"), None, reason))
        elif col.key.startswith("dim:"):
            dim = by_dimension.get(col.key[4:])
            row.append(Cell(None if dim is None else dim.get("points")))
        elif col.key == "notes":
            row.append(Cell(_row_notes(result, cols, row, locale)))
        elif col.key == "vetoes":
            vetoes = result.get("vetoes") or []
            row.append(Cell("; ".join(veto_text(v, locale) for v in vetoes) or None))
        else:
            row.append(Cell(result.get(col.key)))
    return row


def _row_notes(
    result: Result, cols: Sequence[Column], row: Sequence[Cell], locale: str
) -> str | None:
    """Every note of the row in one text: per indicator, then the result's own reasons."""
    statuses = {text(f"status_{s}", locale) for s in ("no_data", "insufficient_sample")}
    notes: dict[str, list[str]] = {}
    for col, cell in zip(cols, row, strict=False):
        if cell.note:
            found = notes.setdefault(col.group or col.header, [])
            if cell.note not in found:
                found.append(cell.note)
    parts = []
    for group, found in notes.items():
        # A reason names the status already; the bare status label is only kept alone.
        kept = [n for n in found if n not in statuses] or found
        parts.append(f"{group}: {', '.join(kept)}")
    parts += [translate(reason, locale) for reason in result.get("reasons") or ()]
    return "; ".join(parts) or None


def sort_key(result: Result) -> tuple[Any, ...]:
    """Order within a team: by team rank, then agent id (ties stay stable)."""
    rank = result.get("rank_team")
    return (rank is None, rank or 0, str(result.get("agent_id")))


def unit_of(col: Column) -> Any:
    return display_unit(col.indicator) if col.indicator else None
