"""Screenshots of the demo for the README and docs, at desktop and phone width.

    python -m kefu.demo.run --home demo-data --no-serve
    python scripts/screenshots.py --home demo-data

Serves the demo workspace on a free local port, logs in in
headless Chromium (Debian's /usr/bin/chromium) as the demo manager, supervisor
and agent, at a laptop's screen size and at a phone's (390 x 844), and writes
the pages of :func:`shots` to ``docs/screenshots/<name>.png``.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, ViewportSize, sync_playwright

from kefu.demo.run import DEMO_USERS
from kefu.users import service
from kefu.web.app import create_app
from kefu.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    """One screenshot: who looks, at what, on which screen, once what has rendered."""

    name: str
    role: str
    path: str
    viewport: ViewportSize
    ready: str | None = None
    full_page: bool = True


def shots(agent_id: str, team: str) -> list[Shot]:
    return [
        Shot("overview", "manager", "/", DESKTOP, "#grade-chart[data-rendered=true] canvas"),
        Shot(
            "agent-sheet",
            "manager",
            f"/agents/{agent_id}",
            DESKTOP,
            "#radar-chart[data-rendered=true] canvas",
        ),
        Shot("team-table", "supervisor", f"/teams/{team}", DESKTOP),
        Shot("monitor", "manager", "/monitor", DESKTOP, full_page=False),
        Shot("records", "manager", f"/agents/{agent_id}/records?indicator=fcr_rate", DESKTOP),
        Shot("phone-agent-sheet", "agent", f"/agents/{agent_id}", PHONE, full_page=False),
        Shot("phone-team-table", "supervisor", f"/teams/{team}", PHONE, full_page=False),
        Shot("phone-monitor", "supervisor", "/monitor", PHONE, full_page=False),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(ws: Workspace) -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the web app did not start within 30 s")
        time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def _log_in(page: Page, role: str) -> None:
    password = next(p for name, _, p, _ in DEMO_USERS if name == role)
    page.goto("/login")
    page.fill("#username", role)
    page.fill("#password", password)
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector(".usermenu summary")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("demo-data"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", nargs="*", help="names of the screenshots to take")
    args = parser.parse_args()
    ws = Workspace.open(args.home)
    with ws.db.session() as s:
        agent_id = service.get_user(s, "agent").agent_id
        team = sorted(service.get_user(s, "supervisor").teams)[0]
    args.out.mkdir(parents=True, exist_ok=True)
    server, url = serve(ws)
    written = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            contexts: dict[tuple[str, int], Page] = {}
            for shot in shots(str(agent_id), team):
                if args.only and shot.name not in args.only:
                    continue
                key = (shot.role, shot.viewport["width"])
                if key not in contexts:
                    context = browser.new_context(
                        base_url=url,
                        viewport=shot.viewport,
                        locale="zh-CN",
                        device_scale_factor=2 if shot.viewport is PHONE else 1,
                    )
                    contexts[key] = context.new_page()
                    _log_in(contexts[key], shot.role)
                page = contexts[key]
                page.goto(shot.path)
                if shot.ready:
                    page.wait_for_selector(shot.ready, timeout=120_000)
                target = args.out / f"{shot.name}.png"
                page.screenshot(path=str(target), full_page=shot.full_page)
                written.append(target)
            browser.close()
    finally:
        server.should_exit = True
        ws.close()
    print("wrote " + ", ".join(str(w) for w in written))


if __name__ == "__main__":
    main()
