"""What the appraisal pages and their API show, read once and filtered by role.

Pages and the JSON API call the same functions, so both always agree and
both apply the same object rules (an agent sees only their own result, a
supervisor their teams, HR published runs only, QA no appraisal results)::

    view = results_view(ws, user, "2026-10")
    overview(ws, user, "2026-10", None, "zh-CN").teams[0].mean_total
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kefu.errors import NotFound, UsageError
from kefu.metrics import Figure, Level, compute
from kefu.periods import Grain, Period
from kefu.reports import explain as reasons_of
from kefu.reports.formatting import assess, format_value, target_text
from kefu.reports.meta import ReportMeta, ScorecardMeta, scorecard_meta_from
from kefu.reports.status import STALE, status_of
from kefu.scoring.models import ScoringRun
from kefu.scoring.reads import RunRows, run_rows
from kefu.scoring.registry import shared_version, workspace_scorecards
from kefu.scoring.result_model import AgentResult
from kefu.scoring.runs import (
    Catalog,
    RunStatus,
    catalog,
    latest_run,
    scored_periods,
)
from kefu.users.roles import Forbidden, Principal, Role
from kefu.web.access import RESULT_ROLES
from kefu.web.team_ids import team_id
from kefu.web.views import changes
from kefu.web.views.models import (
    AlertsView,
    AlertView,
    ApplicationRow,
    ApplicationsView,
    GradeCountPublic,
    IndicatorCardPublic,
    OverviewView,
    PeriodPublic,
    RunPublic,
    TeamRankPublic,
    TrendPublic,
)
from kefu.workspace import Workspace

TREND_MONTHS = 6


class NotPublished(NotFound):
    """The period has no published run, and the user sees published results only."""

    key = "trust.unpublished"

    def __init__(self, label: str) -> None:
        self.params = {"period": label}
        super().__init__(f"the results of {label} are not published yet")


def published_only(user: Principal) -> bool:
    """Agents and HR see published runs only (README: "their own published results")."""
    return user.role in (Role.agent, Role.hr)


def parse_period(label: str) -> Period:
    try:
        return Period.parse(label)
    except (ValueError, UsageError) as exc:
        raise UsageError(f"'{label}' is not a period (use 2026-10, 2026-Q4 or 2026)") from exc


# -- periods ------------------------------------------------------------------------
def period_choices(ws: Workspace, user: Principal) -> list[PeriodPublic]:
    """Months with runs, then the quarters and years they fall in (newest first).

    Agents and HR see only periods with a published run (and see them as published).
    """
    months = scored_periods(ws, Grain.MONTH)
    out: list[PeriodPublic] = []
    labels: list[str] = list(months)
    quarters = {f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}" for m in months}
    years = {m[:4] for m in months}
    labels += sorted(quarters | set(scored_periods(ws, Grain.QUARTER)), reverse=True)
    labels += sorted(years | set(scored_periods(ws, Grain.YEAR)), reverse=True)
    batches = catalog(ws)  # once for every period's status, not once per period
    for label in labels:
        if published_only(user):
            if latest_run(ws, label, published=True) is None:
                continue
            out.append(PeriodPublic(label=label, grain=str(Period.parse(label).grain),
                                    status=RunStatus.PUBLISHED))  # fmt: skip
            continue
        run = latest_run(ws, label)
        status = RunStatus.OPEN if run is None else _status(ws, run, batches)
        out.append(PeriodPublic(label=label, grain=str(Period.parse(label).grain), status=status))
    return out


def _status(ws: Workspace, run: ScoringRun, batches: Catalog | None = None) -> str:
    # One status for pages, PDFs and workbooks alike (kefu.reports.status).
    return status_of(ws, run, batches)


def default_period(ws: Workspace, user: Principal) -> str | None:
    """The newest month the user can see results of."""
    for choice in period_choices(ws, user):
        if choice.grain == str(Grain.MONTH) and choice.status != RunStatus.OPEN:
            return choice.label
    return None


# -- results of a period, as the user may see them ---------------------------------
@dataclass
class ResultsView:
    period: Period
    run: ScoringRun | None
    status: str
    rows: list[AgentResult]  # visible results, best first
    everyone: list[AgentResult]  # all results of the run (ranks, team averages)
    meta: ReportMeta | None
    #: No published run, for a user who sees published runs only (nothing else is shown).
    unpublished: bool = False
    #: The whole run with its look-ups (one team's rows, team means), when there is a run.
    stored: RunRows | None = None

    @property
    def whole_run(self) -> RunRows | None:
        """The run's :class:`RunRows` when the user sees all of it (its look-ups and
        figures derived once per run then answer for the view), else None."""
        return self.stored if self.stored is not None and self.rows is self.stored.rows else None

    @property
    def teams(self) -> list[str]:
        if self.whole_run is not None:
            return self.whole_run.teams
        return sorted({r.team or "" for r in self.rows})

    @property
    def population(self) -> RunRows | list[AgentResult]:
        """All results of the run, as its :class:`RunRows` when there is one: what the
        grading populations are counted in, once per run rather than on every page."""
        return self.stored if self.stored is not None else self.everyone

    def mates(self, row: AgentResult) -> list[AgentResult]:
        """Everyone of ``row``'s team in the run (its ranks and means count them all)."""
        team = row.team or ""
        if self.stored is not None:
            return self.stored.team(team)
        return [r for r in self.everyone if (r.team or "") == team]

    def headcounts(self, row: AgentResult) -> dict[str, int]:
        """The agents ``row`` is ranked among: in its team, its site and the centre."""
        site = (
            self.stored.site_heads[row.site]
            if self.stored is not None
            else sum(1 for r in self.everyone if r.site == row.site)
        )
        return {"team": len(self.mates(row)), "site": site, "centre": len(self.everyone)}

    def team_mean(self, team: str) -> float | None:
        """The mean total of ``team`` in the run."""
        means = self.stored.team_means if self.stored is not None else team_means(self.everyone)
        return means.get(team)

    def team_members(self, team: str) -> list[AgentResult]:
        """The visible results of ``team``, best first."""
        if self.whole_run is not None:
            return self.whole_run.team(team)
        return [r for r in self.rows if (r.team or "") == team]

    def run_info(self) -> RunPublic:
        run = self.run
        return RunPublic(
            period=self.period.label,
            status=self.status,
            run_id=run.id if run else None,
            revision=run.revision if run else None,
            created_at=run.created_at if run else None,
            created_by=run.created_by if run else None,
            published_at=run.published_at if run else None,
            # figures are computed from the data as imported now, grades come from the run
            stale=self.status in STALE,
        )


