"""The team appraisal table, the agent appraisal sheet and a figure's records.

Each function takes a :class:`~kefu.web.views.appraisal.ResultsView` (already cut
to what the user may see) and answers 404 for an object outside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kefu.errors import NotFound, UsageError
from kefu.metrics import Level
from kefu.metrics.explain import Counted, explain
from kefu.metrics.registry import INDICATORS
from kefu.reports import explain as reasons_of
from kefu.reports.catalogue import indicator_name
from kefu.reports.formatting import assess, format_points, format_value, target_text
from kefu.reports.meta import ScorecardMeta, indicator_order
from kefu.reports.reasons import event_name, indicator_reason, translate
from kefu.reports.table import veto_text
from kefu.scoring.reads import agent_row
from kefu.scoring.registry import load_version
from kefu.scoring.result_model import AgentResult, DimensionRow, IndicatorRow
from kefu.scoring.runs import latest_run
from kefu.users.roles import Principal
from kefu.web.views import changes
from kefu.web.views.appraisal import (
    NotPublished,
    ResultsView,
    grade_reasons,
    published_only,
    trend_months,
)
from kefu.web.views.models import (
    AgentSheetView,
    BonusItemView,
    CellPublic,
    ChangePublic,
    FigurePublic,
    GradeChangePublic,
    HistoryEntry,
    PenaltyItemView,
    RadarPublic,
    RecordsPublic,
    RecordTablePublic,
    SheetDimensionPublic,
    SheetIndicatorPublic,
    TeamColumnPublic,
    TeamRowView,
    TeamTableView,
    TrendPublic,
)

MAX_PER_PAGE = 500


def _cell(item: IndicatorRow | None, meta: Any, locale: str) -> CellPublic:
    if item is None:
        return CellPublic(value=None, text="—", points=None, rating=None, status=None)
    ind = str(item["indicator"])
    status = str(item.get("status") or "ok")
    rating = assess(item.get("value"), meta.indicators.get(ind), status)
    return CellPublic(
        value=item.get("value"),
        text=format_value(ind, item.get("value"), locale),
        points=item.get("points"),
        rating=str(rating) if rating else None,
        status=status,
    )


def team_table(
    view: ResultsView, team: str, locale: str, ws: Any = None, user: Principal | None = None
) -> TeamTableView:
    """Agents × indicators of one team (value, points, rating), totals, grades, ranks;
    with ``ws`` and ``user``, each figure's change against the previous period."""
    members = view.team_members(team)
    if not members or view.meta is None:
        raise NotFound(f"no results of team '{team}' for {view.period.label}")
    metas = view.meta.used_by(members)
    ids = indicator_order(metas, members)
    first = metas[0]
    columns = [
        TeamColumnPublic(
            indicator=i,
            name=indicator_name(i, locale),
            weight=first.indicators[i].weight if i in first.indicators else None,
            target_text=target_text(first.indicators[i], locale) if i in first.indicators else "—",
        )
        for i in ids
    ]
    reasons = grade_reasons(ws, view.population, members, locale) if ws is not None else {}
    found = (
        changes.previous_rows(ws, view.period, published=published_only(user))
        if ws is not None and user is not None
        else None
    )
    rows = []
    for r in sorted(members, key=lambda r: (r.get("rank_team") or 10**9, str(r["agent_id"]))):
        sc = view.meta.for_result(r)
        by_id = {i["indicator"]: i for i in r.get("indicators") or ()}
        before = found[1].agent(r.agent_id) if found is not None else None
        label = found[0] if found is not None else ""
        was = {i.indicator: i for i in before.indicators} if before is not None else {}
        cells = []
        for i in ids:
            cell = _cell(by_id.get(i), sc, locale)
            if i in was and i in by_id:
                cell.change = changes.indicator_change(
                    i, cell.value, was[i].value, sc.indicators.get(i),
                    previous=label, locale=locale,
                )  # fmt: skip
            cells.append(cell)
        rows.append(
            TeamRowView(
                agent_id=str(r["agent_id"]),
                name=r.get("name"),
                cells=cells,
                total=r.get("total"),
                grade=r.get("grade"),
                rank_team=r.get("rank_team"),
                rank_centre=r.get("rank_centre"),
                vetoes=[veto_text(v, locale) for v in r.get("vetoes") or ()],
                grade_reason=reasons.get(str(r["agent_id"]), ""),
                total_change=_total_change(r, before, label),
                grade_change=_grade_change(r, before, sc, label),
            )
        )
    totals = [float(r["total"]) for r in members if r.get("total") is not None]
    return TeamTableView(
        team=team,
        period=view.period.label,
        columns=columns,
        rows=rows,
        mean_total=sum(totals) / len(totals) if totals else None,
    )


