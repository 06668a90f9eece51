"""The individual appraisal sheet (个人绩效考核表) as PDF, for the review meeting.

Rendered from an HTML template (``templates/agent_sheet.html``) by WeasyPrint,
in Noto Sans CJK SC (Debian's fonts-noto-cjk), whose used glyphs WeasyPrint
embeds in the PDF so it prints the same on any machine. Nothing is fetched
while rendering: the template is self-contained and the URL fetcher refuses
every scheme but ``data:``.

    pdf = agent_sheet_pdf(result, meta, history=[{"period": "2026-09", "total": 88.5}])
    pdf = team_sheets_pdf(results, meta)   # one page per agent
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kefu.errors import KefuError
from kefu.reports.catalogue import indicator_name
from kefu.reports.explain import signed
from kefu.reports.formatting import (
    COLOURS,
    assess,
    format_points,
    format_share,
    format_value,
    target_text,
    threshold_text,
)
from kefu.reports.labels import check_locale, run_text, text, where_text
from kefu.reports.meta import ReportMeta, ScorecardMeta
from kefu.reports.reasons import event_name, indicator_reason, translate, weight_changed
from kefu.reports.table import status_note, veto_text
from kefu.timefmt import format_moment

Result = Mapping[str, Any]
TEMPLATES = Path(__file__).parent / "templates"
HISTORY_MONTHS = 6
FONT_FAMILY = "Noto Sans CJK SC"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _rank(result: Result, level: str, population: Mapping[str, int] | None) -> str:
    rank = result.get(f"rank_{level}")
    if rank is None:
        return "—"
    size = (population or {}).get(level)
    return f"{rank} / {size}" if size else str(rank)


def _indicator_rows(
    result: Result,
    sc: ScorecardMeta,
    locale: str,
    team_values: Mapping[str, float | None],
) -> list[dict[str, Any]]:
    """Every indicator of the result, in scorecard order, as the sheet shows it."""
    rows = []
    for item in result.get("indicators") or ():
        ind = str(item["indicator"])
        im = sc.indicators.get(ind)
        status = str(item.get("status") or "ok")
        value = item.get("value")
        rating = assess(value, im, status)
        team_value = team_values.get(ind)
        weight_text = format_points(item.get("weight", im.weight if im else None))
        if weight_changed(item):
            weight_text = f"{weight_text}→{format_points(item.get('effective_weight'))}"
        reason = indicator_reason(item, im, locale, with_weight=False)
        dimension = sc.dimension_of(ind)
        rows.append(
            {
                "id": ind,
                "dimension": dimension.id if dimension else None,
                "name": indicator_name(ind, locale),
                "weight": weight_text,
                "target": target_text(im, locale) if im else "—",
                "threshold": threshold_text(im, locale) if im else "—",
                "value": format_value(ind, value, locale),
                "team_value": format_value(ind, team_value, locale) if ind in team_values else None,
                "sample": item.get("sample"),
                "share": format_share(item.get("share")),
                "points": format_points(item.get("points")),
                "note": status_note(status, reason, locale) or "",
                "rating": str(rating) if rating else "",
            }
        )
    return rows


def _dimensions(
    result: Result, sc: ScorecardMeta, rows: list[dict[str, Any]], locale: str
) -> list[dict[str, Any]]:
    by_id = {d["id"]: d for d in result.get("dimensions") or ()}
    groups = []
    for d in sc.dimensions:
        got = by_id.get(d.id, {})
        groups.append(
            {
                "name": d.name(locale),
                "weight": format_points(got.get("weight", d.weight)),
                "points": format_points(got.get("points")),
                "rows": [r for r in rows if r["dimension"] == d.id],
            }
        )
    loose = [r for r in rows if r["dimension"] is None]
    if loose:
        groups.append({"name": "—", "weight": "", "points": "", "rows": loose})
    return groups


def _details(result: Result, locale: str) -> list[str]:
    """Where bonus and penalty points came from, one line each."""
    if "bonus_lines" in result:  # written as arithmetic (kefu.reports.explain.explained)
        return [*result["bonus_lines"], *result.get("penalty_lines", ())]
    lines = []
    for b in result.get("bonus_items") or ():
        if not b.get("points"):
            continue
        name, count = str(b["indicator"]), b.get("count")
        line = f"{indicator_name(name, locale)} × {format_value(name, count, locale)}"
        line += f": +{format_points(b['points'])}"
        lines.append(f"{line} ({translate(b['reason'], locale)})" if b.get("reason") else line)
    for p in result.get("penalty_items") or ():
        where = where_text(p.get("where") or {}, locale)
        line = event_name(str(p.get("event")), locale) + (f" ({where})" if where else "")
        line += f" × {p.get('count')}: −{format_points(p.get('points'))}"
        lines.append(f"{line} ({translate(p['reason'], locale)})" if p.get("reason") else line)
    return lines


def _history(history: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The last six scored periods, oldest first, with a bar height for the chart."""
    rows = sorted(
        (h for h in history or () if h.get("total") is not None), key=lambda h: str(h["period"])
    )[-HISTORY_MONTHS:]
    top = max([float(h["total"]) for h in rows] + [100.0])
    return [
        {
            "period": str(h["period"]),
            "total": format_points(float(h["total"])),
            "grade": h.get("grade") or "",
            "rank_team": h.get("rank_team") or "",
            "height": round(float(h["total"]) / top * 100, 1),
        }
        for h in rows
    ]


