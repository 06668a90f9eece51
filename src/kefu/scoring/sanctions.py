"""Penalties and vetoes: the events of one agent that take points or cap the grade.

An event counts when its record passes the rule's ``where`` filter
(:func:`matches`); penalty points are capped per rule, and every veto that
fires caps the grade (scorecard.md, "Penalties" and "Veto").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kefu.scoring.result_model import PenaltyItem, Veto
from kefu.scoring.scorecard import Scorecard, Where

Events = Mapping[str, Sequence[Mapping[str, Any]]]


def figure_text(x: float | None) -> str:
    """A number as the reasons write it (six significant digits; "—" for none)."""
    return "—" if x is None else f"{x:.6g}"


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(expected) == bool(actual) if actual is not None else False
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return actual is not None and str(expected) == str(actual)


def matches(where: Where, record: Mapping[str, Any]) -> bool:
    """Whether an event record passes a ``where`` filter (a list means any of)."""
    for column, expected in where.items():
        actual = record.get(column)
        if actual is None:  # matches nothing (see _same)
            return False
        if type(expected) is str and type(actual) is str:  # the usual case, as _same has it
            if expected != actual:
                return False
            continue
        options = expected if isinstance(expected, list) else [expected]
        for option in options:
            if _same(option, actual):
                break
        else:
            return False
    return True


def sanctions(card: Scorecard, events: Events) -> tuple[list[PenaltyItem], float, list[Veto]]:
    """One agent's penalty items, penalty points and vetoes from its events."""
    penalty_items: list[PenaltyItem] = []
    for pen in card.penalties:
        hits = [e for e in events.get(pen.event, ()) if matches(pen.where, e)]
        raw = len(hits) * pen.points_each
        pts = min(raw, pen.cap) if pen.cap is not None else raw
        if hits:
            item = PenaltyItem(event=str(pen.event), where=pen.where, count=len(hits), points=pts)
            if pts < raw:
                item["reason"] = (
                    f"{figure_text(raw)} penalty points capped at {figure_text(pen.cap)}"
                )
            penalty_items.append(item)
    penalty = sum((i["points"] for i in penalty_items), 0.0)

    vetoes: list[Veto] = []
    for v in card.veto:
        hits = [e for e in events.get(v.event, ()) if matches(v.where, e)]
        if hits:
            what = ", ".join(f"{k}={val}" for k, val in v.where.items())
            vetoes.append(
                Veto(
                    event=str(v.event),
                    where=v.where,
                    count=len(hits),
                    cap_grade=v.cap_grade,
                    reason=f"{len(hits)} {v.event} event(s){f' ({what})' if what else ''}: "
                    f"grade capped at {v.cap_grade}",
                )
            )
    return penalty_items, penalty, vetoes