def require_results_role(user: Principal) -> None:
    if user.role not in RESULT_ROLES:
        raise Forbidden("your role does not give access to appraisal results")


def results_view(ws: Workspace, user: Principal, period: Period | str) -> ResultsView:
    """The newest run of ``period`` (published for agents and HR), cut to what ``user``
    may see."""
    require_results_role(user)
    period = period if isinstance(period, Period) else parse_period(period)
    hr = published_only(user)
    run = latest_run(ws, period, published=hr)
    if run is None:
        return ResultsView(period, None, RunStatus.OPEN, [], [], None, unpublished=hr)
    stored = run_rows(ws, run)
    everyone = stored.rows
    published = run.state == RunStatus.PUBLISHED
    if user.sees_every_agent(published=published):
        rows = stored.rows  # the same list: the run's look-ups then answer for the view
    else:
        rows = [
            r
            for r in candidates(stored, user)
            if user.can_view_agent(r.agent_id, r.team, published=published)
        ]
    status = _status(ws, run) if not hr else RunStatus.PUBLISHED
    meta = report_meta(ws, stored, status, run)
    return ResultsView(period, run, status, rows, everyone, meta, stored=stored)


def candidates(stored: RunRows, user: Principal) -> list[AgentResult]:
    """The rows ``user`` might see (best first), before the object check: an agent's own,
    a supervisor's teams', or all; so a sheet does not test every agent of the centre."""
    if user.role is Role.agent:
        own = stored.agent(str(user.agent_id)) if user.agent_id else None
        return [own] if own is not None else []
    if user.role is Role.supervisor:
        if len(user.teams) == 1:
            return stored.team(next(iter(user.teams)))
        chosen = {id(r) for t in user.teams for r in stored.team(t)}
        return [r for r in stored.rows if id(r) in chosen]
    return stored.rows


