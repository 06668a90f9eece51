"""``kefu score``, ``publish``, ``scorecard``, ``monitor``, ``targets``, ``applications``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kefu.cli import app
from kefu.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    cli_actor,
    console,
    emit,
    err_console,
    term_text,
)
from kefu.cli.common import open_workspace as _open
from kefu.errors import KefuError

if TYPE_CHECKING:
    from kefu.scoring.result_model import AgentResult

PeriodOption = Annotated[
    str, typer.Option("--period", "-p", help="Month (2026-10), quarter (2026-Q4) or year (2026).")
]
ScorecardFile = Annotated[
    Path | None,
    typer.Option("--scorecard", help="Score everyone with this scorecard file instead."),
]

scorecard_app = typer.Typer(help="Check, show and add scorecards (考核方案).", no_args_is_help=True)
targets_app = typer.Typer(help="Targets suggested from history.", no_args_is_help=True)
app.add_typer(scorecard_app, name="scorecard")
app.add_typer(targets_app, name="targets")


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _r2(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _flat(rows: list[AgentResult]) -> tuple[list[dict[str, Any]], list[str]]:
    """The appraisal table as flat rows: one column per indicator value and points."""
    columns = ["agent_id", "name", "team", "site", "period", "scorecard", "version", "total"]
    columns += ["grade", "pay_coefficient", "rank_team", "rank_site", "rank_centre"]
    columns += ["bonus", "penalty", "vetoes"]
    ids: list[str] = []
    for r in rows:
        ids += [i.indicator for i in r.indicators if i.indicator not in ids]
    columns += [f"{i}.{part}" for i in ids for part in ("value", "points", "status")]
    out = []
    for r in rows:
        flat = {k: r.get(k) for k in columns}
        flat["scorecard"] = r.scorecard["name"]
        flat["version"] = r.scorecard["version"]
        flat["vetoes"] = "; ".join(v["reason"] for v in r.vetoes)
        for i in r.indicators:
            flat[f"{i.indicator}.value"] = i.value
            flat[f"{i.indicator}.points"] = i.points
            flat[f"{i.indicator}.status"] = i.status
        out.append(flat)
    return out, columns


def show_results(rows: list[AgentResult], fmt: OutputFormat, title: str) -> None:
    if fmt is OutputFormat.json:
        _json([r.as_dict() for r in rows])
    elif fmt is OutputFormat.csv:
        flat, columns = _flat(rows)
        emit(flat, fmt, columns)
    else:
        table = [
            {
                "agent_id": r.agent_id,
                "name": r.name,
                "team": r.team,
                "total": f"{r.total:.2f}",
                "grade": r.grade,
                "pay": r.pay_coefficient,
                "rank team/site/centre": "/".join(
                    "-" if rank is None else str(rank)
                    for rank in (r.rank_team, r.rank_site, r.rank_centre)
                ),
                "bonus": _r2(r.bonus),
                "penalty": _r2(r.penalty),
                "veto": ", ".join(v["cap_grade"] for v in r.vetoes),
            }
            for r in rows
        ]
        emit(table, fmt, title=title)


@app.command()
def score(
    period: PeriodOption,
    scorecard: ScorecardFile = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Score a period: points, totals, grades and ranks per agent (stored as a run)."""
    from kefu.scoring import results, score_period

    with _open(home) as ws:
        with err_console.status(f"scoring {period} …"):
            run = score_period(ws, period, scorecard=scorecard, actor=cli_actor())
        rows = results(ws, run.period)
        what = f"revision {run.revision} of the published run" if run.revision_of else "run"
        err_console.print(
            f"{run.period}: {run.agents} agents scored ({what} {run.id}, "
            f"results {run.results_hash[:12]})"
        )
        show_results(rows, fmt, f"{run.period} 绩效考核")


@app.command()
def publish(period: PeriodOption, home: HomeOption = None) -> None:
    """Publish a scored period: agents see it, and its results are frozen."""
    from kefu.scoring import publish as do_publish

    with _open(home) as ws:
        run = do_publish(ws, period, actor=cli_actor())
        console.print(f"{run.period} published (run {run.id}, revision {run.revision})")