def _total_change(
    row: AgentResult, before: AgentResult | None, previous: str
) -> ChangePublic | None:
    if before is None:
        return None
    return changes.number_change(
        row.total, before.total, better_when_higher=True, previous=previous
    )


def _grade_change(
    row: AgentResult, before: AgentResult | None, sc: ScorecardMeta, previous: str
) -> GradeChangePublic | None:
    if before is None:
        return None
    return changes.grade_change(row.grade, before.grade, sc.grades, previous=previous)


def result_of(view: ResultsView, agent_id: str) -> AgentResult:
    if view.run is None and view.unpublished:
        raise NotPublished(view.period.label)
    found = next((r for r in view.rows if r.agent_id == agent_id), None)
    if found is None:
        raise NotFound(f"no result of agent {agent_id} for {view.period.label}")
    return found


def dimension_share(d: DimensionRow) -> float | None:
    """Points over the weight the dimension actually carried (after any redistribution of
    unscored indicators' weight); None when nothing in it was scored."""
    weight = float(d.weight or 0) if d.effective_weight is None else float(d.effective_weight)
    return float(d.points) / weight if weight > 0 else None


def _shares(row: AgentResult) -> dict[str, float | None]:
    return {d.id: dimension_share(d) for d in row.dimensions}


def agent_sheet(
    ws: Any, user: Principal, view: ResultsView, agent_id: str, locale: str
) -> AgentSheetView:
    """个人绩效考核表: dimensions and indicators with weight, target, value, share,
    points and reasons; bonus, penalties, vetoes; total, grade, ranks; the radar
    (dimension shares vs the team's mean share) and the 6-month trend of the total."""
    row = result_of(view, agent_id)
    assert view.meta is not None
    sc = view.meta.for_result(row)
    found = changes.previous_result(ws, view.period, agent_id, published=published_only(user))
    label, before = found if found is not None else ("", None)
    dimensions = _sheet_dimensions(row, sc, locale, before, label)
    mates = view.mates(row)
    card = _card(ws, row)
    return AgentSheetView(
        agent_id=agent_id,
        name=row.name,
        team=row.team,
        site=row.site,
        period=view.period.label,
        scorecard=dict(row.scorecard),
        dimensions=dimensions,
        bonus=row.bonus,
        bonus_items=_bonus_items(row, card, locale),
        penalty=row.penalty,
        penalty_items=_penalty_items(row, card, locale),
        vetoes=[veto_text(v, locale) for v in row.vetoes],
        reasons=[translate(r, locale) for r in row.reasons],
        total=row.total,
        grade=row.grade,
        grade_before_veto=row.grade_before_veto,
        grade_reason=grade_reason_of(ws, view, row, locale),
        bonus_text=reasons_of.signed(row.bonus, "+"),
        penalty_text=reasons_of.signed(row.penalty, "−"),
        pay_coefficient=row.pay_coefficient,
        rank_team=row.rank_team,
        rank_site=row.rank_site,
        rank_centre=row.rank_centre,
        population=view.headcounts(row),
        team_mean_total=view.team_mean(row.team or ""),
        radar=_radar(dimensions, mates),
        trend=total_trend(ws, user, view, agent_id),
        total_change=_total_change(row, before, label),
        grade_change=_grade_change(row, before, sc, label),
        cycle_months=[
            HistoryEntry(period=m["period"], total=m["total"], grade=m.get("grade"), rank_team=None)
            for m in row.months or ()
        ],
        unscored_indicators=[
            i.indicator for i in row.indicators if i.indicator not in sc.indicators
        ],
    )