def report_meta(
    ws: Workspace, rows: Sequence[AgentResult] | RunRows, status: str, run: ScoringRun
) -> ReportMeta:
    """The scorecards that scored ``rows``, rebuilt from their stored versions."""
    if isinstance(rows, RunRows):
        hashes = list(rows.by_scorecard)
    else:
        hashes = list(dict.fromkeys(r.scorecard["content_hash"] for r in rows))
    metas = [scorecard_meta_from(shared_version(ws, h), h) for h in hashes]
    if not metas:
        metas = [scorecard_meta_from(workspace_scorecards(ws).default)]
    label = f"#{run.id}" + (f" rev {run.revision}" if run.revision else "")
    return ReportMeta.of(*metas, status=str(status), run=label)


# -- figures (cached per period and imported data) ----------------------------------
_FIGURES: dict[tuple[Any, ...], list[Figure]] = {}
_LOCK = threading.Lock()


def figures(
    ws: Workspace, period: Period, level: Level, keys: Sequence[str] | None, ids: Sequence[str]
) -> list[Figure]:
    """``kefu.metrics.compute`` remembered until the next import (pages ask repeatedly)."""
    batches = tuple(b.id for b in ws.facts.committed_batches())
    card = workspace_scorecards(ws).default
    cache_key = (
        str(ws.home), card.content_hash, period.label, str(level), tuple(keys or ()), tuple(ids),
        batches,
    )  # fmt: skip
    with _LOCK:
        found = _FIGURES.get(cache_key)
    if found is not None:
        return found
    computed = compute(
        ws, period, level=level, indicators=ids, params=card.indicator_params(), keys=keys
    )
    with _LOCK:
        if len(_FIGURES) > 256:
            _FIGURES.clear()
        _FIGURES[cache_key] = computed
    return computed


def trend_months(period: Period, count: int = TREND_MONTHS) -> list[Period]:
    """The ``count`` months ending with the last month of ``period``."""
    last = period.months()[-1]
    months = [last]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


# -- the centre overview ------------------------------------------------------------
def scope_of(user: Principal, team: str | None, all_teams: Sequence[str]) -> tuple[Level, str]:
    """Which figures the overview shows: the centre, or one of a supervisor's teams."""
    if user.role is Role.supervisor:
        mine = sorted(user.teams)
        if not mine:
            raise NotFound("you supervise no team")
        chosen = team if team in user.teams else mine[0]
        return Level.TEAM, str(chosen)
    if team:
        if team not in all_teams:
            raise NotFound(f"no team '{team}' in this period")
        return Level.TEAM, team
    return Level.CENTRE, "centre"


