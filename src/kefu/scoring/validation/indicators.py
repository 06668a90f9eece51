"""Each scored indicator: a known id, values in its unit, a direction with what it needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kefu.scoring.validation.issues import (
    EPS,
    Issue,
    fmt,
    num,
    out_of_range,
    scored,
    unknown_indicator,
)


def known_indicators(raw: Mapping[str, Any]) -> list[Issue]:
    """Every scored id is one of the catalogue's (a channel-qualified one included)."""
    issues: list[Issue] = []
    for path, ind in scored(raw):
        issues += unknown_indicator(ind.get("id"), f"{path}.id")
    return issues


def values_in_range(raw: Mapping[str, Any]) -> list[Issue]:
    """Targets, thresholds, band ends and step limits in the indicator's own unit."""
    issues: list[Issue] = []
    for path, ind in scored(raw):
        ident = ind.get("id")
        for key in ("target", "threshold"):
            issues += out_of_range(ident, ind.get(key), f"{path}.{key}")
        band = ind.get("band")
        if isinstance(band, list):
            for k, end in enumerate(band[:2]):
                issues += out_of_range(ident, end, f"{path}.band[{k}]")
        steps = ind.get("steps")
        if isinstance(steps, list):
            for k, step in enumerate(steps):
                if isinstance(step, Mapping):
                    for key in ("min", "max"):
                        issues += out_of_range(ident, step.get(key), f"{path}.steps[{k}].{key}")
    return issues


def _direction(ind: Mapping[str, Any], path: str) -> list[Issue]:
    direction = ind.get("direction")
    if ind.get("steps") is not None:
        return []
    if direction is None:
        return [Issue(path, "give a direction (higher_better, lower_better, band) or steps")]
    if direction not in ("higher_better", "lower_better"):
        return []
    issues: list[Issue] = []
    target, threshold = num(ind.get("target")), num(ind.get("threshold"))
    for key, v in (("target", target), ("threshold", threshold)):
        if v is None:
            issues.append(Issue(f"{path}.{key}", f"a {direction} indicator needs a {key}"))
    if target is None or threshold is None:
        return issues
    if abs(target - threshold) < EPS:
        issues.append(Issue(path, f"target and threshold are both {fmt(target)}; they must differ"))
    elif direction == "higher_better" and target < threshold:
        issues.append(
            Issue(
                path,
                f"higher_better: the target ({fmt(target)}) must be above the "
                f"threshold ({fmt(threshold)})",
            )
        )
    elif direction == "lower_better" and target > threshold:
        issues.append(
            Issue(
                path,
                f"lower_better: the target ({fmt(target)}) must be below the "
                f"threshold ({fmt(threshold)})",
            )
        )
    return issues


def directions(raw: Mapping[str, Any]) -> list[Issue]:
    """A direction or steps; higher/lower_better with a target beyond a different threshold."""
    issues: list[Issue] = []
    for path, ind in scored(raw):
        issues += _direction(ind, path)
    return issues


def bands(raw: Mapping[str, Any]) -> list[Issue]:
    """A band indicator's band is two numbers, low end first."""
    issues: list[Issue] = []
    for path, ind in scored(raw):
        if ind.get("direction") != "band" or ind.get("steps") is not None:
            continue
        band = ind.get("band")
        if band is None:
            issues.append(Issue(f"{path}.band", "a band indicator needs band: [low, high]"))
        elif not (
            isinstance(band, list) and len(band) == 2 and all(num(b) is not None for b in band)
        ):
            issues.append(Issue(f"{path}.band", "band must be two numbers: [low, high]"))
        elif band[0] > band[1]:
            issues.append(
                Issue(
                    f"{path}.band",
                    f"the band's low end ({fmt(band[0])}) is above its high end ({fmt(band[1])})",
                )
            )
    return issues


def _step_order(step: Mapping[str, Any], spath: str, last: list[float | None]) -> list[Issue]:
    """Open-ended steps are read in order: each must reach past the one before.

    ``last`` holds the previous ``max`` and ``min`` and is updated in place.
    """
    lo, hi = num(step.get("min")), num(step.get("max"))
    last_max, last_min = last
    if hi is not None and lo is None:
        last[0] = hi
        if last_max is not None and hi <= last_max:
            return [
                Issue(
                    f"{spath}.max",
                    f"max {fmt(hi)} is not above the previous step's {fmt(last_max)}, "
                    "so this step can never match",
                )
            ]
    if lo is not None and hi is None:
        last[1] = lo
        if last_min is not None and lo >= last_min:
            return [
                Issue(
                    f"{spath}.min",
                    f"min {fmt(lo)} is not below the previous step's {fmt(last_min)}, "
                    "so this step can never match",
                )
            ]
    return []


def _steps(steps: Any, path: str) -> list[Issue]:
    if not isinstance(steps, list) or not steps:
        return [Issue(path, "steps must be a non-empty list of {min|max, share}")]
    issues: list[Issue] = []
    last: list[float | None] = [None, None]
    for k, step in enumerate(steps):
        spath = f"{path}[{k}]"
        if not isinstance(step, Mapping):
            issues.append(Issue(spath, "a step is a mapping like {max: 0.001, share: 1.0}"))
            continue
        share = num(step.get("share"))
        if share is None:
            issues.append(Issue(f"{spath}.share", "each step needs a share between 0 and 1"))
        elif not 0 <= share <= 1:
            issues.append(Issue(f"{spath}.share", f"share {fmt(share)} is not between 0 and 1"))
        lo, hi = num(step.get("min")), num(step.get("max"))
        if lo is not None and hi is not None and lo > hi:
            issues.append(Issue(spath, f"min ({fmt(lo)}) is above max ({fmt(hi)})"))
        if lo is None and hi is None and k < len(steps) - 1:
            issues.append(Issue(spath, "a step without min or max matches everything; put it last"))
        issues += _step_order(step, spath, last)
    return issues


def steps(raw: Mapping[str, Any]) -> list[Issue]:
    """Steps are a non-empty list of shares in 0–1 whose limits can each be reached."""
    issues: list[Issue] = []
    for path, ind in scored(raw):
        if ind.get("steps") is not None:
            issues += _steps(ind["steps"], f"{path}.steps")
    return issues


def tolerances(raw: Mapping[str, Any]) -> list[Issue]:
    """A band's tolerance and an indicator's minimum sample are not negative."""
    issues: list[Issue] = []
    for path, ind in scored(raw):
        tol = num(ind.get("tolerance"))
        if tol is not None and tol < 0:
            issues.append(Issue(f"{path}.tolerance", "tolerance cannot be negative"))
        ms = ind.get("min_sample")
        if isinstance(ms, int) and not isinstance(ms, bool) and ms < 0:
            issues.append(Issue(f"{path}.min_sample", "min_sample cannot be negative"))
    return issues