def _sheet(
    result: Result,
    meta: ReportMeta,
    locale: str,
    history: Sequence[Mapping[str, Any]] | None,
    team_average: Mapping[str, float | None] | float | None,
    population: Mapping[str, int] | None,
) -> dict[str, Any]:
    sc = meta.for_result(result)
    if isinstance(team_average, Mapping):
        team_values = {k: v for k, v in team_average.items() if k != "total"}
        team_total = team_average.get("total")
    else:
        team_values, team_total = {}, team_average
    rows = _indicator_rows(result, sc, locale, team_values)
    scorecard = result.get("scorecard") or {}
    return {
        "agent_id": result.get("agent_id") or "",
        "name": result.get("name") or "",
        "team": result.get("team") or "",
        "site": result.get("site") or "—",
        "period": result.get("period") or "",
        "scorecard": f"{scorecard.get('name', sc.name)} {scorecard.get('version', sc.version)}",
        "dimensions": _dimensions(result, sc, rows, locale),
        "show_team_values": bool(team_values),
        "bonus": signed(result.get("bonus"), "+"),
        "penalty": signed(result.get("penalty"), "−"),  # never "−0.00"
        "vetoes": [veto_text(v, locale) for v in result.get("vetoes") or ()],
        "total": format_points(result.get("total")),
        "team_total": None if team_total is None else format_points(float(team_total)),
        "grade": result.get("grade") or "—",
        "grade_reason": result.get("grade_reason") or "",
        "ranks": {level: _rank(result, level, population) for level in ("team", "site", "centre")},
        "history": _history(history),
        "details": _details(result, locale),
        "remarks": [translate(r, locale) for r in result.get("reasons") or ()],
        "pay_coefficient": None
        if result.get("pay_coefficient") is None
        else format_points(result["pay_coefficient"]),
    }


