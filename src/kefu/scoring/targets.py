"""Target suggestions from history (目标值基于历史数据和持续改进).

From the agents' values over the last N scored months, per indicator:
suggested target = the 75th percentile (25th for lower_better), never easier
than the current target; suggested threshold = the 10th (90th) percentile.
Percentiles interpolate linearly between order statistics (numpy's default),
so P75 of 1, 2, 3, 4, 5 is 4 and P10 is 1.4.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kefu.errors import KefuError
from kefu.scoring.runs import latest_run, run_results, scored_periods
from kefu.scoring.scorecard import Direction, Scorecard
from kefu.workspace import Workspace


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def suggest(card: Scorecard, values: Mapping[str, Sequence[float]]) -> list[dict[str, Any]]:
    """Current and suggested target/threshold per linear indicator of ``card`` (pure)."""
    out = []
    for dim, rule in card.rules:
        row: dict[str, Any] = {
            "indicator": rule.id,
            "dimension": dim.id,
            "direction": str(rule.direction) if rule.direction else "steps",
            "values": len(values.get(rule.id, ())),
            "current_target": rule.target,
            "current_threshold": rule.threshold,
            "suggested_target": None,
            "suggested_threshold": None,
            "note": None,
            "note_code": None,  # the note as a code, for pages to word in their language
        }
        vals = [v for v in values.get(rule.id, ()) if v is not None]
        if rule.steps or rule.direction is Direction.BAND:
            row["note"] = "steps and bands are not suggested; review them by hand"
            row["note_code"] = "manual"
        elif not vals:
            row["note"] = "no scored values in the months used"
            row["note_code"] = "no_values"
        else:
            assert rule.target is not None and rule.threshold is not None
            higher = rule.direction is Direction.HIGHER_BETTER
            p_target = percentile(vals, 75 if higher else 25)
            p_threshold = percentile(vals, 10 if higher else 90)
            target = max(rule.target, p_target) if higher else min(rule.target, p_target)
            threshold = p_threshold
            if (higher and threshold >= target) or (not higher and threshold <= target):
                threshold = rule.threshold
                row["note"] = "the values are too close together to move the threshold"
                row["note_code"] = "too_close"
            if target == rule.target and p_target != rule.target:
                row["note"] = "P75/P25 is easier than the current target, which is kept"
                row["note_code"] = "target_kept"
            row["suggested_target"] = target
            row["suggested_threshold"] = threshold
        out.append(row)
    return out


def history_values(
    ws: Workspace, card: Scorecard, months: int
) -> tuple[dict[str, list[float]], list[str]]:
    """Agents' indicator values (status ok) over the last ``months`` scored months."""
    labels = scored_periods(ws)[:months]
    if not labels:
        raise KefuError("no month has been scored yet; targets are suggested from scored months")
    values: dict[str, list[float]] = defaultdict(list)
    wanted = set(card.indicator_ids)
    for label in labels:
        run = latest_run(ws, label)
        assert run is not None
        for r in run_results(ws, run.id):
            for i in r.indicators:
                if i.indicator in wanted and i.status == "ok" and i.value is not None:
                    values[i.indicator].append(i.value)
    return dict(values), labels


def write_suggestion(
    card: Scorecard, rows: Sequence[Mapping[str, Any]], path: Path, version: str
) -> None:
    """Write ``card`` with the suggested targets as a new scorecard version file."""
    raw = yaml.safe_load(card.source_text)
    chosen = {r["indicator"]: r for r in rows if r["suggested_target"] is not None}
    for dim in raw["dimensions"]:
        for ind in dim["indicators"]:
            r = chosen.get(ind["id"])
            if r is not None:
                ind["target"] = _tidy(r["suggested_target"])
                ind["threshold"] = _tidy(r["suggested_threshold"])
    raw["version"] = version
    header = f"# {card.name} {version}: targets suggested from history (kefu targets suggest)\n"
    path.write_text(
        header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def _tidy(x: float) -> float:
    # Targets are read by people: 4 significant digits are plenty.
    return float(f"{x:.4g}")
