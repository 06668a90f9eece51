"""Scorecard validation: every issue at once, each with its key path.

Two passes over the parsed YAML: the structure (types, required and unknown
keys, via the pydantic models) and the meaning (weights that sum to 100,
known indicator ids, a target that differs from its threshold…). The second
pass reads the raw mapping defensively so that it still reports what it can
when the structure is broken: a manager fixes the file once, not ten times.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from kefu.scoring import catalogue

WEIGHT_TOTAL = 100.0
_EPS = 1e-9


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    # Where the web catalogue has the message in every language: its id and parameters.
    key: str | None = None
    params: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def validate(raw: Any) -> list[Issue]:
    """All issues of a parsed scorecard (empty when it is valid)."""
    if not isinstance(raw, Mapping):
        return [Issue("", "a scorecard must be a YAML mapping (name, version, dimensions, …)")]
    return _structure(raw) + _meaning(raw)


# -- structure ------------------------------------------------------------
def _label(raw: Any, loc: tuple[Any, ...]) -> str:
    """``dimensions[0].indicators[2]`` plus the item's id where it has one."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
            node = node[item] if isinstance(node, list) and item < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                parts[-1] += f"({node['id']})"
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, Mapping) else None
    return ".".join(parts)


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    from kefu.scoring import scorecard as sc

    model: Any = sc.Scorecard
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        field = model.model_fields.get(item)
        if field is None:
            return []
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return list(model.model_fields)


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _structure(raw: Mapping[str, Any]) -> list[Issue]:
    from kefu.scoring.scorecard import Scorecard

    try:
        Scorecard.model_validate(raw)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            path = _label(raw, loc)
            kind = err["type"]
            if kind == "extra_forbidden":
                allowed = ", ".join(_allowed(loc))
                msg = f"unknown key '{loc[-1]}'" + (
                    f" (allowed here: {allowed})" if allowed else ""
                )
                path = _label(raw, loc[:-1])
            elif kind == "missing":
                msg = "required key missing"
            elif kind == "enum":
                msg = f"'{err.get('input')}' is not allowed; use {err['ctx']['expected']}"
            else:
                msg = f"{err['msg'][0].lower()}{err['msg'][1:]} (got {err.get('input')!r})"
            issues.append(Issue(path, msg))
        return issues
    return []


