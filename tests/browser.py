"""Debian's Chromium driven by Playwright: where it is, how it is started, a free port.

Shared by the web page tests and the journeys (one browser per test worker,
the session-scoped ``browser`` fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

import socket

CHROMIUM = "/usr/bin/chromium"
# No sandbox (containers), and nothing that reaches out to the network on its own.
# Headless comes from Playwright's ``headless=True``: adding "--headless" here as well
# switches Chromium to a mode where the vendored Swagger UI page never renders.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
