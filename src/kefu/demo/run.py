"""``make demo``: build a fresh demo workspace from generated exports, step by step.

    python -m kefu.demo.run --home demo-data --host 127.0.0.1 --port 8000

Each step is a function of the shared :class:`DemoRun`; the steps run in the
order of :data:`STEPS`, and later features (scoring, serving the web app,
demo logins) are added by appending a step there. The last step prints where
the workspace is.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kefu.demo.exports import ExportFormat
from kefu.demo.generator import (
    DEFAULT_AGENTS,
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    DEFAULT_START,
    generate,
)
from kefu.demo.state import ACTOR, DemoRun, demo_months
from kefu.demo.workflow import demo_workflow
from kefu.errors import KefuError, UsageError
from kefu.workspace import SETTINGS_FILE, Workspace

# The system each table's export comes from, kept as the records' lineage.
SOURCES = {
    "agents": "hr", "contacts": "callcenter", "tickets": "crm", "qa_evaluations": "qa",
    "surveys": "feedback", "complaints": "feedback", "operation_errors": "qa",
    "praise": "feedback", "training": "hr", "ratings": "hr", "improvement_items": "hr",
}  # fmt: skip
# Workspace mapping profiles a centre keeps for its exports, name → YAML.
PROFILES = {
    "demo-crm": (
        "# The CRM exports tickets as CSV in GBK (Excel on Chinese Windows). The file is\n"
        "# mostly ASCII, so the encoding is named here rather than left to a guess.\n"
        "table: tickets\n"
        "source: crm\n"
        "description: 演示中心 CRM 工单导出 (GBK)\n"
        "encoding: gb18030\n"
    ),
}
MAPPINGS = {"tickets": "demo-crm"}


def fresh_workspace(run: DemoRun) -> None:
    """Remove the previous demo workspace (only if it is one) and create a new one."""
    home = run.home
    if home.exists():
        is_workspace = (home / SETTINGS_FILE).is_file()
        if not is_workspace and any(home.iterdir()):
            raise UsageError(
                f"{home} exists and is not a Kefu workspace; choose another --home "
                "(the demo replaces its folder)"
            )
        shutil.rmtree(home)
    run.ws = Workspace.init(home)
    run.console.print(f"Created a fresh workspace at [bold]{run.ws.home}[/]")


def generate_exports(run: DemoRun) -> None:
    """Write the demo centre's export files into the workspace's ``exports`` folder."""
    begun = time.perf_counter()
    run.exports = generate(
        run.exports_dir,
        agents=run.agents,
        months=run.months,
        seed=run.seed,
        start=run.start,
        fmt=ExportFormat.csv,
        volume_scale=run.volume_scale,
    )
    rows = sum(f.rows for f in run.exports.files)
    run.console.print(
        f"Generated {len(run.exports.files)} export files, {rows:,} rows "
        f"({run.agents} agents, {run.months} months from {run.start}) "
        f"in {time.perf_counter() - begun:.1f} s"
    )


def write_mapping_profiles(run: DemoRun) -> None:
    """Save the mapping profiles of the demo centre's source systems in the workspace."""
    folder = run.workspace.mappings_dir
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in PROFILES.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def import_exports(run: DemoRun) -> None:
    """Import every export, the roster first (as ``kefu import`` of the folder would)."""
    from kefu.ingest import import_file

    if run.exports is None:
        raise KefuError("there are no demo exports to import")
    ws = run.workspace
    for f in run.exports.files:
        begun = time.perf_counter()
        with run.console.status(f"importing {f.path.name}"):
            result = import_file(
                ws,
                f.path,
                table=f.table,
                source=SOURCES[f.table],
                mapping=MAPPINGS.get(f.table),
                actor=ACTOR,
            )
        run.imports.append(result)
        run.console.print(
            f"  {f.path.name}: {result.accepted:,} accepted, {result.rejected:,} rejected "
            f"({time.perf_counter() - begun:.1f} s)"
        )


