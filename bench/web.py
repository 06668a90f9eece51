"""Web server under load: 20 concurrent users of the demo centre for 30 seconds.

Builds the demo workspace (:mod:`kefu.demo.run`, the steps of ``make demo``)
at each size (agents; default the demo's 120), serves it with uvicorn in this
process exactly as ``kefu serve`` does, logs in the demo manager, supervisor
and agent, and runs 20 client threads for 30 s, each looping over the pages of
its role (a third each). Records p50/p95/max latency and every non-200 answer
or timeout. Goal: no errors.

    python -m bench.run --only web --sizes 120
    KEFU_BENCH_WEB_HOME=demo-data python -m bench.run --only web   # an existing demo

``KEFU_BENCH_WEB_SECONDS`` and ``KEFU_BENCH_WEB_CLIENTS`` change the duration and
the number of clients.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

DEFAULT_SIZES = [120]
CLIENTS = int(os.environ.get("KEFU_BENCH_WEB_CLIENTS", "20"))
SECONDS = float(os.environ.get("KEFU_BENCH_WEB_SECONDS", "30"))
REQUEST_TIMEOUT = 60.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The demo logins without two-factor authentication (see README).
LOGINS = {"manager": "Harbor-Willow-7390", "supervisor": "Maple-Kettle-5186",
          "agent": "Orchid-Bicycle-6053"}  # fmt: skip


def _build(agents: int, home: Path) -> None:
    from rich.console import Console

    from kefu.demo.run import STEPS, DemoRun, run_demo
    from kefu.demo.workflow import demo_workflow

    # Reviews, appeals and plans are not among the pages measured (and the demo's
    # workflow step expects the demo's own size).
    steps = [s for s in STEPS if s is not demo_workflow]
    run_demo(DemoRun(home=home, agents=agents, console=Console(quiet=True)), steps)


def _serve(ws: Any) -> tuple[Any, threading.Thread, str]:
    import uvicorn

    from kefu.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(ws), host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _login(url: str, username: str) -> dict[str, str]:
    import httpx

    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        token = CSRF.search(client.get("/login").text)
        assert token, "no login form"
        answer = client.post("/login", data={"username": username, "password": LOGINS[username],
                                             "csrf_token": token.group(1)})  # fmt: skip
        assert answer.status_code == 303, f"{username} could not log in"
        return dict(client.cookies)


def _pages(ws: Any) -> dict[str, list[str]]:
    from kefu import scoring
    from kefu.users import service

    with ws.db.session() as s:
        sup, agent = service.get_user(s, "supervisor"), service.get_user(s, "agent")
        team, own = sorted(sup.teams)[0], agent.agent_id
    rows = scoring.results(ws, _newest_month(ws))
    other = next(str(r["agent_id"]) for r in rows if r.get("team") == team)
    month = _newest_month(ws)
    q = f"period={month}"
    return {
        "manager": ["/", f"/teams/{team}?{q}", f"/api/v1/teams?{q}", f"/api/v1/overview?{q}",
                    f"/agents/{other}?{q}", f"/api/v1/agents/{own}?{q}"],
        "supervisor": [f"/teams/{team}?{q}", f"/agents/{other}?{q}", f"/api/v1/teams/{team}?{q}"],
        "agent": [f"/agents/{own}?{q}", f"/api/v1/agents/{own}?{q}", "/inbox"],
    }  # fmt: skip


def _newest_month(ws: Any) -> str:
    from sqlalchemy import select

    from kefu.scoring.models import ScoringRun

    with ws.db.session() as s:
        labels = s.scalars(select(ScoringRun.period))
        return max(str(p) for p in labels if len(str(p)) == 7)


def _load(url: str, pages: dict[str, list[str]], cookies: dict[str, dict[str, str]]) -> dict:
    import httpx

    roles = list(pages)
    samples: list[tuple[str, float, str]] = []  # role, seconds, status
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(n: int) -> None:
        role = roles[n % len(roles)]
        mine: list[tuple[str, float, str]] = []
        with httpx.Client(base_url=url, cookies=cookies[role], timeout=REQUEST_TIMEOUT) as http:
            start.wait()
            stop = time.monotonic() + SECONDS
            i = n
            while time.monotonic() < stop:
                page = pages[role][i % len(pages[role])]
                i += 1
                begun = time.perf_counter()
                try:
                    status = str(http.get(page).status_code)
                except httpx.TimeoutException:
                    status = "timeout"
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                mine.append((role, time.perf_counter() - begun, status))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"overall": _stats(samples),
            "by_role": {r: _stats([x for x in samples if x[0] == r]) for r in roles}}  # fmt: skip


def _stats(samples: list[tuple[str, float, str]]) -> dict[str, Any]:
    ok = sorted(s for _, s, status in samples if status == "200")
    errors = Counter(status for _, _, status in samples if status != "200")
    every = sorted(s for _, s, _ in samples)

    def q(p: float) -> float | None:
        return round(every[min(len(every) - 1, int(p * len(every)))], 3) if every else None

    return {
        "requests": len(samples),
        "answered_200": len(ok),
        "errors": dict(errors),
        "error_count": sum(errors.values()),
        "p50_seconds": round(statistics.median(every), 3) if every else None,
        "p95_seconds": q(0.95),
        "max_seconds": round(every[-1], 3) if every else None,
        "requests_per_second": round(len(samples) / SECONDS, 1),
    }


def run(sizes: list[int] | None = None) -> dict[str, Any]:
    from kefu.workspace import Workspace

    given = os.environ.get("KEFU_BENCH_WEB_HOME")
    runs = []
    for agents in [0] if given else sizes or DEFAULT_SIZES:
        with tempfile.TemporaryDirectory(prefix="kefu-bench-web-") as tmp:
            home = Path(given) if given else Path(tmp) / "demo"
            begun = time.perf_counter()
            if not given:
                _build(agents, home)
            build_seconds = round(time.perf_counter() - begun, 1)
            ws = Workspace.open(home)
            server, thread, url = _serve(ws)
            try:
                pages = _pages(ws)
                cookies = {role: _login(url, role) for role in pages}
                result = _load(url, pages, cookies)
            finally:
                server.should_exit = True
                thread.join(timeout=30)
                ws.close()
            runs.append({"agents": agents or None, "workspace": "given" if given else "built",
                         "build_seconds": build_seconds, "clients": CLIENTS, "seconds": SECONDS,
                         "threads": ws.settings.web_threads, **result})  # fmt: skip
    return {
        "runs": runs,
        "goals": {"no_errors": all(r["overall"]["error_count"] == 0 for r in runs)},
    }
