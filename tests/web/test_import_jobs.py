"""Uploads become import jobs; what cannot be imported is refused at once with a 4xx.

The busy lock is held by another process (a CLI import), which answers at once
in the CLI (exit non-zero), on the page and on the API with its batch and time.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import Web, make_web

ROSTER = "工号,姓名,班组,职场,入职日期\nA9,赵六,T2,S1,2026-02-01\n".encode()
HOLDER = """
import sys
from pathlib import Path
from kefu.ingest import batches
from kefu.workspace import Workspace

ws = Workspace.open(Path(sys.argv[1]))
with batches.import_lock(ws):
    batches.note_batch(ws, 7)
    print("ready", flush=True)
    sys.stdin.read()
"""
HANG_GUARD = 120


def _api_upload(web: Web, client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    token = web.csrf(client, "/imports")
    return client.post("/api/v1/imports", files=[("files", (name, content, "text/csv"))],
                       data={"table": "agents"}, headers={"X-CSRF-Token": token})  # fmt: skip


def _page_upload(web: Web, client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    token = web.csrf(client, "/imports")
    return client.post("/imports", files=[("files", (name, content, "text/csv"))],
                       data={"table": "agents", "csrf_token": token})  # fmt: skip


def test_an_api_upload_answers_202_with_the_job_to_follow(ws: Workspace) -> None:
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    answer = _api_upload(web, client, "roster.csv", ROSTER)
    assert answer.status_code == 202, answer.text
    assert answer.json()["state"] == "queued"
    job = client.get(answer.headers["location"]).json()
    assert (job["state"], job["rows_read"], job["files"]) == ("done", 1, ["roster.csv"])
    assert job["results"][0]["accepted"] == 1


def test_a_file_that_cannot_be_imported_is_refused_with_415(ws: Workspace) -> None:
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    api = _api_upload(web, client, "report.pdf", b"%PDF-1.4")
    assert api.status_code == 415
    assert api.json()["error"]["message"] == (
        "report.pdf: only CSV, Excel, Parquet, JSON and zip exports can be imported"
    )
    page = _page_upload(web, client, "report.pdf", b"%PDF-1.4")
    assert page.status_code == 415
    assert "report.pdf：只能导入 CSV、Excel、Parquet、JSON 和 zip 导出文件" in page.text
    assert client.get("/api/v1/imports").json() == []


def test_an_unreadable_file_fails_its_job_with_the_message_in_the_pages_language(
    ws: Workspace,
) -> None:
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    bad = "工号,姓名,工号\nA1,张三,A2\n".encode()
    answer = _api_upload(web, client, "roster.csv", bad)
    assert answer.status_code == 202
    job = client.get(answer.headers["location"]).json()
    assert job["state"] == "failed" and "roster.csv" in job["message"]
    page = client.get(answer.headers["location"].replace("/api/v1", ""))
    assert "列名重复：工号 出现在第 1 列和第 3 列" in page.text
    assert "失败" in page.text.split('id="job-state"')[1]


@pytest.fixture
def lock_held(ws: Workspace) -> Iterator[tuple[str, str]]:
    """Another process holds the import lock for batch 7; yields the minutes it may show."""
    zone = ZoneInfo(ws.timezone)
    before = datetime.now(zone).strftime("%H:%M")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws.home)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    yield before, datetime.now(zone).strftime("%H:%M")
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=HANG_GUARD)


def _started(text: str, pattern: str) -> str:
    found = re.search(pattern, text)
    assert found, text
    return found.group(1)


def test_a_cli_import_meets_a_busy_lock_at_once_and_exits_non_zero(
    ws: Workspace, lock_held: tuple[str, str], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    roster = tmp_path / "agents.csv"
    roster.write_bytes(ROSTER)
    done = subprocess.run(
        [sys.executable, "-c", "from kefu.cli import main; main()", "import", str(roster),
         "--home", str(ws.home)],
        capture_output=True, text=True, timeout=HANG_GUARD,
    )  # fmt: skip
    assert done.returncode != 0
    output = " ".join((done.stdout + done.stderr).split())
    started = _started(output, r"Another import is running \(batch 7, started at (\d\d:\d\d)\)")
    assert started in lock_held


def test_an_upload_meets_a_busy_lock_at_once_on_the_page_and_the_api(
    ws: Workspace, lock_held: tuple[str, str]
) -> None:
    web = make_web(ws)
    client = web.login("qa", Role.qa)
    page = _page_upload(web, client, "roster.csv", ROSTER)
    assert page.status_code == 409
    started = _started(page.text, r"另一个导入正在进行\(批次 7,开始于 (\d\d:\d\d)\)")
    assert started in lock_held
    api = _api_upload(web, client, "roster.csv", ROSTER)
    assert api.status_code == 409
    message = api.json()["error"]["message"]
    assert _started(message, r"Another import is running \(batch 7, started at (\d\d:\d\d)\)")
    assert client.get("/api/v1/imports").json() == []