def print_import_summary(run: DemoRun) -> None:
    """Rows and rejects per table."""
    totals: dict[str, list[int]] = {}
    for r in run.imports:
        t = totals.setdefault(r.table, [0, 0, 0])
        t[0] += r.rows_read
        t[1] += r.accepted
        t[2] += r.rejected
    table = Table(title="Demo data imported")
    for column in ("table", "rows read", "accepted", "rejected"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, (read, accepted, rejected) in totals.items():
        table.add_row(name, f"{read:,}", f"{accepted:,}", f"{rejected:,}")
    run.console.print(table)
    rejected = sum(t[2] for t in totals.values())
    if rejected:
        run.console.print(
            f"{rejected} rows were rejected on purpose (typos the demo slips in); "
            f"see them with `kefu rejects --home {run.workspace.home}`"
        )


def print_workspace(run: DemoRun) -> None:
    """Say where the workspace is and how to use it."""
    home = run.workspace.home
    run.console.print(f"Demo workspace: [bold]{home}[/]  (export KEFU_HOME={home})")


# -- scoring, demo users and the web app ------------------------------------------
# One demo user per role. The passwords are fixed so the README can show them; they
# pass the password policy (12+ characters, not common, not containing the username).
DEMO_USERS = (
    ("admin", "admin", "Copper-Lantern-4821", "演示管理员"),
    ("manager", "manager", "Harbor-Willow-7390", "王经理"),
    ("supervisor", "supervisor", "Maple-Kettle-5186", "李主管"),
    ("qa", "qa", "Granite-Ferry-2947", "赵质检"),
    ("agent", "agent", "Orchid-Bicycle-6053", None),
    ("hr", "hr", "Saffron-Meadow-8614", "陈人事"),
)


# The demo centre keeps its own scorecard: the shipped one, graded by a forced
# distribution across the centre (强制分布), as many courier centres do.
CENTRE_GRADES = """grades:
  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}
  distribution:
    within: centre
    shares: {S: 0.1, A: 0.2, B: 0.5, C: 0.15, D: 0.05}
    min_population: 20
"""


def install_centre_scorecard(run: DemoRun) -> None:
    """The demo centre's scorecard: the default one, graded by forced distribution."""
    from kefu.scoring.registry import save_scorecard
    from kefu.scoring.scorecard import DEFAULT_SCORECARD

    text = DEFAULT_SCORECARD.read_text(encoding="utf-8")
    shipped = "grades:\n  thresholds: {S: 95, A: 85, B: 70, C: 60, D: 0}\n"
    if shipped not in text:
        raise KefuError("the shipped scorecard's grades section changed; update the demo")
    text = text.replace(shipped, CENTRE_GRADES).replace(
        'version: "2026.1"', 'version: "2026.1-centre"'
    )
    card, _, path = save_scorecard(run.workspace, text, actor=ACTOR, file_name="centre.yaml")
    run.console.print(f"  scorecard {card.name} {card.version} (forced distribution) → {path}")


def score_months(run: DemoRun) -> None:
    """Score every demo month with the default scorecard."""
    from kefu import scoring

    for label in demo_months(run):
        begun = time.perf_counter()
        with run.console.status(f"scoring {label}"):
            found = scoring.score_period(run.workspace, label, actor=ACTOR, as_of=run.as_of)
        run.console.print(
            f"  scored {label}: {found.agents} agents ({time.perf_counter() - begun:.1f} s)"
        )


def publish_completed_months(run: DemoRun) -> None:
    """Publish every demo month but the last (the month still under way)."""
    from kefu import scoring

    for label in demo_months(run)[:-1]:
        scoring.publish(run.workspace, label, actor=ACTOR)
        run.console.print(f"  published {label}")


def create_demo_users(run: DemoRun) -> None:
    """One user per role; the supervisor leads a real demo team, the agent is a real agent."""
    from kefu import scoring
    from kefu.users import service
    from kefu.users.roles import Role

    ws = run.workspace
    rows = scoring.results(ws, demo_months(run)[-1])
    teams = sorted({str(r["team"]) for r in rows if r.get("team")})
    if not teams:
        raise KefuError("the demo has no team to give the supervisor")
    team = teams[0]
    agent = min(
        (r for r in rows if r.get("team") == team), key=lambda r: r.get("rank_team") or 10**9
    )
    with ws.db.transaction() as s:
        for username, role, password, display in DEMO_USERS:
            service.create_user(
                s,
                username,
                Role(role),
                password,
                actor=ACTOR,
                display_name=display or str(agent.get("name") or agent["agent_id"]),
                agent_id=str(agent["agent_id"]) if role == "agent" else None,
                teams=[team] if role == "supervisor" else [],
            )
    run.users = {"team": team, "agent": str(agent["agent_id"])}
    table = Table(title="Demo logins")
    for column in ("user", "password", "role", "sees"):
        table.add_column(column)
    sees = {
        "admin": "everything, user administration",
        "manager": "the whole centre; score and publish",
        "supervisor": f"team {team}",
        "qa": "imports and QA records",
        "agent": f"own sheet ({agent['agent_id']} {agent.get('name') or ''})",
        "hr": "published months and the results application",
    }
    for username, role, password, _ in DEMO_USERS:
        table.add_row(username, password, role, sees[role])
    run.console.print(table)
    run.console.print(
        "admin and hr must use two-factor authentication: at their first login Kefu shows a "
        "QR code; scan it with any authenticator app (Google Authenticator, Microsoft "
        "Authenticator, 腾讯身份验证器) and enter the 6-digit code."
    )


def prepare_overview(run: DemoRun) -> None:
    """Compute the overview of the newest month once, so the first page opens fast."""
    from kefu.users.roles import Principal, Role
    from kefu.web.views import appraisal

    manager = Principal(0, "demo", "demo", Role.manager)
    with run.console.status("preparing the centre overview"):
        appraisal.overview(run.workspace, manager, demo_months(run)[-1], None, "zh-CN")


def serve(run: DemoRun) -> None:
    """Serve the demo on http://HOST:PORT until interrupted (``main`` calls it after the
    steps unless --no-serve)."""
    import uvicorn

    from kefu.web.app import create_app
    from kefu.web.settings import WebSettings

    url = f"http://{run.host}:{run.port}"
    run.console.print(
        f"\nKefu demo at [bold]{url}[/] — log in with one of the demo logins above "
        "(Ctrl+C stops the server)."
    )
    # The notification sender runs as in `kefu serve`: in-app notices for the demo logins.
    web = create_app(run.workspace, settings=WebSettings(notify_sender=True))
    uvicorn.run(web, host=run.host, port=run.port, log_level="warning")


Step = Callable[[DemoRun], None]
STEPS: list[Step] = [
    fresh_workspace,
    generate_exports,
    write_mapping_profiles,
    import_exports,
    print_import_summary,
    install_centre_scorecard,
    score_months,
    publish_completed_months,
    create_demo_users,
    demo_workflow,
    prepare_overview,
    print_workspace,
]


def run_demo(run: DemoRun, steps: list[Step] | None = None) -> DemoRun:
    """Run ``steps`` (default :data:`STEPS`) in order on ``run``."""
    for step in steps or STEPS:
        step(run)
    return run


def parse_args(argv: list[str] | None = None) -> DemoRun:
    parser = argparse.ArgumentParser(
        prog="python -m kefu.demo.run", description="Build the Kefu demo workspace."
    )
    parser.add_argument("--home", type=Path, default=Path("demo-data"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--agents", type=int, default=DEFAULT_AGENTS)
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", default=DEFAULT_START)
    parser.add_argument(
        "--no-serve", action="store_true", help="Build the demo workspace without serving it."
    )
    a = parser.parse_args(argv)
    return DemoRun(
        home=a.home.resolve(), host=a.host, port=a.port, agents=a.agents, months=a.months,
        seed=a.seed, start=a.start, serve=not a.no_serve,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    run = parse_args(argv)
    try:
        run_demo(run)
        if run.serve:
            serve(run)
    except KefuError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc.message}", highlight=False)
        return exc.exit_code
    finally:
        if run.ws is not None:
            run.ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