@app.command()
def revisions(
    period: PeriodOption, fmt: FormatOption = OutputFormat.table, home: HomeOption = None
) -> None:
    """Revisions of a published period and what changed for each agent."""
    from kefu.scoring import revisions as list_revisions

    with _open(home) as ws:
        revs = list_revisions(ws, period)
        if fmt is OutputFormat.json:
            _json(revs)
            return
        rows = [
            {
                "revision": r["revision"],
                "run": r["run_id"],
                "state": r["state"],
                "agent_id": c["agent_id"],
                "old total": _r2((c["old"] or {}).get("total")),
                "new total": _r2((c["new"] or {}).get("total")),
                "old grade": (c["old"] or {}).get("grade"),
                "new grade": (c["new"] or {}).get("grade"),
                "why": "; ".join(c["why"]),
            }
            for r in revs
            for c in r["changes"]
        ]
        emit(rows, fmt, ["revision", "run", "state", "agent_id", "old total", "new total",
                         "old grade", "new grade", "why"])  # fmt: skip


# -- scorecards ----------------------------------------------------------------
def _print_issues(where: str, exc: Any) -> None:
    """Every issue of a :class:`ScorecardInvalid`, one per line and never wrapped (people grep
    and copy these)."""
    err_console.print(
        f"[bold red]{term_text(where)}: {len(exc.issues)} issue(s)[/]",
        highlight=False,
        soft_wrap=True,
    )
    for issue in exc.issues:
        err_console.print(f"  - {issue}", highlight=False, markup=False, soft_wrap=True)


@scorecard_app.command("check")
def scorecard_check(file: Annotated[Path, typer.Argument(help="Scorecard YAML file.")]) -> None:
    """Check a scorecard file and list every issue (exit 1 if any)."""
    from kefu.scoring.scorecard import ScorecardInvalid, load_scorecard

    try:
        card = load_scorecard(file)
    except ScorecardInvalid as exc:
        _print_issues(str(file), exc)
        raise typer.Exit(1) from None
    console.print(
        f"{file}: OK — {card.name} {card.version}, {len(card.rules)} indicators, "
        f"hash {card.content_hash[:12]}",
        highlight=False,
        soft_wrap=True,
    )


def _describe(card: Any) -> list[dict[str, Any]]:
    rows = []
    for d, r in card.rules:
        if r.steps:
            rule = "; ".join(
                f"{'≤' + format(s.max, 'g') if s.max is not None else ''}"
                f"{'≥' + format(s.min, 'g') if s.min is not None else ''}"
                f"{'else' if s.max is None and s.min is None else ''} → {s.share:g}"
                for s in r.steps
            )
        elif r.band:
            rule = f"band [{r.band[0]:g}, {r.band[1]:g}] ± {r.tolerance:g}"
        else:
            rule = f"{r.direction}: target {r.target:g}, threshold {r.threshold:g}"
        rows.append(
            {
                "dimension": card.dimension_name(d.id),
                "indicator": r.id,
                "weight": f"{r.weight:g}",
                "rule": rule,
                "min_sample": r.min_sample,
            }
        )
    return rows


