"""Fixtures for web tests: an app per test with a movable clock, and a real browser.

``web`` (SQLite) and ``any_web`` (SQLite, then PostgreSQL) give a
:class:`tests.web.support.Web`; ``live_server`` + ``page`` run the app on
uvicorn in a thread and drive Debian's Chromium through Playwright (tests
marked ``@pytest.mark.browser`` and ``@pytest.mark.xdist_group("browser")``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher

from kefu.workspace import Workspace
from tests.browser import free_port
from tests.web.support import Web, make_web


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Production parameters cost ~64 MiB and tens of milliseconds per hash; tests log in
    # hundreds of times. The algorithm (argon2id) and code path stay the same.
    monkeypatch.setattr(
        "kefu.users.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def web(ws: Workspace) -> Web:
    return make_web(ws)


@pytest.fixture
def any_web(any_ws: Workspace) -> Web:
    return make_web(any_ws)


# -- real browser -----------------------------------------------------------------


@dataclass
class LiveServer:
    web: Web
    url: str


@pytest.fixture
def live_server(web: Web) -> Iterator[LiveServer]:
    """The app served by uvicorn on a free port in a background thread."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 15 s")
        time.sleep(0.05)
    yield LiveServer(web, f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: object, live_server: LiveServer) -> Iterator[object]:
    """A fresh browser context and page; console errors (e.g. CSP violations) fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, f"browser console errors: {errors}"