def _sheet_dimensions(
    row: AgentResult,
    sc: ScorecardMeta,
    locale: str,
    before: AgentResult | None = None,
    previous: str = "",
) -> list[SheetDimensionPublic]:
    """The sheet's dimensions, each with its indicators' weight, target, value and points
    (and their change since ``before``, the previous period's result)."""
    zh = locale.startswith("zh")
    was = {i.indicator: i for i in before.indicators} if before is not None else {}
    dimensions = []
    for d in row.dimensions:
        names = d.name or {}
        indicators = []
        for i in (i for i in row.indicators if i.dimension == d.id):
            im = sc.indicators.get(i.indicator)
            cell = _cell(i, sc, locale)
            old = was.get(i.indicator)
            indicators.append(
                SheetIndicatorPublic(
                    indicator=i.indicator,
                    name=indicator_name(i.indicator, locale),
                    weight=i.weight,
                    effective_weight=i.effective_weight,
                    target_text=target_text(im, locale) if im else "—",
                    value=i.value,
                    value_text=cell.text,
                    sample=i.sample,
                    share=i.share,
                    points=i.points,
                    points_text=format_points(i.points),
                    rating=cell.rating,
                    status=cell.status,
                    # the page shows the effective weight beside the nominal one
                    reason=indicator_reason(i._asdict(), im, locale, with_weight=False),
                    drillable=i.indicator.partition(".")[0] in INDICATORS,
                    change=None
                    if old is None
                    else changes.indicator_change(
                        i.indicator, i.value, old.value, im, previous=previous, locale=locale
                    ),
                    # Points of an indicator without a value (0 → 0) say nothing new.
                    points_change=None
                    if old is None or i.value is None
                    else changes.number_change(
                        i.points, old.points, better_when_higher=True, previous=previous
                    ),
                )
            )
        dimensions.append(
            SheetDimensionPublic(
                id=d.id,
                name=str(names.get("zh" if zh else "en") or names.get("zh") or d.id),
                weight=float(d.weight or 0),
                points=d.points,
                share=dimension_share(d),
                effective_weight=d.effective_weight,
                indicators=indicators,
            )
        )
    return dimensions


def _radar(dimensions: list[SheetDimensionPublic], mates: Sequence[AgentResult]) -> RadarPublic:
    """Each dimension's share of its weight earned: the agent's and the team's mean, in %."""
    team_share: dict[str, list[float]] = {}
    for r in mates:
        for dim, share in _shares(r).items():
            if share is not None:
                team_share.setdefault(dim, []).append(share)
    return RadarPublic(
        dimensions=[d.name for d in dimensions],
        agent=[round((d.share or 0.0) * 100, 1) for d in dimensions],
        team=[round(_mean(team_share.get(d.id, [])) * 100, 1) for d in dimensions],
    )


def _bonus_items(row: AgentResult, card: Any, locale: str) -> list[BonusItemView]:
    return [
        BonusItemView(
            indicator=b["indicator"],
            count=b["count"],
            points=b["points"],
            reason=b.get("reason") and translate(b["reason"], locale),
            name=indicator_name(str(b["indicator"]), locale),
            line=reasons_of.bonus_line(b, reasons_of.bonus_rule(card, b), locale),
        )
        for b in row.bonus_items
    ]


def _penalty_items(row: AgentResult, card: Any, locale: str) -> list[PenaltyItemView]:
    return [
        PenaltyItemView(
            event=event_name(str(p.get("event")), locale),
            where=dict(p.get("where") or {}),
            count=p["count"],
            points=p["points"],
            reason=p.get("reason") and translate(p["reason"], locale),
            line=reasons_of.penalty_line(p, reasons_of.penalty_rule(card, p), locale),
        )
        for p in row.penalty_items
    ]


def _card(ws: Any, row: Mapping[str, Any]) -> Any:
    """The scorecard that scored ``row`` (its rules explain bonus, penalty and grade)."""
    try:
        return load_version(ws, str(row["scorecard"]["content_hash"]))
    except (KeyError, TypeError, NotFound):
        return None


def grade_reason_of(ws: Any, view: ResultsView, row: AgentResult, locale: str) -> str:
    return grade_reasons(ws, view.population, [row], locale)[row.agent_id]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def total_trend(ws: Any, user: Principal, view: ResultsView, agent_id: str) -> TrendPublic:
    """The agent's total in each of the six months ending with the period."""
    months = trend_months(view.period)
    values: list[float | None] = []
    for m in months:
        run = latest_run(ws, m, published=published_only(user))
        found = None if run is None else agent_row(ws, run, agent_id)
        values.append(round(float(found["total"]), 2) if found else None)
    return TrendPublic(
        months=[m.label for m in months], values=values, texts=[format_points(v) for v in values]
    )


