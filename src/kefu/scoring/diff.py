"""What changed between two runs of a period, agent by agent, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kefu.scoring.result_model import AgentResult


def _brief(r: AgentResult) -> dict[str, Any]:
    return {"total": r.total, "grade": r.grade, "pay_coefficient": r.pay_coefficient}


def diff_results(old: Sequence[AgentResult], new: Sequence[AgentResult]) -> list[dict[str, Any]]:
    """One entry per agent whose result differs: old/new total, grade, pay, moved indicators."""
    before = {r.agent_id: r for r in old}
    after = {r.agent_id: r for r in new}
    out: list[dict[str, Any]] = []
    for agent in sorted(before.keys() | after.keys()):
        a, b = before.get(agent), after.get(agent)
        if a is None or b is None:
            r = b if a is None else a
            assert r is not None
            out.append(
                {
                    "agent_id": agent,
                    "name": r.name,
                    "old": None if a is None else _brief(a),
                    "new": None if b is None else _brief(b),
                    "indicators": [],
                    "why": ["newly scored" if a is None else "no longer scored"],
                }
            )
            continue
        moved = _moved_indicators(a, b)
        why = _why(a, b, moved)
        if why or _brief(a) != _brief(b):
            out.append(
                {
                    "agent_id": agent,
                    "name": b.name,
                    "old": _brief(a),
                    "new": _brief(b),
                    "indicators": moved,
                    "why": why,
                }
            )
    return out


def _moved_indicators(a: AgentResult, b: AgentResult) -> list[dict[str, Any]]:
    """The indicators of ``b`` whose value, points or status differ from ``a``'s."""
    old_ind = {i.indicator: i for i in a.indicators}
    moved = []
    for i in b.indicators:
        o = old_ind.get(i.indicator)
        if o is None or (o.value, o.points, o.status) != (i.value, i.points, i.status):
            moved.append(
                {
                    "indicator": i.indicator,
                    "old_value": None if o is None else o.value,
                    "new_value": i.value,
                    "old_points": None if o is None else o.points,
                    "new_points": i.points,
                    "old_status": None if o is None else o.status,
                    "new_status": i.status,
                }
            )
    return moved


def _why(a: AgentResult, b: AgentResult, moved: Sequence[dict[str, Any]]) -> list[str]:
    why: list[str] = []
    if moved:
        why.append("indicators moved: " + ", ".join(m["indicator"] for m in moved))
    if a.scorecard != b.scorecard:
        why.append(
            f"scorecard changed from {a.scorecard['name']} {a.scorecard['version']} "
            f"to {b.scorecard['name']} {b.scorecard['version']}"
        )
    if a.bonus != b.bonus:
        why.append(f"bonus {a.bonus} → {b.bonus}")
    if a.penalty != b.penalty:
        why.append(f"penalty {a.penalty} → {b.penalty}")
    if list(a.vetoes) != list(b.vetoes):
        why.append("veto events changed")
    if a.team != b.team:
        why.append(f"team {a.team} → {b.team}")
    if not why and _brief(a) != _brief(b):
        why.append("grade or rank population changed")
    return why
