"""Screenshots of the demo for the README: the centre overview and an agent's sheet.

    python -m kefu.demo.run --home demo-data --no-serve
    python scripts/screenshots.py --home demo-data

Serves the demo workspace on a free local port, logs in as the demo manager in
headless Chromium (Debian's /usr/bin/chromium) at a laptop's screen size and
writes ``docs/screenshots/overview.png`` and ``docs/screenshots/agent-sheet.png``.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from kefu.demo.run import DEMO_USERS
from kefu.users import service
from kefu.web.app import create_app
from kefu.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1440, "height": 900}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("demo-data"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    ws = Workspace.open(args.home)
    with ws.db.session() as s:
        agent_id = service.get_user(s, "agent").agent_id
    password = next(p for name, _, p, _ in DEMO_USERS if name == "manager")
    args.out.mkdir(parents=True, exist_ok=True)
    server, url = serve(ws)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
            page = browser.new_page(base_url=url, viewport=VIEWPORT, locale="zh-CN")
            page.goto("/login")
            page.fill("#username", "manager")
            page.fill("#password", password)
            page.click("button[type=submit].btn-primary")
            page.wait_for_selector(".usermenu summary")
            page.goto("/")
            page.wait_for_selector("#grade-chart[data-rendered=true] canvas", timeout=120_000)
            page.screenshot(path=str(args.out / "overview.png"), full_page=True)
            page.goto(f"/agents/{agent_id}")
            page.wait_for_selector("#radar-chart[data-rendered=true] canvas")
            page.screenshot(path=str(args.out / "agent-sheet.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        ws.close()
    print(f"wrote {args.out / 'overview.png'} and {args.out / 'agent-sheet.png'}")


if __name__ == "__main__":
    main()
