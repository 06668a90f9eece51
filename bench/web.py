"""Web pages under load: latency percentiles and throughput per page, 1 and 20 clients.

For each size (agents; default the demo centre's 120 and 10,000) the demo
workspace is built once under ``bench/data/web-<agents>-<volume>/`` (the steps
of ``make demo`` but the review workflow, whose pages are not measured) and
served by ``kefu serve`` in its own process on ``127.0.0.1`` — the clients here
do not share its interpreter. The demo manager logs in; then, for each page
and each number of concurrent clients, the clients request the page in a loop
for ``KEFU_BENCH_WEB_SECONDS`` (default 20), each request for the next agent or
team of a fixed sample (so one cached sheet does not stand for all):

- ``overview`` ``/?period=M``, ``team_table`` ``/teams/T?period=M``,
  ``agent_sheet`` ``/agents/A?period=M``, ``records``
  ``/agents/A/records?period=M&indicator=aht_avg`` (the drill-down) and
  ``monitor`` ``/monitor`` (the latest day);

recording p50/p95/p99/max, successful requests per second, every non-200
answer or timeout, and the first (cold) request of each page. Then, as before,
the demo manager, supervisor and agent share ``max(clients)`` threads, each
looping over its role's pages (``by_role``; ``KEFU_BENCH_WEB_ROLES=0`` skips it).

Building 10,000 agents at the demo's volume (~3,000 contacts an agent a month,
three months) would take about an hour here, so sizes above 1,000 agents are
built at ``KEFU_BENCH_WEB_LARGE_VOLUME`` (default 0.1) of it; the JSON says so.
``KEFU_BENCH_WEB_MONTHS`` (default the demo's 3) sets the months generated.

    python -m bench.run --only web --sizes 120
    KEFU_BENCH_WEB_SECONDS=5 KEFU_BENCH_WEB_CLIENTS=1,4 python -m bench.run --only web

Goals (issue 13): p95 under 150 ms on the demo centre (1 client), under 300 ms
with 20 concurrent clients at 10,000 agents; no errors.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import DATA_DIR

DEFAULT_SIZES = [120, 10_000]
SECONDS = float(os.environ.get("KEFU_BENCH_WEB_SECONDS", "20"))
CLIENTS = [int(c) for c in os.environ.get("KEFU_BENCH_WEB_CLIENTS", "1,20").split(",")]
LARGE_VOLUME = float(os.environ.get("KEFU_BENCH_WEB_LARGE_VOLUME", "0.1"))
LARGE_AGENTS = 1000  # above this, the contacts per agent are scaled down
MONTHS = int(os.environ.get("KEFU_BENCH_WEB_MONTHS", "3"))  # the demo's three
ROLES = os.environ.get("KEFU_BENCH_WEB_ROLES", "1") != "0"
PAGES = ("overview", "team_table", "agent_sheet", "records", "monitor")
SAMPLE = 50  # agents and teams the requests cycle through
REQUEST_TIMEOUT = 60.0
GOAL_P95_DEMO_SECONDS = 0.150
GOAL_P95_10K_20_CLIENTS_SECONDS = 0.300
REPO = DATA_DIR.parent.parent
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The demo logins without two-factor authentication (see README).
LOGINS = {"manager": "Harbor-Willow-7390", "supervisor": "Maple-Kettle-5186",
          "agent": "Orchid-Bicycle-6053"}  # fmt: skip

Sample = tuple[str, float, str]  # label, seconds, status


def volume_for(agents: int) -> float:
    return 1.0 if agents <= LARGE_AGENTS else LARGE_VOLUME


def build(agents: int, volume: float) -> tuple[Path, float | None]:
    """The demo workspace of ``agents`` (reused when built); seconds spent building."""
    from rich.console import Console

    from kefu.demo.run import STEPS, DemoRun, run_demo
    from kefu.demo.workflow import demo_workflow

    home = DATA_DIR / f"web-{agents}-{volume:.1f}-{MONTHS}m"
    done = home / "built.json"
    if done.is_file():
        return home, None
    begun = time.perf_counter()
    # Reviews, appeals and plans are not among the pages measured (and the demo's
    # workflow step expects the demo's own size).
    steps = [s for s in STEPS if s is not demo_workflow]
    run_demo(DemoRun(home=home.resolve(), agents=agents, volume_scale=volume, months=MONTHS,
                     console=Console(quiet=True)), steps)  # fmt: skip
    seconds = time.perf_counter() - begun
    done.write_text(json.dumps({"agents": agents, "volume_scale": volume, "months": MONTHS,
                                "build_seconds": round(seconds, 1)}))  # fmt: skip
    return home, seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``kefu serve`` on a free port of 127.0.0.1, answering once it is up.

    Its standard error is kept in ``<home>/../<home name>-serve.log``.
    """
    import httpx

    port = _free_port()
    log = home.parent / f"{home.name}-serve.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    main = "import sys; from kefu.cli import main; sys.argv[0] = 'kefu'; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", main, "serve", "--home", str(home), "--host", "127.0.0.1",
         "--port", str(port), "--no-notify"],
        # Its log goes to a file: a pipe nobody reads would fill with tracebacks and stall it.
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kefu serve stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            httpx.get(f"{url}/login", timeout=5)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("kefu serve did not answer within 120 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server: asked first, killed when it does not stop within 30 s (still busy)."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def _login(url: str, username: str) -> dict[str, str]:
    import httpx

    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        token = CSRF.search(client.get("/login").text)
        assert token, "no login form"
        answer = client.post("/login", data={"username": username, "password": LOGINS[username],
                                             "csrf_token": token.group(1)})  # fmt: skip
        assert answer.status_code == 303, f"{username} could not log in"
        return dict(client.cookies)


def _newest_month(ws: Any) -> str:
    """The newest published month: the one every role, agents included, may open."""
    from sqlalchemy import select

    from kefu.scoring.models import ScoringRun

    with ws.db.session() as s:
        labels = s.scalars(select(ScoringRun.period).where(ScoringRun.published_at.is_not(None)))
        return max(str(p) for p in labels if len(str(p)) == 7)


def urls(home: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per page the URLs the clients cycle through; per role its pages (as before)."""
    from kefu import scoring
    from kefu.users import service
    from kefu.workspace import Workspace

    ws = Workspace.open(home)
    try:
        with ws.db.session() as s:
            sup, agent = service.get_user(s, "supervisor"), service.get_user(s, "agent")
            team, own = sorted(sup.teams)[0], agent.agent_id
        month = _newest_month(ws)
        rows = scoring.results(ws, month)
    finally:
        ws.close()
    q = f"period={month}"
    agents = sorted(str(r["agent_id"]) for r in rows)
    teams = sorted({str(r["team"]) for r in rows if r.get("team")})
    # Evenly spread over the centre, so the sample is not one team's.
    some_agents = agents[:: max(1, len(agents) // SAMPLE)][:SAMPLE]
    some_teams = teams[:: max(1, len(teams) // SAMPLE)][:SAMPLE]
    pages = {
        "overview": [f"/?{q}"],
        "team_table": [f"/teams/{t}?{q}" for t in some_teams],
        "agent_sheet": [f"/agents/{a}?{q}" for a in some_agents],
        "records": [f"/agents/{a}/records?{q}&indicator=aht_avg" for a in some_agents],
        "monitor": ["/monitor"],
    }
    other = next(str(r["agent_id"]) for r in rows if r.get("team") == team)
    roles = {
        "manager": ["/", f"/teams/{team}?{q}", f"/api/v1/teams?{q}", f"/api/v1/overview?{q}",
                    f"/agents/{other}?{q}", f"/api/v1/agents/{own}?{q}"],
        "supervisor": [f"/teams/{team}?{q}", f"/agents/{other}?{q}", f"/api/v1/teams/{team}?{q}"],
        "agent": [f"/agents/{own}?{q}", f"/api/v1/agents/{own}?{q}", "/inbox"],
    }  # fmt: skip
    return pages, roles


def _get(http: Any, url: str) -> tuple[float, str]:
    import httpx

    begun = time.perf_counter()
    try:
        status = str(http.get(url).status_code)
    except httpx.TimeoutException:
        status = "timeout"
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    return time.perf_counter() - begun, status


def load(
    url: str, work: list[tuple[str, list[str], dict[str, str]]], clients: int, seconds: float
) -> list[Sample]:
    """``clients`` threads for ``seconds``: client n does ``work[n % len(work)]`` in a loop."""
    import httpx

    samples: list[Sample] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(n: int) -> None:
        label, paths, cookies = work[n % len(work)]
        mine: list[Sample] = []
        with httpx.Client(base_url=url, cookies=cookies, timeout=REQUEST_TIMEOUT) as http:
            start.wait()
            stop = time.monotonic() + seconds
            i = n
            while time.monotonic() < stop:
                took, status = _get(http, paths[i % len(paths)])
                i += 1
                mine.append((label, took, status))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples


def stats(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Percentiles over every request (errors included: a slow error is still slow)."""
    every = sorted(s for _, s, _ in samples)
    errors = Counter(status for _, _, status in samples if status != "200")

    def q(p: float) -> float | None:
        # Nearest rank: the smallest time that p of the requests took at most.
        return round(every[max(0, math.ceil(p * len(every)) - 1)], 4) if every else None

    ok = len(samples) - sum(errors.values())
    return {
        "requests": len(samples),
        "answered_200": ok,
        "errors": dict(errors),
        "error_count": sum(errors.values()),
        "p50_seconds": q(0.50),
        "p95_seconds": q(0.95),
        "p99_seconds": q(0.99),
        "max_seconds": round(every[-1], 4) if every else None,
        "requests_per_second": round(ok / seconds, 2) if seconds else None,
    }


def measure_pages(
    url: str, pages: dict[str, list[str]], cookies: dict[str, str], clients: list[int],
    seconds: float,
) -> dict[str, Any]:  # fmt: skip
    import httpx

    out: dict[str, Any] = {}
    for page, paths in pages.items():
        with httpx.Client(base_url=url, cookies=cookies, timeout=REQUEST_TIMEOUT) as http:
            first, status = _get(http, paths[0])
        entry: dict[str, Any] = {"first_request_seconds": round(first, 4),
                                 "first_request_status": status, "urls": len(paths),
                                 "example": paths[0]}  # fmt: skip
        for n in clients:
            entry[f"clients_{n}"] = stats(load(url, [(page, paths, cookies)], n, seconds), seconds)
        out[page] = entry
        print(f"web {page}: " + json.dumps(entry), flush=True)
    return out


def run(sizes: list[int] | None = None) -> dict[str, Any]:
    runs = []
    for agents in sizes or DEFAULT_SIZES:
        volume = volume_for(agents)
        home, built_now = build(agents, volume)
        meta = json.loads((home / "built.json").read_text())
        contacts = _contacts(home)
        proc, url = serve(home)
        try:
            pages, roles = urls(home)
            cookies = {role: _login(url, role) for role in roles}
            entry: dict[str, Any] = {
                "agents": agents, "volume_scale": volume,
                "contacts_per_agent_month": round(contacts / agents / MONTHS),
                "contacts": contacts, "months": MONTHS,
                "build_seconds": round(built_now, 1) if built_now else meta.get("build_seconds"),
                "period": pages["overview"][0].split("period=")[1],
                "seconds_per_measurement": SECONDS,
                "pages": measure_pages(url, pages, cookies["manager"], CLIENTS, SECONDS),
            }  # fmt: skip
            if volume != 1.0:
                entry["note"] = (
                    f"contacts per agent scaled to {volume:g} of the demo's: building "
                    f"{agents} agents at the demo's volume takes too long on this machine"
                )
            if ROLES:
                n = max(CLIENTS)
                work = [(r, p, cookies[r]) for r, p in roles.items()]
                samples = load(url, work, n, SECONDS)
                entry["by_role"] = {
                    "clients": n,
                    "overall": stats(samples, SECONDS),
                    **{r: stats([s for s in samples if s[0] == r], SECONDS) for r in roles},
                }
        finally:
            stop(proc)
        runs.append(entry)
    return {"method": __doc__.split("\n\n")[1].replace("\n", " "), "clients": CLIENTS,
            "runs": runs, "goals": goals(runs)}  # fmt: skip


def _contacts(home: Path) -> int:
    from kefu.workspace import Workspace

    ws = Workspace.open(home)
    try:
        return sum(b.accepted or 0 for b in ws.facts.committed_batches("contacts"))
    finally:
        ws.close()


def _worst_p95(run: dict[str, Any], clients: int) -> float | None:
    values = [p.get(f"clients_{clients}", {}).get("p95_seconds") for p in run["pages"].values()]
    return max((v for v in values if v is not None), default=None)


def goals(runs: list[dict[str, Any]]) -> dict[str, Any]:
    demo = next((r for r in runs if r["agents"] == 120 and r["volume_scale"] == 1.0), None)
    large = next((r for r in runs if r["agents"] >= 10_000), None)
    demo_p95 = _worst_p95(demo, 1) if demo else None
    large_p95 = _worst_p95(large, 20) if large else None
    return {
        "p95_demo_centre_1_client_below_seconds": GOAL_P95_DEMO_SECONDS,
        "worst_page_p95_demo_centre_1_client": demo_p95,
        "p95_10k_agents_20_clients_below_seconds": GOAL_P95_10K_20_CLIENTS_SECONDS,
        "worst_page_p95_10k_agents_20_clients": large_p95,
        "demo_met": None if demo_p95 is None else demo_p95 < GOAL_P95_DEMO_SECONDS,
        "large_met": None if large_p95 is None else large_p95 < GOAL_P95_10K_20_CLIENTS_SECONDS,
        "no_errors": all(
            p[k]["error_count"] == 0
            for r in runs for p in r["pages"].values() for k in p if k.startswith("clients_")
        ) and all(r["by_role"]["overall"]["error_count"] == 0 for r in runs if "by_role" in r),
    }  # fmt: skip
