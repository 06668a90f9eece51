"""``kefu users …`` through Typer's CliRunner."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from kefu.audit import AuditEntry
from kefu.cli import app
from kefu.users import service
from kefu.workspace import Workspace

PW = "correct horse battery staple\n"
runner = CliRunner()


def run(ws: Workspace, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--home", str(ws.home)], input=input)


def test_add_list_and_audit(ws: Workspace) -> None:
    result = run(ws, "users", "add", "zhang.san", "--role", "agent", "--agent-id", "A001",
                 "--name", "张三", "--password-stdin", input=PW)  # fmt: skip
    assert result.exit_code == 0, result.output
    result = run(ws, "users", "add", "li.si", "--role", "supervisor", "--team", "T1",
                 "--team", "T2", "--password-stdin", input=PW)  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = json.loads(run(ws, "users", "list", "--format", "json").stdout)
    assert [(u["username"], u["role"], u["agent_id"], u["teams"]) for u in listed] == [
        ("li.si", "supervisor", None, "T1,T2"),
        ("zhang.san", "agent", "A001", ""),
    ]
    with ws.db.session() as s:
        actors = {e.actor for e in s.scalars(select(AuditEntry))}
    assert all(a.startswith("cli") for a in actors)


def test_password_is_prompted_twice_when_not_on_stdin(ws: Workspace) -> None:
    result = run(ws, "users", "add", "wang", "--role", "qa", input=PW + PW)
    assert result.exit_code == 0, result.output
    result = run(ws, "users", "add", "zhao", "--role", "qa", input=PW + "different one!!\n")
    assert result.exit_code != 0


def test_weak_password_and_bad_role_are_clear_errors(ws: Workspace) -> None:
    from kefu.errors import UsageError

    result = run(ws, "users", "add", "wang", "--role", "qa", "--password-stdin", input="123\n")
    assert isinstance(result.exception, UsageError)
    assert "at least 12" in result.exception.message
    result = run(ws, "users", "add", "wang", "--role", "boss", "--password-stdin", input=PW)
    assert isinstance(result.exception, UsageError)


def test_passwd_disable_enable_reset(ws: Workspace) -> None:
    run(ws, "users", "add", "wang", "--role", "hr", "--password-stdin", input=PW)
    assert run(ws, "users", "passwd", "wang", "--password-stdin",
               input="another long passphrase\n").exit_code == 0  # fmt: skip
    assert run(ws, "users", "disable", "wang").exit_code == 0
    with ws.db.session() as s:
        assert service.get_user(s, "wang").disabled
    assert run(ws, "users", "enable", "wang").exit_code == 0
    assert run(ws, "users", "reset-2fa", "wang").exit_code == 0
    with ws.db.session() as s:
        user = service.get_user(s, "wang")
        assert not user.disabled and not user.totp_enabled and user.totp_secret is None


def test_token_create_list_revoke(ws: Workspace) -> None:
    run(ws, "users", "add", "bot", "--role", "manager", "--password-stdin", input=PW)
    created = run(ws, "users", "token", "create", "bot", "--name", "nightly export", "--days", "30")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("kefu_")
    [row] = json.loads(run(ws, "users", "token", "list", "--format", "json").stdout)
    assert row["user"] == "bot" and row["name"] == "nightly export"
    assert secret not in json.dumps(row) and secret.startswith(row["prefix"])
    assert run(ws, "users", "token", "revoke", str(row["id"])).exit_code == 0
    [row] = json.loads(run(ws, "users", "token", "list", "bot", "--format", "json").stdout)
    assert row["revoked_at"] is not None


def test_unknown_user_is_a_clear_error(ws: Workspace) -> None:
    from kefu.errors import NotFound

    result = run(ws, "users", "disable", "ghost")
    assert isinstance(result.exception, NotFound)