def history(ws: Any, user: Principal, view: ResultsView, agent_id: str) -> list[HistoryEntry]:
    """Earlier monthly results of the agent (for the PDF's history block)."""
    out = []
    for m in trend_months(view.period)[:-1]:
        run = latest_run(ws, m, published=published_only(user))
        if run is None:
            continue
        found = agent_row(ws, run, agent_id)
        if found:
            out.append(
                HistoryEntry(
                    period=m.label,
                    total=found["total"],
                    grade=found.get("grade"),
                    rank_team=found.get("rank_team"),
                )
            )
    return out


def records(
    ws: Any,
    view: ResultsView,
    agent_id: str,
    indicator: str | None,
    page: int,
    per_page: int,
    counted: str | None = None,
) -> RecordsPublic:
    """The records behind one figure of an agent's sheet, one page at a time.

    ``counted`` keeps only the records counted that way (numerator, denominator only,
    not counted); the counts of each are given either way.
    """
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise UsageError(f"page must be ≥ 1 and per_page between 1 and {MAX_PER_PAGE}")
    return _records(ws, view, agent_id, indicator, counted, page, per_page)


def all_records(
    ws: Any, view: ResultsView, agent_id: str, indicator: str | None, counted: str | None = None
) -> RecordsPublic:
    """Every record behind the figure (the filter applied): the downloads' rows."""
    return _records(ws, view, agent_id, indicator, counted, 1, None)


def _counted(value: str | None) -> Counted | None:
    if not value:
        return None
    try:
        return Counted(value)
    except ValueError:
        names = ", ".join(str(c) for c in Counted)
        raise UsageError(f"counted must be one of {names}") from None


def _records(
    ws: Any,
    view: ResultsView,
    agent_id: str,
    indicator: str | None,
    counted: str | None,
    page: int,
    per_page: int | None,
) -> RecordsPublic:
    row = result_of(view, agent_id)
    if not indicator:
        raise UsageError("choose an indicator of the sheet to list its records")
    keep = _counted(counted)
    item = next((i for i in row.get("indicators") or () if i["indicator"] == indicator), None)
    # Channel-qualified ids (aht_avg.phone) are indicators of their own: explain exactly those.
    base = indicator if indicator in INDICATORS else indicator.partition(".")[0]
    if base not in INDICATORS:
        raise NotFound(f"unknown indicator '{indicator}'")
    # A quarter's or year's table shows the indicator recomputed over the whole period
    # (scorecard.md, Cycles): its records are those of the whole period.
    card = load_version(ws, str(row["scorecard"]["content_hash"]))
    run = view.run
    found = explain(
        ws,
        level=Level.AGENT,
        key=agent_id,
        period=view.period,
        indicator=base,
        params=card.indicator_params(),
        as_of=run.as_of if run is not None else None,
        offset=0 if per_page is None else (page - 1) * per_page,
        limit=per_page,
        counted=keep,
    )
    chunk = found.to_rows()
    total = found.total or 0
    columns = found.columns()
    fig = found.figure
    shown = per_page if per_page is not None else max(total, 1)
    return RecordsPublic(
        agent_id=agent_id,
        indicator=indicator,
        period=view.period.label,
        figure=FigurePublic(
            value=fig.value,
            numerator=fig.numerator,
            denominator=fig.denominator,
            sample=fig.sample,
            status=str(fig.status),
        ),
        scored_value=item.get("value") if item else None,
        columns=columns,
        records=[{c: _plain(r.get(c)) for c in columns} for r in chunk],
        page=page,
        per_page=shown,
        total=total,
        pages=max(1, -(-total // shown)),
        counted=None if keep is None else str(keep),
        counts=found.counts(),
        tables=[
            RecordTablePublic(
                table=t.table, columns=list(t.columns), counts=t.counts, listed=t.listed
            )
            for t in found.tables
        ],
    )


def _plain(value: Any) -> Any:
    """JSON-friendly cell values (dates and times as ISO text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
