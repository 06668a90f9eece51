"""Typed results: one agent's result for a period, and its indicator and dimension rows.

The rules build :class:`IndicatorRow` and :class:`DimensionRow` rows, the month
and the cycles build one :class:`AgentResult` per agent through
:func:`agent_result`, and reading a run hands them out again::

    result = AgentResult.from_stored(orjson.loads(stored.detail_json))
    result.total, result.grade, [i.points for i in result.indicators]

The rows are named tuples on purpose: a 10,000-agent month has 160,000
indicator rows, and a tuple of the stored table's fields is what both the rules
(``zip`` in C) and the store (a JSON array per row, field names once per table)
want (orjson writes a plain tuple as an array; :meth:`AgentResult.to_stored`
hands it plain tuples). Their fields are sorted, as the stored tables have
always named them, so the stored text and the run's results hash are those of
the dicts stored before the results were typed. :meth:`AgentResult.to_stored` is the one place that
knows the stored form.

Reading by name (``result["total"]``, ``row.get("share")``) is kept on the
results and their rows for the templates, exports and tests that name fields
as text; code reads attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import (
    Any,
    Final,
    NamedTuple,
    NotRequired,
    Protocol,
    SupportsIndex,
    TypedDict,
    overload,
)


def _by_name(row: tuple[Any, ...], key: str | SupportsIndex | slice) -> Any:
    if type(key) is str:
        try:
            return getattr(row, key)
        except AttributeError:
            raise KeyError(key) from None
    return tuple.__getitem__(row, key)  # type: ignore[index]


class IndicatorRow(NamedTuple):
    """One indicator of one agent's result: its figure, share and points.

    A quarter's or year's rows are recomputed over the whole period, not scored:
    their ``dimension``, ``effective_weight``, ``provisional``, ``reason_code``
    and ``scored_value`` are None, and their ``share`` and ``points`` too.
    """

    denominator: float | None
    dimension: str | None
    effective_weight: float | None
    indicator: str
    numerator: float | None
    points: float | None
    provisional: bool | None
    reason: str | None
    reason_code: str | None
    sample: int
    #: The value the agent is scored at (shrunk, or the team's): None when not scored.
    scored_value: float | None
    share: float | None
    #: A :class:`kefu.scoring.rules.ScoreStatus` value, as stored.
    status: str
    value: float | None
    weight: float
    #: ``[low, high]`` of a rate's Wilson interval.
    wilson: Sequence[float] | None

    # Reading a field by its name as text (``row["points"]``, ``row.get("points")``), for
    # the templates and exports that do; a number still indexes the tuple.
    @overload
    def __getitem__(self, key: str) -> Any: ...
    @overload
    def __getitem__(self, key: SupportsIndex) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, key: str | SupportsIndex | slice) -> Any:
        return _by_name(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


class DimensionRow(NamedTuple):
    """One dimension of one agent's result: the points of its indicators, summed."""

    effective_weight: float
    id: str
    #: ``{"zh": ..., "en": ...}`` as the scorecard names it.
    name: Mapping[str, str]
    points: float
    weight: float

    # Reading a field by its name as text (``row["points"]``, ``row.get("points")``), for
    # the templates and exports that do; a number still indexes the tuple.
    @overload
    def __getitem__(self, key: str) -> Any: ...
    @overload
    def __getitem__(self, key: SupportsIndex) -> Any: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, key: str | SupportsIndex | slice) -> Any:
        return _by_name(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


class ScorecardRef(TypedDict):
    """The scorecard a result was scored under."""

    name: str
    version: str
    content_hash: str


class BonusItem(TypedDict):
    indicator: str
    count: float
    points: float
    reason: NotRequired[str]


class PenaltyItem(TypedDict):
    event: str
    where: Mapping[str, Any]
    count: int
    points: float
    reason: NotRequired[str]


class Veto(TypedDict):
    event: str
    where: Mapping[str, Any]
    count: int
    cap_grade: str
    reason: str


class MonthTotal(TypedDict):
    """One month of a quarter's or year's mean."""

    period: str
    total: float
    grade: str


#: The fields of the stored tables' rows: sorted, as stored results have always named them.
INDICATOR_FIELDS: Final = IndicatorRow._fields
DIMENSION_FIELDS: Final = DimensionRow._fields
#: The fields a quarter's or year's indicator rows are stored with (the others are None).
CYCLE_INDICATOR_FIELDS: Final = (
    "denominator", "indicator", "numerator", "points", "reason", "sample", "share",
    "status", "value", "weight", "wilson",
)  # fmt: skip
_NO_INDICATOR: Final[dict[str, Any]] = dict.fromkeys(INDICATOR_FIELDS)

# tuple.__new__ bound to the row type: what NamedTuple._make does, without a Python frame
# per row (160,000 of them at 10,000 agents).
indicator_rows = partial(tuple.__new__, IndicatorRow)
dimension_rows = partial(tuple.__new__, DimensionRow)


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an agent's total puts them: grade, pay and ranks (see ``month.grade_and_rank``)."""

    grade: str
    grade_before_veto: str
    pay_coefficient: float | None
    rank_team: int | None
    rank_site: int | None
    rank_centre: int | None
    #: Why the grade was given otherwise than usual (added to the result's reasons).
    reasons: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class AgentResult(Mapping[str, Any]):
    """One agent's result for one period, as stored and read (callers never change it).

    Also a read-only mapping of its fields (``months`` only for a quarter or a
    year), so the templates and exports that read results by name keep doing so.
    """

    agent_id: str
    name: str | None
    team: str | None
    site: str | None
    period: str
    scorecard: ScorecardRef
    total: float
    grade: str
    grade_before_veto: str | None
    pay_coefficient: float | None
    rank_team: int | None
    rank_site: int | None
    rank_centre: int | None
    bonus: float
    penalty: float
    vetoes: Sequence[Veto]
    indicators: tuple[IndicatorRow, ...]
    dimensions: tuple[DimensionRow, ...]
    bonus_items: Sequence[BonusItem]
    penalty_items: Sequence[PenaltyItem]
    reasons: Sequence[str]
    #: A quarter's or year's months (None for a month).
    months: Sequence[MonthTotal] | None = None

    # -- reading by name -------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(_RESULT_FIELDS if self.months is not None else _MONTH_FIELDS)

    def __len__(self) -> int:
        return len(_RESULT_FIELDS) - (self.months is None)

    def __contains__(self, key: object) -> bool:
        return key in _FIELD_SET and (key != "months" or self.months is not None)

    def indicator(self, indicator: str) -> IndicatorRow | None:
        """The row of ``indicator`` (None when the result has none)."""
        return next((i for i in self.indicators if i.indicator == indicator), None)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data (rows as dicts), for JSON answers and exports."""
        out = {name: getattr(self, name) for name in _RESULT_FIELDS}
        out["indicators"] = [i._asdict() for i in self.indicators]
        out["dimensions"] = [d._asdict() for d in self.dimensions]
        if self.months is None:
            del out["months"]
        return out

    # -- the stored form ---------------------------------------------------------------
    def to_stored(self) -> dict[str, Any]:
        """The result as stored (encoded by ``runs.serialise``): rows as tables.

        Field names made up most of a stored result; as tables (``fields``
        once, ``rows`` as arrays) a 10,000-agent run is half the size to encode,
        hash and write. A month's tables are always tables; a quarter's are
        stored with the fields they have, and as ``[]`` when empty, as the
        dicts were packed before.
        """
        # As plain tuples: orjson encodes a tuple as an array but not a subclass of one.
        if self.months is None:
            indicators: Any = {
                "fields": INDICATOR_FIELDS,
                "rows": list(map(tuple, self.indicators)),
            }
            dimensions: Any = {
                "fields": DIMENSION_FIELDS,
                "rows": list(map(tuple, self.dimensions)),
            }
        else:
            indicators = _cycle_table(self.indicators)
            dimensions = (
                {"fields": DIMENSION_FIELDS, "rows": list(map(tuple, self.dimensions))}
                if self.dimensions
                else []
            )
        out = {
            "agent_id": self.agent_id,
            "name": self.name,
            "team": self.team,
            "site": self.site,
            "period": self.period,
            "scorecard": self.scorecard,
            "total": self.total,
            "grade": self.grade,
            "grade_before_veto": self.grade_before_veto,
            "pay_coefficient": self.pay_coefficient,
            "rank_team": self.rank_team,
            "rank_site": self.rank_site,
            "rank_centre": self.rank_centre,
            "bonus": self.bonus,
            "penalty": self.penalty,
            "vetoes": self.vetoes,
            "indicators": indicators,
            "dimensions": dimensions,
            "bonus_items": self.bonus_items,
            "penalty_items": self.penalty_items,
            "reasons": self.reasons,
        }
        if self.months is not None:
            out["months"] = self.months
        return out

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> AgentResult:
        """The result :meth:`to_stored` stored, or one stored before results were typed
        (rows as lists of dicts, fields missing from older versions as None)."""
        get = stored.get
        return cls(
            agent_id=stored["agent_id"],
            name=get("name"),
            team=get("team"),
            site=get("site"),
            period=get("period") or "",
            scorecard=stored["scorecard"],
            total=stored["total"],
            grade=stored["grade"],
            grade_before_veto=get("grade_before_veto"),
            pay_coefficient=get("pay_coefficient"),
            rank_team=get("rank_team"),
            rank_site=get("rank_site"),
            rank_centre=get("rank_centre"),
            bonus=get("bonus", 0.0),
            penalty=get("penalty", 0.0),
            vetoes=get("vetoes") or [],
            indicators=_indicators_read(get("indicators")),
            dimensions=_dimensions_read(get("dimensions")),
            bonus_items=get("bonus_items") or [],
            penalty_items=get("penalty_items") or [],
            reasons=get("reasons") or [],
            months=get("months"),
        )


_RESULT_FIELDS: Final = tuple(AgentResult.__dataclass_fields__)
_MONTH_FIELDS: Final = tuple(f for f in _RESULT_FIELDS if f != "months")
_FIELD_SET: Final = frozenset(_RESULT_FIELDS)


class Who(Protocol):
    """Whom a result is for (an ``inputs.Assignment``)."""

    @property
    def agent_id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def team(self) -> str | None: ...
    @property
    def site(self) -> str | None: ...


def agent_result(
    period: str,
    who: Who,
    scorecard: ScorecardRef,
    standing: Standing,
    *,
    total: float,
    bonus: float,
    penalty: float,
    vetoes: Sequence[Veto],
    indicators: tuple[IndicatorRow, ...],
    dimensions: tuple[DimensionRow, ...],
    bonus_items: Sequence[BonusItem],
    penalty_items: Sequence[PenaltyItem],
    reasons: Sequence[str] = (),
    months: Sequence[MonthTotal] | None = None,
) -> AgentResult:
    """The one constructor of a result, for a month and a cycle alike."""
    return AgentResult(
        agent_id=who.agent_id,
        name=who.name,
        team=who.team,
        site=who.site,
        period=period,
        scorecard=scorecard,
        total=total,
        grade=standing.grade,
        grade_before_veto=standing.grade_before_veto,
        pay_coefficient=standing.pay_coefficient,
        rank_team=standing.rank_team,
        rank_site=standing.rank_site,
        rank_centre=standing.rank_centre,
        bonus=bonus,
        penalty=penalty,
        vetoes=vetoes,
        indicators=indicators,
        dimensions=dimensions,
        bonus_items=bonus_items,
        penalty_items=penalty_items,
        reasons=[*reasons, *standing.reasons] if standing.reasons else reasons,
        months=months,
    )


def _cycle_table(rows: Sequence[IndicatorRow]) -> Any:
    if not rows:
        return []
    return {
        "fields": CYCLE_INDICATOR_FIELDS,
        "rows": [tuple(getattr(r, f) for f in CYCLE_INDICATOR_FIELDS) for r in rows],
    }


def _as_dicts(found: Any) -> list[Mapping[str, Any]] | None:
    """Stored rows of another field list as dicts; None when they are the current table."""
    if isinstance(found, dict):
        fields = found["fields"]
        return [dict(zip(fields, r, strict=True)) for r in found["rows"]]
    return list(found or [])


def _indicators_read(found: Any) -> tuple[IndicatorRow, ...]:
    if isinstance(found, dict) and tuple(found["fields"]) == INDICATOR_FIELDS:
        return tuple(map(indicator_rows, found["rows"]))
    return tuple(
        [
            IndicatorRow(**{**_NO_INDICATOR, **{k: v for k, v in d.items() if k in _NO_INDICATOR}})
            for d in _as_dicts(found) or ()
        ]
    )


def _dimensions_read(found: Any) -> tuple[DimensionRow, ...]:
    if isinstance(found, dict) and tuple(found["fields"]) == DIMENSION_FIELDS:
        return tuple(map(dimension_rows, found["rows"]))
    return tuple(
        DimensionRow._make(d.get(k) for k in DIMENSION_FIELDS) for d in _as_dicts(found) or ()
    )
