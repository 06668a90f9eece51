"""``kefu notify …`` through Typer's CliRunner, against the platform stand-ins."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kefu.cli import app
from kefu.errors import KefuError, UsageError
from kefu.store.notices import EventKind, emit
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.notify.conftest import notify_ws
from tests.notify.platforms import DINGTALK_SECRET, WECOM_KEY
from tests.web.support import add_user

runner = CliRunner()


def run(ws: Workspace, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--home", str(ws.home)], input=input)


def test_add_list_subscribe_test_run_and_remove(ws, platforms) -> None:
    ws = notify_ws(ws, monitor_digest_hour=None)
    added = run(ws, "notify", "add", "wecom", "--name", "武汉一组群", "--team", "T1",
                "--events", "appeal_filed,monitor_digest", "--secrets-stdin",
                input=platforms.wecom_webhook + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    secrets = f"{platforms.dingtalk_webhook}\n{DINGTALK_SECRET}\n"
    signed = run(ws, "notify", "add", "dingtalk", "--name", "钉钉中心群", "-e", "scoring_failed",
                 "--secrets-stdin", input=secrets)  # fmt: skip
    assert signed.exit_code == 0, signed.output
    listed = run(ws, "notify", "list", "--format", "json")
    rows = json.loads(listed.stdout)
    assert [(r["kind"], r["scope"], r["events"]) for r in rows] == [
        ("wecom", "T1", "appeal_filed,monitor_digest"),
        ("dingtalk", "centre", "scoring_failed"),
    ]
    assert WECOM_KEY not in listed.stdout and DINGTALK_SECRET not in listed.stdout
    assert rows[0]["fingerprint"].endswith("…" + WECOM_KEY[-4:])
    assert run(ws, "notify", "subscribe", "1", "-e", "scoring_failed").exit_code == 0
    assert run(ws, "notify", "test", "2").exit_code == 0
    assert "Kefu 通知测试" in platforms.of("dingtalk")[0].text
    with ws.db.transaction() as s:
        emit(s, EventKind.SCORING_FAILED, {"period": "2026-10", "actor": "x", "error": "boom"})
    once = run(ws, "notify", "run", "--once", "--format", "json")
    assert once.exit_code == 0, once.output
    # The centre's channel hears of a centre-wide run; T1's channel does not.
    assert json.loads(once.stdout)[0]["sent"] == 1
    assert len(platforms.of("dingtalk")) == 2 and not platforms.of("wecom")
    assert run(ws, "notify", "remove", "1").exit_code == 0
    assert [r["id"] for r in json.loads(run(ws, "notify", "list", "-f", "json").stdout)] == [2]
    assert "scoring_failed" in run(ws, "notify", "events").stdout


def test_a_failing_test_message_is_a_clear_error(ws) -> None:
    ws = notify_ws(ws, monitor_digest_hour=None, timeout_seconds=2)
    run(ws, "notify", "add", "wecom", "--name", "x", "-e", "scoring_failed", "--secrets-stdin",
        input="http://127.0.0.1:9/cgi-bin/webhook/send?key=k\n")  # fmt: skip
    result = run(ws, "notify", "test", "1")
    assert isinstance(result.exception, KefuError)
    assert "not delivered" in result.exception.message


def test_dead_letters_resend_and_addresses(ws) -> None:
    add_user(ws, "wang", Role.qa)
    assert run(ws, "notify", "address", "wang", "wang@example.com").exit_code == 0
    bad = run(ws, "notify", "address", "wang", "not-an-address")
    assert isinstance(bad.exception, UsageError)
    assert json.loads(run(ws, "notify", "dead", "--format", "json").stdout) == []
    missing = run(ws, "notify", "resend", "99")
    assert isinstance(missing.exception, KefuError)