@cache
def font_available(family: str) -> bool:
    """True when fontconfig (which WeasyPrint renders through) knows ``family``."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run(
        [fc_list, f":family={family}", "family"], capture_output=True, text=True, check=False
    )
    return bool(listed.stdout.strip())


def _render(sheets: list[dict[str, Any]], meta: ReportMeta, locale: str, tz: str = "UTC") -> bytes:
    # Without the CJK font every Chinese character would print as a blank box.
    if not font_available(FONT_FAMILY):
        raise KefuError(
            f"the PDF needs the font '{FONT_FAMILY}' (Debian package fonts-noto-cjk); "
            "install it, e.g. with `make system-deps`"
        )
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    html = (
        _environment()
        .get_template("agent_sheet.html")
        .render(
            sheets=sheets,
            title=meta.title,
            draft=meta.is_draft,
            banner="draft_banner_revision" if meta.status == "revision_pending" else "draft_banner",
            stale=meta.status == "published_stale",
            status=text(f"status_{meta.status}", locale) if meta.status else None,
            run=run_text(meta.run, locale),
            lang="zh-CN" if locale.startswith("zh") else "en",
            t=lambda key: text(key, locale),
            colours={str(k): v for k, v in COLOURS.items()},
            font_family=FONT_FAMILY,
            generated=format_moment(datetime.now(UTC), tz, locale),
        )
    )
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=FontConfiguration())


def agent_sheet_pdf(
    result: Result,
    meta: ReportMeta,
    *,
    locale: str = "zh-CN",
    tz: str = "UTC",
    history: Sequence[Mapping[str, Any]] | None = None,
    team_average: Mapping[str, float | None] | float | None = None,
    population: Mapping[str, int] | None = None,
) -> bytes:
    """One agent's appraisal sheet as PDF bytes.

    ``history``: earlier results of the agent (``period``, ``total``, optional
    ``grade``, ``rank_team``); the last six are shown. ``team_average``: the
    team's mean total, or a mapping of indicator id → the team's value (data
    units) with an optional ``"total"``. ``population``: head counts
    ``{"team": n, "site": n, "centre": n}`` shown beside the ranks.
    """
    check_locale(locale)
    sheet = _sheet(result, meta, locale, history, team_average, population)
    return _render([sheet], meta, locale, tz)


def populations(results: Sequence[Result]) -> dict[str, dict[str, int]]:
    """Head counts per agent: the agent's team, site and the whole centre."""
    teams = Counter(r.get("team") for r in results)
    sites = Counter(r.get("site") for r in results)
    return {
        str(r["agent_id"]): {
            "team": teams[r.get("team")],
            "site": sites[r.get("site")],
            "centre": len(results),
        }
        for r in results
    }


def team_means(results: Sequence[Result]) -> dict[str, float]:
    """Each team's mean total (unrounded)."""
    sums: dict[str, list[float]] = {}
    for r in results:
        if r.get("total") is not None:
            sums.setdefault(str(r.get("team")), []).append(float(r["total"]))
    return {team: sum(v) / len(v) for team, v in sums.items()}


def team_sheets_pdf(
    results: Sequence[Result],
    meta: ReportMeta,
    *,
    locale: str = "zh-CN",
    tz: str = "UTC",
    histories: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    team_averages: Mapping[str, Mapping[str, float | None] | float] | None = None,
    population: Sequence[Result] | None = None,
) -> bytes:
    """The sheets of several agents (a team's) in one PDF, one agent per page.

    Agents in team-rank order. ``histories`` maps agent id → history;
    ``team_averages`` maps team → as ``team_average`` of :func:`agent_sheet_pdf`
    (default: the team's mean total computed from ``population``);
    ``population``: all results of the period, for head counts and team means
    (default ``results``).
    """
    check_locale(locale)
    if not results:
        raise KefuError("there are no results to print")
    everyone = list(population or results)
    sizes = populations(everyone)
    means = team_means(everyone)
    ordered = sorted(
        results,
        key=lambda r: (
            str(r.get("team") or ""),
            r.get("rank_team") is None,
            r.get("rank_team") or 0,
            str(r.get("agent_id")),
        ),
    )
    sheets = [
        _sheet(
            r,
            meta,
            locale,
            (histories or {}).get(str(r["agent_id"])),
            (team_averages or {}).get(str(r.get("team")), means.get(str(r.get("team")))),
            sizes.get(str(r["agent_id"])),
        )
        for r in ordered
    ]
    return _render(sheets, meta, locale, tz)