# -- meaning --------------------------------------------------------------
def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _meaning(raw: Mapping[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    grades = _grade_names(raw, issues)
    dims = raw.get("dimensions")
    total = 0.0
    if isinstance(dims, list):
        seen_ind: set[str] = set()
        seen_dim: set[str] = set()
        for i, dim in enumerate(dims):
            if not isinstance(dim, Mapping):
                continue
            dpath = f"dimensions[{i}]" + (
                f"({dim['id']})" if isinstance(dim.get("id"), str) else ""
            )
            if dim.get("id") in seen_dim:
                issues.append(Issue(dpath, f"dimension '{dim.get('id')}' appears twice"))
            seen_dim.add(dim.get("id"))  # type: ignore[arg-type]
            inds = dim.get("indicators")
            if not isinstance(inds, list):
                continue
            dim_total = 0.0
            for j, ind in enumerate(inds):
                if not isinstance(ind, Mapping):
                    continue
                ipath = f"{dpath}.indicators[{j}]"
                if isinstance(ind.get("id"), str):
                    ipath += f"({ind['id']})"
                    if ind["id"] in seen_ind:
                        issues.append(Issue(ipath, f"indicator '{ind['id']}' is scored twice"))
                    seen_ind.add(ind["id"])
                w = _num(ind.get("weight"))
                if w is not None:
                    dim_total += w
                    if w < 0:
                        issues.append(Issue(f"{ipath}.weight", "a weight cannot be negative"))
                issues += _indicator(ind, ipath)
            total += dim_total
            dw = _num(dim.get("weight"))
            if dw is not None and abs(dw - dim_total) > _EPS:
                issues.append(
                    Issue(
                        f"{dpath}.weight",
                        f"the dimension weight is {_fmt(dw)} but its indicator weights "
                        f"sum to {_fmt(dim_total)}",
                    )
                )
        if abs(total - WEIGHT_TOTAL) > 1e-6:
            issues.append(
                Issue(
                    "dimensions",
                    f"indicator weights must sum to 100; they sum to {_fmt(round(total, 6))}",
                )
            )
    issues += _events(raw, grades)
    issues += _bonus(raw)
    issues += _applications(raw, grades)
    issues += _misc(raw)
    return issues


def _unknown_indicator(ident: Any, path: str) -> list[Issue]:
    if not isinstance(ident, str) or catalogue.is_known(ident):
        return []
    base = sorted({k.split(".")[0] for k in catalogue.known_ids()})
    return [
        Issue(
            path,
            f"unknown indicator '{ident}'; known indicators: {', '.join(base)} "
            f"(frt_avg and aht_avg also per channel, e.g. aht_avg.phone)",
        )
    ]


def _fmt_rate(x: float) -> str:
    return f"{round(x / 100, 12):g}"


def out_of_range(indicator: Any, value: Any, path: str) -> list[Issue]:
    """An issue when ``value`` (a target, threshold, band end…) is one ``indicator`` cannot take.

    A rate written as a percentage (``95`` for 95 %) would make every agent miss the
    target and score zero, so it gets the fix as its hint.
    """
    v = _num(value)
    found = catalogue.bounds(indicator) if isinstance(indicator, str) else None
    if v is None or found is None:
        return []
    lo, hi = found
    if (lo is None or v >= lo) and (hi is None or v <= hi):
        return []
    if catalogue.is_rate(indicator) and 1 < v <= 100:
        rate = _fmt_rate(v)
        message = f"{_fmt(v)} looks like a percentage: write a rate as {rate}"
        params = {"value": _fmt(v), "rate": rate}
        return [Issue(path, message, "pages.scorecards.range.percent", params)]
    low = _fmt(lo if lo is not None else float("-inf"))
    params = {"value": _fmt(v), "indicator": indicator, "lo": low}
    if hi is None:
        message = f"{_fmt(v)} is outside what {indicator} can be: {low} or more"
        return [Issue(path, message, "pages.scorecards.range.at_least", params)]
    params["hi"] = _fmt(hi)
    message = f"{_fmt(v)} is outside what {indicator} can be: {low} to {_fmt(hi)}"
    return [Issue(path, message, "pages.scorecards.range.between", params)]


def _values_in_range(ind: Mapping[str, Any], path: str) -> list[Issue]:
    """Targets, thresholds, band ends and step limits in the indicator's own unit."""
    ident = ind.get("id")
    issues: list[Issue] = []
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


def _indicator(ind: Mapping[str, Any], path: str) -> list[Issue]:
    issues = _unknown_indicator(ind.get("id"), f"{path}.id")
    issues += _values_in_range(ind, path)
    direction = ind.get("direction")
    steps = ind.get("steps")
    target, threshold = _num(ind.get("target")), _num(ind.get("threshold"))
    if steps is not None:
        issues += _steps(steps, f"{path}.steps")
    elif direction is None:
        issues.append(Issue(path, "give a direction (higher_better, lower_better, band) or steps"))
    if direction in ("higher_better", "lower_better") and steps is None:
        for key, v in (("target", target), ("threshold", threshold)):
            if v is None:
                issues.append(Issue(f"{path}.{key}", f"a {direction} indicator needs a {key}"))
        if target is not None and threshold is not None:
            if abs(target - threshold) < _EPS:
                issues.append(
                    Issue(path, f"target and threshold are both {_fmt(target)}; they must differ")
                )
            elif direction == "higher_better" and target < threshold:
                issues.append(
                    Issue(
                        path,
                        f"higher_better: the target ({_fmt(target)}) must be above the "
                        f"threshold ({_fmt(threshold)})",
                    )
                )
            elif direction == "lower_better" and target > threshold:
                issues.append(
                    Issue(
                        path,
                        f"lower_better: the target ({_fmt(target)}) must be below the "
                        f"threshold ({_fmt(threshold)})",
                    )
                )
    if direction == "band" and steps is None:
        band = ind.get("band")
        if band is None:
            issues.append(Issue(f"{path}.band", "a band indicator needs band: [low, high]"))
        elif not (
            isinstance(band, list) and len(band) == 2 and all(_num(b) is not None for b in band)
        ):
            issues.append(Issue(f"{path}.band", "band must be two numbers: [low, high]"))
        elif band[0] > band[1]:
            issues.append(
                Issue(
                    f"{path}.band",
                    f"the band's low end ({_fmt(band[0])}) is above its high end ({_fmt(band[1])})",
                )
            )
    tol = _num(ind.get("tolerance"))
    if tol is not None and tol < 0:
        issues.append(Issue(f"{path}.tolerance", "tolerance cannot be negative"))
    ms = ind.get("min_sample")
    if isinstance(ms, int) and not isinstance(ms, bool) and ms < 0:
        issues.append(Issue(f"{path}.min_sample", "min_sample cannot be negative"))
    return issues


def _steps(steps: Any, path: str) -> list[Issue]:
    if not isinstance(steps, list) or not steps:
        return [Issue(path, "steps must be a non-empty list of {min|max, share}")]
    issues: list[Issue] = []
    last_max: float | None = None
    last_min: float | None = None
    for k, step in enumerate(steps):
        spath = f"{path}[{k}]"
        if not isinstance(step, Mapping):
            issues.append(Issue(spath, "a step is a mapping like {max: 0.001, share: 1.0}"))
            continue
        share = _num(step.get("share"))
        if share is None:
            issues.append(Issue(f"{spath}.share", "each step needs a share between 0 and 1"))
        elif not 0 <= share <= 1:
            issues.append(Issue(f"{spath}.share", f"share {_fmt(share)} is not between 0 and 1"))
        lo, hi = _num(step.get("min")), _num(step.get("max"))
        if lo is not None and hi is not None and lo > hi:
            issues.append(Issue(spath, f"min ({_fmt(lo)}) is above max ({_fmt(hi)})"))
        if lo is None and hi is None and k < len(steps) - 1:
            issues.append(Issue(spath, "a step without min or max matches everything; put it last"))
        if hi is not None and lo is None:
            if last_max is not None and hi <= last_max:
                issues.append(
                    Issue(
                        f"{spath}.max",
                        f"max {_fmt(hi)} is not above the previous step's {_fmt(last_max)}, "
                        "so this step can never match",
                    )
                )
            last_max = hi
        if lo is not None and hi is None:
            if last_min is not None and lo >= last_min:
                issues.append(
                    Issue(
                        f"{spath}.min",
                        f"min {_fmt(lo)} is not below the previous step's {_fmt(last_min)}, "
                        "so this step can never match",
                    )
                )
            last_min = lo
    return issues


def _grade_names(raw: Mapping[str, Any], issues: list[Issue]) -> list[str] | None:
    grades = raw.get("grades")
    if not isinstance(grades, Mapping):
        return None
    th, dist = grades.get("thresholds"), grades.get("distribution")
    if th is None and dist is None:
        issues.append(Issue("grades", "give thresholds or a distribution"))
        return None
    names: list[str] = []
    if isinstance(th, Mapping):
        names += [str(g) for g in th]
        if th and not any(_num(v) == 0 for v in th.values()):
            issues.append(
                Issue(
                    "grades.thresholds",
                    "the lowest grade needs threshold 0 so every total gets a grade",
                )
            )
    if isinstance(dist, Mapping):
        shares = dist.get("shares")
        if isinstance(shares, Mapping):
            values = [_num(v) for v in shares.values()]
            if all(v is not None for v in values):
                s = sum(values)  # type: ignore[arg-type]
                if not math.isclose(s, 1.0, abs_tol=1e-6):
                    issues.append(
                        Issue(
                            "grades.distribution.shares",
                            f"the shares must sum to 1; they sum to {_fmt(round(s, 6))}",
                        )
                    )
                if any(v < 0 for v in values):  # type: ignore[operator]
                    issues.append(Issue("grades.distribution.shares", "a share cannot be negative"))
            if isinstance(th, Mapping) and set(map(str, shares)) != set(map(str, th)):
                issues.append(
                    Issue("grades", "thresholds and distribution must name the same grades")
                )
            names = names or [str(g) for g in shares]
        mp = dist.get("min_population")
        if mp is not None and th is None:
            issues.append(
                Issue(
                    "grades.distribution.min_population",
                    "min_population needs thresholds to grade the smaller populations",
                )
            )
    return names or None


def _check_grade(grade: Any, grades: list[str] | None, path: str) -> list[Issue]:
    if grades is None or grade is None or str(grade) in grades:
        return []
    return [Issue(path, f"unknown grade '{grade}'; the grades are {', '.join(grades)}")]


def _events(raw: Mapping[str, Any], grades: list[str] | None) -> list[Issue]:
    from kefu.store.tables import TABLES

    columns = {
        "complaint": set(TABLES["complaints"].names),
        "qa_fatal": set(TABLES["qa_evaluations"].names),
        "operation_error": set(TABLES["operation_errors"].names),
    }
    issues: list[Issue] = []
    for key in ("penalties", "veto"):
        rules = raw.get(key)
        if not isinstance(rules, list):
            continue
        for k, rule in enumerate(rules):
            if not isinstance(rule, Mapping):
                continue
            path = f"{key}[{k}]"
            where = rule.get("where")
            cols = columns.get(rule.get("event"))  # type: ignore[arg-type]
            if isinstance(where, Mapping) and cols:
                for col in where:
                    if col not in cols:
                        issues.append(
                            Issue(
                                f"{path}.where.{col}",
                                f"'{col}' is not a column of the {rule['event']} events; "
                                f"use one of {', '.join(sorted(cols))}",
                            )
                        )
            pe = _num(rule.get("points_each"))
            if pe is not None and pe < 0:
                issues.append(
                    Issue(f"{path}.points_each", "write penalty points as a positive number")
                )
            if key == "veto":
                issues += _check_grade(rule.get("cap_grade"), grades, f"{path}.cap_grade")
    return issues


def _bonus(raw: Mapping[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    rules = raw.get("bonus")
    if isinstance(rules, list):
        for k, rule in enumerate(rules):
            if isinstance(rule, Mapping):
                ident = rule.get("indicator")
                issues += _unknown_indicator(ident, f"bonus[{k}].indicator")
                known_non_count = (
                    isinstance(ident, str)
                    and catalogue.is_known(ident)
                    and not catalogue.is_count(ident)
                )
                if known_non_count:
                    issues.append(
                        Issue(
                            f"bonus[{k}].indicator",
                            f"'{ident}' is not a count; bonus points are given per unit "
                            "of a count such as praise_count",
                        )
                    )
                cap = _num(rule.get("cap"))
                if cap is not None and cap < 0:
                    issues.append(Issue(f"bonus[{k}].cap", "a bonus cap cannot be negative"))
    return issues


def _applications(raw: Mapping[str, Any], grades: list[str] | None) -> list[Issue]:
    apps = raw.get("applications")
    if not isinstance(apps, Mapping):
        return []
    issues: list[Issue] = []
    pay = apps.get("pay_coefficient")
    if isinstance(pay, Mapping):
        for g in pay:
            issues += _check_grade(g, grades, f"applications.pay_coefficient.{g}")
        if grades:
            missing = [g for g in grades if g not in {str(x) for x in pay}]
            if missing:
                issues.append(
                    Issue(
                        "applications.pay_coefficient",
                        f"no pay coefficient for grade(s) {', '.join(missing)}",
                    )
                )
    promo = apps.get("promotion")
    if isinstance(promo, Mapping):
        issues += _check_grade(promo.get("min_grade"), grades, "applications.promotion.min_grade")
        cm = promo.get("consecutive_months")
        if isinstance(cm, int) and cm < 1:
            issues.append(Issue("applications.promotion.consecutive_months", "must be at least 1"))
    ipg = apps.get("improvement_plan_grades")
    if isinstance(ipg, list):
        for k, g in enumerate(ipg):
            issues += _check_grade(g, grades, f"applications.improvement_plan_grades[{k}]")
    tbs = _num(apps.get("training_below_share"))
    if tbs is not None and not 0 <= tbs <= 1:
        issues.append(
            Issue("applications.training_below_share", f"{_fmt(tbs)} is not between 0 and 1")
        )
    return issues


def _misc(raw: Mapping[str, Any]) -> list[Issue]:
    from kefu.scoring.scorecard import parse_window_hours

    issues: list[Issue] = []
    rw = raw.get("repeat_window")
    if rw is not None:
        try:
            if parse_window_hours(rw) <= 0:
                raise ValueError
        except ValueError:
            issues.append(
                Issue("repeat_window", f"'{rw}' is not a window; write hours (48h) or days (2d)")
            )
    period = raw.get("period")
    if period is not None and period != "month":
        issues.append(
            Issue(
                "period",
                f"'{period}' is not supported: the base period is month "
                "(quarters and years are built from the months)",
            )
        )
    tz = raw.get("timezone")
    if isinstance(tz, str):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            issues.append(Issue("timezone", f"unknown time zone '{tz}' (e.g. Asia/Shanghai)"))
    rt = raw.get("response_targets")
    if isinstance(rt, Mapping):
        for ch in rt:
            if ch not in catalogue.CHANNEL_NAMES:
                issues.append(
                    Issue(
                        f"response_targets.{ch}",
                        f"unknown channel '{ch}'; use {', '.join(catalogue.CHANNEL_NAMES)}",
                    )
                )
    rw_ = raw.get("rater_weights")
    if isinstance(rw_, Mapping):
        for role in rw_:
            if role not in ("supervisor", "peer"):
                issues.append(
                    Issue(f"rater_weights.{role}", "only supervisor and peer ratings are scored")
                )
    shr = raw.get("shrinkage")
    if isinstance(shr, Mapping):
        ps = _num(shr.get("prior_strength"))
        if ps is not None and ps <= 0:
            issues.append(Issue("shrinkage.prior_strength", "must be above 0"))
        inds = shr.get("indicators")
        if isinstance(inds, list):
            for k, ident in enumerate(inds):
                issues += _unknown_indicator(ident, f"shrinkage.indicators[{k}]")
                if (
                    isinstance(ident, str)
                    and catalogue.is_known(ident)
                    and not catalogue.is_rate(ident)
                ):
                    issues.append(Issue(f"shrinkage.indicators[{k}]", f"'{ident}' is not a rate"))
    mon = raw.get("monitor")
    if isinstance(mon, Mapping):
        inds = mon.get("indicators")
        if isinstance(inds, list):
            for k, ident in enumerate(inds):
                issues += _unknown_indicator(ident, f"monitor.indicators[{k}]")
        alerts = mon.get("alerts")
        if isinstance(alerts, list):
            for k, alert in enumerate(alerts):
                if not isinstance(alert, Mapping):
                    continue
                path = f"monitor.alerts[{k}]"
                has_ind, has_count = (
                    alert.get("indicator") is not None,
                    alert.get("count") is not None,
                )
                if has_ind == has_count:
                    issues.append(Issue(path, "an alert watches either an indicator or a count"))
                issues += _unknown_indicator(alert.get("indicator"), f"{path}.indicator")
                for key in ("above", "below"):
                    issues += out_of_range(alert.get("indicator"), alert.get(key), f"{path}.{key}")
                outside = alert.get("outside")
                if isinstance(outside, list):
                    for end, x in enumerate(outside[:2]):
                        issues += out_of_range(alert.get("indicator"), x, f"{path}.outside[{end}]")
                conds = [
                    c for c in ("above", "below", "outside", "at_least") if alert.get(c) is not None
                ]
                if len(conds) != 1:
                    issues.append(
                        Issue(path, "an alert needs exactly one of above, below, outside, at_least")
                    )
                out = alert.get("outside")
                if out is not None and not (
                    isinstance(out, list)
                    and len(out) == 2
                    and all(_num(x) is not None for x in out)
                    and out[0] <= out[1]
                ):
                    issues.append(
                        Issue(f"{path}.outside", "outside must be [low, high] with low ≤ high")
                    )
    return issues