@scorecard_app.command("show")
def scorecard_show(
    name: Annotated[str | None, typer.Argument(help="Scorecard name or file stem.")] = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Show a workspace scorecard (the default one without a name)."""
    from kefu.scoring.registry import find_scorecard

    with _open(home) as ws:
        card = find_scorecard(ws, name)
    if fmt is OutputFormat.json:
        _json({**card.canonical(), "content_hash": card.content_hash})
        return
    applies = card.applies_to.model_dump() if card.applies_to else "default"
    err_console.print(
        term_text(
            f"{card.name} {card.version} (hash {card.content_hash[:12]}; applies to {applies})"
        ),
        highlight=False,
    )
    emit(_describe(card), fmt)


@scorecard_app.command("add")
def scorecard_add(
    file: Annotated[Path, typer.Argument(help="Scorecard YAML file.")], home: HomeOption = None
) -> None:
    """Validate a scorecard and add it to the workspace (a new version is recorded)."""
    from kefu.scoring.registry import save_scorecard

    with _open(home) as ws:
        card, version, path = save_scorecard(ws, file, actor=cli_actor())
        console.print(f"saved {card.name} {card.version} as {path.name} (version {version.id})")


@scorecard_app.command("activate")
def scorecard_activate(
    version: Annotated[
        str, typer.Argument(help="Stored version: its id, hash (or its start) or version label.")
    ],
    home: HomeOption = None,
) -> None:
    """Make a stored scorecard version the one scoring uses (it replaces the file it supersedes)."""
    from kefu.scoring.activation import activate_version, find_version
    from kefu.scoring.scorecard import ScorecardInvalid

    with _open(home) as ws:
        found = find_version(ws, version)
        try:
            done = activate_version(ws, found.id, actor=cli_actor())
        except ScorecardInvalid as exc:
            _print_issues(f"version {found.id} ({found.name} {found.version})", exc)
            raise typer.Exit(1) from None
    replaced = ", ".join(done.replaced) or "no file"
    console.print(
        term_text(
            f"activated {done.card.name} {done.card.version} (version {done.version.id}, "
            f"hash {done.card.content_hash[:12]}) as {done.path.name}; replaced {replaced}"
        ),
        highlight=False,
        soft_wrap=True,
    )


@scorecard_app.command("list")
def scorecard_list(fmt: FormatOption = OutputFormat.table, home: HomeOption = None) -> None:
    """The workspace's scorecards and which agents each applies to."""
    from kefu.scoring.registry import workspace_scorecards

    with _open(home) as ws:
        cards = workspace_scorecards(ws)
    rows = [
        {
            "name": c.name,
            "version": c.version,
            "file": c.path.name if c.path else "(shipped)",
            "applies_to": "default"
            if c.applies_to is None
            else json.dumps(c.applies_to.model_dump(), ensure_ascii=False),
            "hash": c.content_hash[:12],
        }
        for c in cards.all
    ]
    emit(rows, fmt)


# -- monitor, targets, applications -------------------------------------------------
@app.command()
def monitor(
    date: Annotated[str, typer.Option("--date", "-d", help="The day, e.g. 2026-11-11.")],
    team: Annotated[str | None, typer.Option(help="Only this team.")] = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Process indicators per agent and team for a day, and the alerts raised."""
    from kefu.scoring.monitor import monitor as run_monitor

    with _open(home) as ws:
        report = run_monitor(ws, date, team=team)
    if fmt is OutputFormat.json:
        _json({"day": report.day, "rows": report.rows, "alerts": report.alerts})
        return
    columns = ["level", "key", "name", "team", *report.indicators]
    columns += ["overdue_tickets", "new_complaints", "new_upheld_complaints"]
    shown = [
        {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in report.rows
    ]
    emit(shown, fmt, columns, title=f"{report.day} 日监控")
    if fmt is OutputFormat.table:
        if report.alerts:
            emit(report.alerts, fmt, ["severity", "level", "key", "name", "team", "message"],
                 title="alerts 预警")  # fmt: skip
        else:
            console.print("no alerts")


@targets_app.command("suggest")
def targets_suggest(
    months: Annotated[int, typer.Option(help="Scored months to learn from.")] = 3,
    scorecard: Annotated[
        Path | None, typer.Option(help="Scorecard file (default: the workspace default).")
    ] = None,
    write: Annotated[
        Path | None, typer.Option(help="Write a new scorecard version with the suggestions.")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Suggest targets (P75/P25) and thresholds (P10/P90) from the last scored months."""
    from kefu.scoring.registry import record_version, workspace_scorecards
    from kefu.scoring.scorecard import load_scorecard
    from kefu.scoring.targets import history_values, suggest, write_suggestion

    if months < 1:
        raise KefuError("--months must be at least 1")
    with _open(home) as ws:
        card = load_scorecard(scorecard) if scorecard else workspace_scorecards(ws).default
        values, labels = history_values(ws, card, months)
        rows = suggest(card, values)
        err_console.print(term_text(f"from {', '.join(labels)} ({card.name} {card.version})"))
        emit(rows, fmt, ["indicator", "direction", "values", "current_target", "suggested_target",
                         "current_threshold", "suggested_threshold", "note"])  # fmt: skip
        if write is not None:
            version = f"{card.version}+targets-{labels[0]}"
            write_suggestion(card, rows, write, version)
            new = load_scorecard(write)
            with ws.db.transaction() as s:
                record_version(s, new, cli_actor())
            err_console.print(f"wrote {write} (version {version})")


@app.command()
def applications(
    period: PeriodOption,
    distribution: Annotated[
        bool, typer.Option("--distribution", help="Show the grade distribution per team instead.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    home: HomeOption = None,
) -> None:
    """Pay coefficient, promotion candidates, training and improvement plans per agent."""
    from kefu.scoring.applications import applications as compute_applications

    with _open(home) as ws:
        rows, dist = compute_applications(ws, period)
    if distribution:
        emit(dist, fmt, title="grade distribution 等级分布")
        return
    if fmt is OutputFormat.json:
        _json(rows)
        return
    shown = [
        {
            **r,
            "total": f"{r['total']:.2f}",
            "qualifying_months": ", ".join(r["qualifying_months"]),
            "training": ", ".join(r["training"]),
        }
        for r in rows
    ]
    emit(shown, fmt, ["agent_id", "name", "team", "total", "grade", "pay_coefficient",
                      "promotion_candidate", "qualifying_months", "training",
                      "improvement_plan_required"], title="结果应用")  # fmt: skip
    if fmt is OutputFormat.table:
        emit(dist, fmt, title="grade distribution 等级分布")
