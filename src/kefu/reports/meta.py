"""What the exports need to know about the scorecard(s) behind a set of results.

Results say which scorecard scored them (``scorecard: {name, version}``); the
exports also show each indicator's target, threshold or band and colour the
value against them, and group indicators by dimension. :class:`ScorecardMeta`
holds exactly that, built from a scorecard in its file form (a mapping as
loaded from the YAML, or any object with ``model_dump()``)::

    meta = ReportMeta.of(scorecard_meta_from(yaml.safe_load(text)))

A :class:`ReportMeta` may hold several scorecards (hotline, chat, claims teams
scored differently); each result finds its own by name and version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kefu.errors import KefuError


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    BAND = "band"
    STEPS = "steps"


@dataclass(frozen=True)
class Step:
    share: float
    min: float | None = None
    max: float | None = None

    def matches(self, value: float) -> bool:
        # scorecard.md: a step matches when v ≤ max or v ≥ min; no bound matches all.
        if self.max is not None and value > self.max:
            return False
        return not (self.min is not None and value < self.min)


@dataclass(frozen=True)
class IndicatorMeta:
    id: str
    weight: float
    direction: Direction
    target: float | None = None
    threshold: float | None = None
    band: tuple[float, float] | None = None
    tolerance: float = 0.0
    steps: tuple[Step, ...] = ()
    min_sample: int | None = None


@dataclass(frozen=True)
class DimensionMeta:
    id: str
    name_zh: str
    name_en: str
    weight: float
    indicators: tuple[str, ...]

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


@dataclass(frozen=True)
class ScorecardMeta:
    name: str
    version: str
    dimensions: tuple[DimensionMeta, ...]
    indicators: Mapping[str, IndicatorMeta]
    grades: tuple[str, ...] = ("S", "A", "B", "C", "D")
    content_hash: str | None = None

    def dimension_of(self, indicator: str) -> DimensionMeta | None:
        for d in self.dimensions:
            if indicator in d.indicators:
                return d
        return None


@dataclass(frozen=True)
class ReportMeta:
    """The scorecards a set of results was scored with, and an optional title."""

    scorecards: tuple[ScorecardMeta, ...]
    title: str | None = None
    # What the results are (kefu.reports.status); None: not known.
    status: str | None = None
    # Which scoring run the results come from, e.g. "#12 rev 1".
    run: str | None = None

    @classmethod
    def of(
        cls,
        *scorecards: ScorecardMeta,
        title: str | None = None,
        status: str | None = None,
        run: str | None = None,
    ) -> ReportMeta:
        return cls(tuple(scorecards), title, status, run)

    @property
    def is_draft(self) -> bool:
        """Results that are not (or no longer) the published ones must say so."""
        from kefu.reports.status import DRAFTS

        return self.status in DRAFTS or self.status == "open"

    def for_result(self, result: Mapping[str, Any]) -> ScorecardMeta:
        """The scorecard that scored ``result`` (the only one when there is one)."""
        sc = result.get("scorecard") or {}
        # The content hash names the exact scorecard; name and version may be reused.
        digest = sc.get("content_hash")
        for s in self.scorecards:
            if digest and s.content_hash == digest:
                return s
        name, version = str(sc.get("name", "")), str(sc.get("version", ""))
        for s in self.scorecards:
            if (s.name, s.version) == (name, version):
                return s
        if len(self.scorecards) == 1:
            return self.scorecards[0]
        known = ", ".join(f"{s.name} {s.version}" for s in self.scorecards) or "none"
        raise KefuError(
            f"no scorecard '{name}' version '{version}' among the report's scorecards ({known})"
        )

    def used_by(self, results: Sequence[Mapping[str, Any]]) -> list[ScorecardMeta]:
        """The scorecards that scored ``results``, in order of first use (all if none)."""
        if not results:
            return list(self.scorecards)
        used: dict[int, ScorecardMeta] = {}
        for r in results:
            sc = self.for_result(r)
            used.setdefault(id(sc), sc)
        return list(used.values())

    @property
    def grades(self) -> tuple[str, ...]:
        """Every grade any of the scorecards gives, best first."""
        seen: dict[str, None] = {}
        for s in self.scorecards:
            seen.update(dict.fromkeys(s.grades))
        return tuple(seen)


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="python")
    return obj


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _steps(raw: Iterable[Mapping[str, Any]] | None) -> tuple[Step, ...]:
    return tuple(
        Step(share=float(s["share"]), min=_float(s.get("min")), max=_float(s.get("max")))
        for s in (_plain(x) for x in raw or ())
    )


def _indicator(raw: Mapping[str, Any]) -> IndicatorMeta:
    steps = _steps(raw.get("steps"))
    direction = raw.get("direction")
    band = raw.get("band")
    return IndicatorMeta(
        id=str(raw["id"]),
        weight=float(raw.get("weight", 0)),
        direction=Direction(str(direction.value if hasattr(direction, "value") else direction))
        if direction
        else Direction.STEPS,
        target=_float(raw.get("target")),
        threshold=_float(raw.get("threshold")),
        band=(float(band[0]), float(band[1])) if band else None,
        tolerance=float(raw.get("tolerance") or 0.0),
        steps=steps,
        min_sample=None if raw.get("min_sample") is None else int(raw["min_sample"]),
    )


def _grades(raw: Mapping[str, Any] | None) -> tuple[str, ...]:
    raw = _plain(raw) or {}
    thresholds = raw.get("thresholds")
    if thresholds:
        # Best grade first: the highest score threshold.
        return tuple(sorted(thresholds, key=lambda g: -float(thresholds[g])))
    shares = (raw.get("distribution") or {}).get("shares")
    if shares:
        return tuple(shares)
    return ("S", "A", "B", "C", "D")


def scorecard_meta_from(scorecard: Any, content_hash: str | None = None) -> ScorecardMeta:
    """Build :class:`ScorecardMeta` from a scorecard in its file form.

    Accepts the mapping loaded from a scorecard YAML file (scorecard.md, "the
    file format") or a model object exposing ``model_dump()``.
    """
    data = _plain(scorecard)
    if not isinstance(data, Mapping):
        raise KefuError("a scorecard for a report must be a mapping or a model")
    dimensions: list[DimensionMeta] = []
    indicators: dict[str, IndicatorMeta] = {}
    for d in data.get("dimensions") or ():
        d = _plain(d)
        names = _plain(d.get("name")) or {}
        if isinstance(names, str):
            names = {"zh": names, "en": names}
        items = [_indicator(_plain(i)) for i in d.get("indicators") or ()]
        indicators.update({i.id: i for i in items})
        dimensions.append(
            DimensionMeta(
                id=str(d["id"]),
                name_zh=str(names.get("zh") or names.get("en") or d["id"]),
                name_en=str(names.get("en") or names.get("zh") or d["id"]),
                weight=float(d.get("weight") or sum(i.weight for i in items)),
                indicators=tuple(i.id for i in items),
            )
        )
    return ScorecardMeta(
        name=str(data.get("name", "")),
        version=str(data.get("version", "")),
        dimensions=tuple(dimensions),
        indicators=indicators,
        grades=_grades(data.get("grades")),
        content_hash=content_hash or getattr(scorecard, "content_hash", None),
    )


def indicator_order(
    metas: Sequence[ScorecardMeta], results: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Indicator ids in scorecard order, then any others found in the results."""
    order: dict[str, None] = {}
    for m in metas:
        for d in m.dimensions:
            order.update(dict.fromkeys(d.indicators))
    for r in results:
        order.update(dict.fromkeys(i["indicator"] for i in r.get("indicators") or ()))
    return list(order)