def indicator_cards(
    ws: Workspace,
    view: ResultsView,
    level: Level,
    key: str,
    locale: str,
    user: Principal | None = None,
) -> list[IndicatorCardPublic]:
    """Each scored indicator of the default scorecard: value vs target, 6-month trend and,
    for ``user``, the change against the previous period when that period has a run the
    user may see (published only for HR)."""
    meta = (
        view.meta.scorecards[0]
        if view.meta
        else scorecard_meta_from(workspace_scorecards(ws).default)
    )
    ids = [i for d in meta.dimensions for i in d.indicators]
    months = trend_months(view.period)
    scored = set(scored_periods(ws, Grain.MONTH))
    series: dict[str, list[float | None]] = {i: [] for i in ids}
    current: dict[str, Figure] = {}
    for month in months:
        figs = (
            {f.indicator: f for f in figures(ws, month, level, [key], ids)}
            if month.label in scored
            else {}
        )
        for i in ids:
            f = figs.get(i)
            series[i].append(f.value if f else None)
    if view.period.grain is Grain.MONTH:
        current = (
            {f.indicator: f for f in figures(ws, view.period, level, [key], ids)}
            if (view.period.label in scored)
            else {}
        )
    else:
        current = {f.indicator: f for f in figures(ws, view.period, level, [key], ids)}
    before = view.period.previous()
    seen = user is not None and latest_run(ws, before, published=published_only(user))
    earlier = {f.indicator: f for f in figures(ws, before, level, [key], ids)} if seen else {}
    out = []
    for i in ids:
        f = current.get(i)
        im = meta.indicators.get(i)
        value = f.value if f else None
        rating = assess(value, im)
        was = earlier.get(i)
        out.append(
            IndicatorCardPublic(
                indicator=i,
                value=value,
                value_text=format_value(i, value, locale),
                sample=f.sample if f else 0,
                target_text=target_text(im, locale) if im else "—",
                rating=str(rating) if rating else None,
                trend=TrendPublic(
                    months=[m.label for m in months],
                    values=[display_value(i, v) for v in series[i]],
                    texts=[format_value(i, v, locale) for v in series[i]],
                ),
                change=changes.indicator_change(
                    i,
                    value,
                    was.value if was else None,
                    im,
                    previous=before.label,
                    locale=locale,
                ),
            )
        )
    return out


def display_value(indicator: str, value: float | None) -> float | None:
    """A value in display units for charts (percent ×100, per mille ×1000)."""
    from kefu.reports.formatting import display_number

    return None if value is None else float(display_number(indicator, value))


def grade_distribution(view: ResultsView) -> list[GradeCountPublic]:
    order = list(view.meta.grades) if view.meta else []
    counts = _grade_counts(view)
    order += [g for g in sorted(counts) if g not in order]
    return [GradeCountPublic(grade=g, agents=counts.get(g, 0)) for g in order]


def _grade_counts(view: ResultsView) -> Counter[str]:
    def count() -> Counter[str]:
        return Counter(r.grade for r in view.rows if r.grade)

    whole = view.whole_run
    return count() if whole is None else Counter(whole.once("grade_counts", count))


def team_ranking(
    view: ResultsView, previous: tuple[str, RunRows] | None = None
) -> list[TeamRankPublic]:
    """Teams by mean total (best first), with head count and grade mix; with the
    ``previous`` period's results, each mean's change against it."""
    whole = view.whole_run
    if whole is None:
        return _team_ranking(view.rows, previous)
    # The whole run's ranking is the same for every reader: ranked once per run.
    key = ("team_ranking", None if previous is None else (previous[0], previous[1].run_id))
    return list(whole.once(key, lambda: _team_ranking(view.rows, previous)))


def _team_ranking(
    rows: Sequence[AgentResult], previous: tuple[str, RunRows] | None
) -> list[TeamRankPublic]:
    groups: dict[str, list[AgentResult]] = defaultdict(list)
    for r in rows:
        groups[r.team or ""].append(r)
    found: list[tuple[str, int, float | None, dict[str, int]]] = []
    for team, members in groups.items():
        totals = [r.total for r in members]
        grades = Counter(r.grade for r in members if r.grade)
        mean = sum(totals) / len(totals) if totals else None
        found.append((team, len(members), mean, dict(grades)))
    found.sort(key=lambda t: (t[2] is None, -(t[2] or 0.0), t[0]))
    return [
        TeamRankPublic(
            team=team, team_id=team_id(team), agents=agents, mean_total=mean, grades=grades,
            rank=rank,
            mean_change=None if previous is None else changes.number_change(
                mean, previous[1].team_means.get(team), better_when_higher=True,
                previous=previous[0],
            ),
        )
        for rank, (team, agents, mean, grades) in enumerate(found, start=1)
    ]  # fmt: skip


