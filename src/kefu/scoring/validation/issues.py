"""What every validation rule shares: the issue it reports and how it reads the raw YAML.

Rules read the parsed mapping defensively (a key may hold anything) so that they
still report what they can when the structure is broken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kefu.scoring import catalogue

EPS = 1e-9


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    # Where the web catalogue has the message in every language: its id and parameters.
    key: str | None = None
    params: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


# A rule reads the parsed scorecard and returns every issue it finds (empty: none).
Rule = Callable[[Mapping[str, Any]], list[Issue]]


def num(v: Any) -> float | None:
    """``v`` as a float when YAML gave a number (a bool is not one)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def fmt(x: float) -> str:
    return f"{x:g}"


def dimensions(raw: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each dimension mapping with its path, ``dimensions[0](efficiency)``."""
    dims = raw.get("dimensions")
    if not isinstance(dims, list):
        return
    for i, dim in enumerate(dims):
        if isinstance(dim, Mapping):
            ident = dim.get("id")
            yield f"dimensions[{i}]" + (f"({ident})" if isinstance(ident, str) else ""), dim


def indicators(dpath: str, dim: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each indicator mapping of a dimension with its path, ``….indicators[2](fcr_rate)``."""
    inds = dim.get("indicators")
    if not isinstance(inds, list):
        return
    for j, ind in enumerate(inds):
        if isinstance(ind, Mapping):
            ident = ind.get("id")
            yield f"{dpath}.indicators[{j}]" + (f"({ident})" if isinstance(ident, str) else ""), ind


def scored(raw: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every scored indicator of every dimension, with its path."""
    for dpath, dim in dimensions(raw):
        yield from indicators(dpath, dim)


def unknown_indicator(ident: Any, path: str) -> list[Issue]:
    """An issue when ``ident`` is text that names no indicator of the catalogue."""
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
    v = num(value)
    found = catalogue.bounds(indicator) if isinstance(indicator, str) else None
    if v is None or found is None:
        return []
    lo, hi = found
    if (lo is None or v >= lo) and (hi is None or v <= hi):
        return []
    if catalogue.is_rate(indicator) and 1 < v <= 100:
        rate = _fmt_rate(v)
        message = f"{fmt(v)} looks like a percentage: write a rate as {rate}"
        params = {"value": fmt(v), "rate": rate}
        return [Issue(path, message, "pages.scorecards.range.percent", params)]
    low = fmt(lo if lo is not None else float("-inf"))
    params = {"value": fmt(v), "indicator": indicator, "lo": low}
    if hi is None:
        message = f"{fmt(v)} is outside what {indicator} can be: {low} or more"
        return [Issue(path, message, "pages.scorecards.range.at_least", params)]
    params["hi"] = fmt(hi)
    message = f"{fmt(v)} is outside what {indicator} can be: {low} to {fmt(hi)}"
    return [Issue(path, message, "pages.scorecards.range.between", params)]
