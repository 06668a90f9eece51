"""What changed between two runs of a period, agent by agent, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_KEEP = ("total", "grade", "pay_coefficient")


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r.get(k) for k in _KEEP}


def diff_results(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One entry per agent whose result differs: old/new total, grade, pay, moved indicators."""
    before = {r["agent_id"]: r for r in old}
    after = {r["agent_id"]: r for r in new}
    out = []
    for agent in sorted(before.keys() | after.keys()):
        a, b = before.get(agent), after.get(agent)
        if a is None or b is None:
            r = b if a is None else a
            assert r is not None
            out.append(
                {
                    "agent_id": agent,
                    "name": r.get("name"),
                    "old": None if a is None else _brief(a),
                    "new": None if b is None else _brief(b),
                    "indicators": [],
                    "why": ["newly scored" if a is None else "no longer scored"],
                }
            )
            continue
        why: list[str] = []
        moved = []
        old_ind = {i["indicator"]: i for i in a["indicators"]}
        for i in b["indicators"]:
            o = old_ind.get(i["indicator"])
            if o is None or any(o.get(k) != i.get(k) for k in ("value", "points", "status")):
                moved.append(
                    {
                        "indicator": i["indicator"],
                        "old_value": None if o is None else o.get("value"),
                        "new_value": i.get("value"),
                        "old_points": None if o is None else o.get("points"),
                        "new_points": i.get("points"),
                        "old_status": None if o is None else o.get("status"),
                        "new_status": i.get("status"),
                    }
                )
        if moved:
            why.append("indicators moved: " + ", ".join(m["indicator"] for m in moved))
        if a["scorecard"] != b["scorecard"]:
            why.append(
                f"scorecard changed from {a['scorecard']['name']} {a['scorecard']['version']} "
                f"to {b['scorecard']['name']} {b['scorecard']['version']}"
            )
        if a.get("bonus") != b.get("bonus"):
            why.append(f"bonus {a.get('bonus')} → {b.get('bonus')}")
        if a.get("penalty") != b.get("penalty"):
            why.append(f"penalty {a.get('penalty')} → {b.get('penalty')}")
        if a.get("vetoes") != b.get("vetoes"):
            why.append("veto events changed")
        if a.get("team") != b.get("team"):
            why.append(f"team {a.get('team')} → {b.get('team')}")
        if not why and _brief(a) != _brief(b):
            why.append("grade or rank population changed")
        if why or _brief(a) != _brief(b):
            out.append(
                {
                    "agent_id": agent,
                    "name": b.get("name"),
                    "old": _brief(a),
                    "new": _brief(b),
                    "indicators": moved,
                    "why": why,
                }
            )
    return out
