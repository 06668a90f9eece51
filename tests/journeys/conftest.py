"""A demo courier centre built once per test session, served per journey, and the people.

``centre_template`` runs the demo's own steps (:mod:`kefu.demo.run`): 24 agents
over October and November 2026, every export imported, both months scored,
October published and November not (the month still under way), the demo
logins (``DEMO_USERS``) and the demo's reviews and appeals. Each journey gets
``centre``: a copy of that folder served by uvicorn on a free port, so one
journey's uploads and decisions never reach another. ``desktop`` and ``phone``
are people at a browser (1280×800 and a 390×844 touch phone, zh-CN).
"""

from __future__ import annotations

import io
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from rich.console import Console

from kefu.demo.generator import DemoSummary
from kefu.demo.run import (
    DEMO_USERS,
    DemoRun,
    create_demo_users,
    demo_workflow,
    fresh_workspace,
    generate_exports,
    import_exports,
    install_centre_scorecard,
    publish_completed_months,
    score_months,
    write_mapping_profiles,
)
from kefu.workspace import Workspace
from tests.browser import free_port

AGENTS = 24
START = "2026-10"
PUBLISHED, UNDER_WAY = "2026-10", "2026-11"
PASSWORDS = {username: password for username, _, password, _ in DEMO_USERS}
DISPLAY = {username: display for username, _, _, display in DEMO_USERS}
# The roles the web app makes enrol two-factor authentication at their first login.
TOTP_ROLES = frozenset({"admin", "hr"})


@dataclass(frozen=True)
class CentreTemplate:
    """The built centre's folder and what the demo steps told about it."""

    home: Path
    exports: DemoSummary
    team: str  # the team the demo supervisor leads
    agent: str  # the demo agent's id (a member of that team)

    def export(self, table: str) -> list[Path]:
        return [f.path for f in self.exports.files if f.table == table]


@pytest.fixture(scope="session")
def centre_template(tmp_path_factory: pytest.TempPathFactory) -> CentreTemplate:

    run = DemoRun(
        home=tmp_path_factory.mktemp("centre") / "demo",
        agents=AGENTS,
        months=2,
        start=START,
        console=Console(file=io.StringIO(), width=120),
    )
    steps = [
        fresh_workspace, generate_exports, write_mapping_profiles, import_exports,
        install_centre_scorecard, score_months, publish_completed_months, create_demo_users,
        demo_workflow,
    ]  # fmt: skip
    try:
        for step in steps:
            step(run)
    finally:
        if run.ws is not None:
            run.ws.close()
    assert run.exports is not None
    return CentreTemplate(run.home, run.exports, run.users["team"], run.users["agent"])


@dataclass
class Centre:
    """One journey's copy of the centre, served at ``url``."""

    ws: Workspace
    url: str
    template: CentreTemplate
    exports_dir: Path

    def export(self, table: str) -> list[Path]:
        """The centre's own export files of ``table`` (in this journey's copy)."""
        return [self.exports_dir / p.relative_to(self.template.home / "exports")
                for p in self.template.export(table)]  # fmt: skip


@contextmanager
def served_copy(template: CentreTemplate, home: Path) -> Iterator[tuple[Any, Centre]]:
    """A copy of the demo centre at ``home``, served on a free local port while in use:
    the web app and the centre as a browser reaches it."""
    import uvicorn

    from kefu.web.app import create_app

    shutil.copytree(template.home, home)
    ws = Workspace.open(home)
    app = create_app(ws)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the centre's web server did not start within 15 s")
        time.sleep(0.05)
    try:
        yield app, Centre(ws, f"http://127.0.0.1:{port}", template, home / "exports")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ws.close()


@pytest.fixture
def centre(centre_template: CentreTemplate, tmp_path: Path) -> Iterator[Centre]:
    with served_copy(centre_template, tmp_path / "centre") as (_, served):
        yield served


@dataclass
class Person:
    """Someone at a browser: one context (cookies, viewport, language) and its page."""

    page: Any
    centre: Centre
    errors: list[str] = field(default_factory=list)

    def log_in(self, username: str, password: str | None = None, landing: str = "/account") -> None:
        """Sign in through the login page, enrolling TOTP when the role must have it.

        ``landing`` is where the login sends the person (the account page by default:
        the journey then goes where the person would click, not to the overview).
        """
        page = self.page
        page.goto(f"/login?next={landing}")
        page.fill("#username", username)
        page.fill("#password", password or PASSWORDS[username])
        with page.expect_navigation():
            page.click("button[type=submit].btn-primary")
        if "/account/2fa" in page.url:  # first login of a role that needs two factors
            if page.locator("#totp-secret").count() == 0:  # not started on the way in
                with page.expect_navigation():
                    page.click("#enrol-start")
            secret = page.inner_text("#totp-secret").replace(" ", "")
            page.fill("#code", pyotp.TOTP(secret).now())
            with page.expect_navigation():
                page.click("form[action='/account/2fa'] button[type=submit]")
        elif "/login/totp" in page.url:
            raise AssertionError(f"{username} already has TOTP; the journeys start unenrolled")
        page.wait_for_selector(".usermenu summary")

    def no_sideways_scroll(self) -> None:
        """The page fits the screen's width: nothing to scroll sideways to.

        A mobile browser zooms a page that is too wide out until it fits and then reports
        the wider ``innerWidth``: the page is measured against the screen's own width too.
        """
        width, inner = self.page.evaluate(
            "[document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        viewport = self.page.viewport_size
        screen = min(inner, viewport["width"]) if viewport else inner
        assert width <= screen, f"{self.page.url} scrolls sideways ({width} > {screen} px)"

    def text(self, selector: str = "main") -> str:
        return str(self.page.inner_text(selector))


def _person(browser: Any, centre: Centre, **context: Any) -> Iterator[Person]:
    ctx = browser.new_context(base_url=centre.url, locale="zh-CN", accept_downloads=True,
                              **context)  # fmt: skip
    ctx.set_default_timeout(60_000)
    # Scoring a month, or a page computing its figures the first time, is slow on a busy
    # machine (the suite runs on two workers): the navigation that follows may wait long.
    ctx.set_default_navigation_timeout(180_000)
    page = ctx.new_page()
    # "Publish this month?" and the like: the person says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    person = Person(page, centre)
    page.on("pageerror", lambda exc: person.errors.append(str(exc)))
    yield person
    ctx.close()
    assert not person.errors, f"script errors in the pages: {person.errors}"


@pytest.fixture
def desktop(browser: Any, centre: Centre) -> Iterator[Person]:
    yield from _person(browser, centre, viewport={"width": 1280, "height": 800})


@pytest.fixture
def phone(browser: Any, centre: Centre) -> Iterator[Person]:
    yield from _person(
        browser, centre, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=3,
    )  # fmt: skip
