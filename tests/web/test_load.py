"""The server under concurrent users and during an import (a real uvicorn in a thread).

Twenty browsers at once must all get answers: each request holds one store
connection and nothing it calls takes a second one, so requests cannot wait
on each other for the pool. An import runs on the job thread: pages answer
while it runs. Only completion and status codes are asserted; the timeouts
only guard against a hang.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kefu.users.roles import Role
from kefu.web import jobs as job_module
from kefu.workspace import Workspace
from tests.browser import free_port
from tests.web.appraisal_data import build
from tests.web.support import Web, csrf_of, make_web

CLIENTS = 20
REQUESTS_EACH = 6
HANG_GUARD = 120.0  # seconds; the requests finish in a fraction of that


class Server:
    def __init__(self, web: Web, url: str) -> None:
        self.web, self.url = web, url

    def browser(self, username: str, role: Role, **fields: object) -> httpx.Client:
        """An HTTP client of the real server carrying ``username``'s session cookie."""
        logged_in = self.web.login(username, role, **fields)
        return httpx.Client(base_url=self.url, cookies=dict(logged_in.cookies), timeout=HANG_GUARD)


@pytest.fixture
def server(ws: Workspace) -> Iterator[Server]:
    import uvicorn

    build(ws)
    web = make_web(ws, inline_imports=False)
    port = free_port()
    config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 15 s"
        time.sleep(0.05)
    yield Server(web, f"http://127.0.0.1:{port}")
    running.should_exit = True
    thread.join(timeout=10)


MIXED = {
    "mgr": ["/", "/teams/T1?period=2026-10", "/api/v1/teams?period=2026-10",
            "/agents/A3?period=2026-10", "/api/v1/overview?period=2026-10"],
    "sup": ["/teams/T1?period=2026-10", "/agents/A2?period=2026-10",
            "/api/v1/agents/A1?period=2026-10"],
    # An agent sees published months only (2026-09; 2026-10 is scored, not published).
    "a1": ["/agents/A1?period=2026-09", "/api/v1/agents/A1?period=2026-09"],
}  # fmt: skip


def test_twenty_concurrent_users_all_get_answers(server: Server) -> None:
    users = {
        "mgr": server.browser("mgr", Role.manager),
        "sup": server.browser("sup", Role.supervisor, teams=["T1"]),
        "a1": server.browser("a1", Role.agent, agent_id="A1"),
    }
    names = list(MIXED)
    start = threading.Barrier(CLIENTS)

    def one_user(n: int) -> list[tuple[str, int]]:
        name = names[n % len(names)]
        cookies = dict(users[name].cookies)
        with httpx.Client(base_url=server.url, cookies=cookies, timeout=HANG_GUARD) as client:
            start.wait(timeout=HANG_GUARD)
            pages = MIXED[name]
            return [
                (url, client.get(url).status_code)
                for url in (pages[(n + i) % len(pages)] for i in range(REQUESTS_EACH))
            ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = [a for done in pool.map(one_user, range(CLIENTS)) for a in done]
    assert len(answers) == CLIENTS * REQUESTS_EACH
    assert [a for a in answers if a[1] != 200] == []


def test_pages_answer_while_an_import_runs(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    # The import holds its job thread until the test has been answered by the pages.
    release, started = threading.Event(), threading.Event()
    real = job_module.operations.import_saved

    def slow_import(*args: object, **kw: object) -> dict[str, object]:
        started.set()
        assert release.wait(HANG_GUARD), "the test never released the import"
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(job_module.operations, "import_saved", slow_import)
    qa = server.browser("qa", Role.qa)
    token = csrf_of(qa.get("/imports").text)
    csv = "工号,姓名,班组,职场,入职日期\nA9,赵六,T2,S1,2026-02-01\n".encode()
    answer = qa.post(
        "/api/v1/imports",
        files=[("files", ("新花名册.csv", csv, "text/csv"))],
        data={"table": "agents"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 202, answer.text
    job_url = answer.headers["location"]
    assert started.wait(HANG_GUARD)
    assert qa.get(job_url).json()["state"] == "running"
    # Everyone else keeps working: the login page, a results page, the imports page.
    with httpx.Client(base_url=server.url, timeout=HANG_GUARD) as anonymous:
        assert anonymous.get("/login").status_code == 200
    mgr = server.browser("mgr", Role.manager)
    assert mgr.get("/teams/T1?period=2026-10").status_code == 200
    page = qa.get(job_url.replace("/api/v1", ""))
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.text
    release.set()
    deadline = time.monotonic() + HANG_GUARD
    while (job := qa.get(job_url).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the import job never finished"
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert job["rows_read"] == 1
    assert (job["results"][0]["accepted"], job["results"][0]["rejected"]) == (1, 0)