def ranked_teams(ws: Workspace, user: Principal, view: ResultsView) -> list[TeamRankPublic]:
    """:func:`team_ranking` with each mean's change against the previous period's run
    (its published run for HR)."""
    if view.run is None:
        return team_ranking(view)
    before = changes.previous_rows(ws, view.period, published=published_only(user))
    return team_ranking(view, before)


def latest_data_day(ws: Workspace, period: Period) -> date | None:
    """The last day inside ``period`` that contact records reach (the catalog knows)."""
    ends = [
        b.period_end
        for b in ws.facts.committed_batches("contacts")
        if b.period_end is not None and b.period_start is not None
    ]
    last = period.end - timedelta(days=1)
    inside = [min(e, last) for e in ends]
    inside = [d for d in inside if period.start <= d]
    return max(inside) if inside else None


def alerts(ws: Workspace, user: Principal, period: Period) -> AlertsView:
    """Monitor alerts of the latest day with data, cut to the user's teams."""
    from kefu.scoring.monitor import kept_monitor

    if user.role not in (Role.admin, Role.manager, Role.supervisor):
        return AlertsView(date=None, alerts=[])
    day = latest_data_day(ws, period)
    if day is None:
        return AlertsView(date=None, alerts=[])
    report = kept_monitor(ws, Period.parse(day.isoformat()))
    visible = [
        AlertView(**a)
        for a in report.alerts
        if user.centre_wide or (a.get("team") or "") in user.teams
    ]
    return AlertsView(date=day.isoformat(), alerts=visible)


def team_means(rows: Sequence[AgentResult]) -> dict[str, float]:
    sums: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        sums[r.team or ""].append(r.total)
    return {t: sum(v) / len(v) for t, v in sums.items()}


def scorecard_of(view: ResultsView, row: AgentResult) -> ScorecardMeta:
    assert view.meta is not None
    return view.meta.for_result(row)


def applications_view(
    ws: Workspace, user: Principal, period: Period | str, locale: str = "zh-CN"
) -> ApplicationsView:
    """Pay coefficients, promotion candidates, training and plans (HR: published only)."""
    from kefu.scoring.applications import applications

    user.require(Role.admin, Role.manager, Role.hr)
    view = results_view(ws, user, period)
    if view.run is None:
        return ApplicationsView(period=view.period.label, run=view.run_info(), agents=[],
                                distribution=[])  # fmt: skip
    agents, distribution = applications(ws, view.period, published=published_only(user))
    # Each grade says why (a veto-capped C beside a higher total's A is explained).
    reasons = grade_reasons(ws, view.population, view.rows, locale)
    rows = [
        ApplicationRow(**a, grade_reason=reasons.get(str(a.get("agent_id")), "")) for a in agents
    ]
    return ApplicationsView(
        period=view.period.label, run=view.run_info(), agents=rows, distribution=distribution
    )


def overview(
    ws: Workspace, user: Principal, period: Period | str, team: str | None, locale: str
) -> OverviewView:
    """Everything the centre overview shows for ``period`` (cut to the user's scope)."""
    if user.role is Role.agent:
        raise Forbidden("the centre overview is for managers, supervisors and HR")
    view = results_view(ws, user, period)
    all_teams = (
        view.stored.teams
        if view.stored is not None
        else sorted({r.team or "" for r in view.everyone})
    )
    level, key = scope_of(user, team, all_teams)
    return OverviewView(
        run=view.run_info(),
        scope_level=str(level),
        scope_key=key,
        indicators=indicator_cards(ws, view, level, key, locale, user) if view.run else [],
        grades=grade_distribution(view),
        teams=ranked_teams(ws, user, view),
        alerts=alerts(ws, user, view.period) if view.run else AlertsView(date=None, alerts=[]),
    )


def grade_reasons(
    ws: Any, everyone: Sequence[AgentResult] | RunRows, rows: Sequence[AgentResult], locale: str
) -> dict[str, str]:
    """Agent id → the sentence that explains the grade (veto, quota, small sample, line)."""
    return {
        str(r["agent_id"]): r["grade_reason"]
        for r in reasons_of.explained(ws, everyone, rows, locale)
    }
