"""``kefu users …``: accounts, passwords, two-factor resets and API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    cli_actor,
    console,
    emit,
    open_workspace,
)
from kefu.errors import UsageError

users_app = typer.Typer(help="User accounts of the web application.", no_args_is_help=True)
token_app = typer.Typer(
    help="API tokens for automation (shown once, stored hashed).", no_args_is_help=True
)
users_app.add_typer(token_app, name="token")
app.add_typer(users_app, name="users")

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (for scripts)."),
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UsageError("no password on standard input")
        return password
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat password", hide_input=True)
    if first != second:
        raise UsageError("the two passwords differ")
    return str(first)


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ @ -).")],
    role: Annotated[
        str, typer.Option(help="admin, manager, supervisor, qa, agent or hr.", show_default=False)
    ],
    name: Annotated[str | None, typer.Option(help="Display name (e.g. 张三).")] = None,
    agent_id: Annotated[str | None, typer.Option(help="The agent's id (role agent).")] = None,
    team: Annotated[
        list[str] | None, typer.Option(help="A team the supervisor leads (repeatable).")
    ] = None,
    password_stdin: PasswordStdin = False,
    home: HomeOption = None,
) -> None:
    """Create a user; the password is prompted for unless --password-stdin."""
    from kefu.users import service

    parsed = service.parse_role(role)
    password = _read_password(password_stdin)
    with open_workspace(home) as ws, ws.db.transaction() as s:
        user = service.create_user(
            s,
            username,
            parsed,
            password,
            actor=cli_actor(),
            display_name=name,
            agent_id=agent_id,
            teams=team or [],
        )
        summary = f"{user.username} ({user.role})"
    console.print(f"Created user {summary}")


@users_app.command("list")
def list_(home: HomeOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """All users with their role, scope and state."""
    from kefu.users import service

    with open_workspace(home) as ws, ws.db.transaction() as s:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "agent_id": u.agent_id,
                "teams": ",".join(u.teams or []),
                "disabled": bool(u.disabled),
                "totp": bool(u.totp_enabled),
                "last_login_at": u.last_login_at,
            }
            for u in service.list_users(s)
        ]
    emit(
        rows,
        fmt,
        [
            "username",
            "display_name",
            "role",
            "agent_id",
            "teams",
            "disabled",
            "totp",
            "last_login_at",
        ],
        title="Users",
    )


@users_app.command("passwd")
def passwd(username: str, password_stdin: PasswordStdin = False, home: HomeOption = None) -> None:
    """Set a user's password (ends all their sessions)."""
    from kefu.users import service

    password = _read_password(password_stdin)
    with open_workspace(home) as ws, ws.db.transaction() as s:
        service.set_password(s, service.get_user(s, username), password, actor=cli_actor())
    console.print(f"Password of {username} changed; their sessions have been ended")


def _simple(username: str, home: HomeOption, action: str) -> None:
    from kefu.users import service

    with open_workspace(home) as ws, ws.db.transaction() as s:
        user = service.get_user(s, username)
        if action == "disable":
            service.set_disabled(s, user, True, actor=cli_actor())
        elif action == "enable":
            service.set_disabled(s, user, False, actor=cli_actor())
        else:
            service.reset_totp(s, user, actor=cli_actor())


@users_app.command("disable")
def disable(username: str, home: HomeOption = None) -> None:
    """Disable a user: no login, sessions ended, API tokens refused."""
    _simple(username, home, "disable")
    console.print(f"Disabled {username}")


@users_app.command("enable")
def enable(username: str, home: HomeOption = None) -> None:
    """Enable a disabled user again."""
    _simple(username, home, "enable")
    console.print(f"Enabled {username}")


@users_app.command("reset-2fa")
def reset_2fa(username: str, home: HomeOption = None) -> None:
    """Remove a user's two-factor secret (they enrol again at next login if required)."""
    _simple(username, home, "reset-2fa")
    console.print(f"Two-step verification of {username} reset")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.", show_default=False)],
    days: Annotated[
        int | None,
        typer.Option(help="Valid for this many days (default: setting api_token_days).", min=1),
    ] = None,
    scope: Annotated[
        str, typer.Option(help="read (GET only) or write (everything the user may do).")
    ] = "write",
    home: HomeOption = None,
) -> None:
    """Create an API token; it is printed once and only its hash is kept."""
    from kefu.users import service

    with open_workspace(home) as ws, ws.db.transaction() as s:
        user = service.get_user(s, username)
        token, secret = service.create_token(
            s,
            user,
            name,
            actor=cli_actor(),
            expires_in_days=days or ws.settings.api_token_days,
            scope=scope,
        )
        token_id = token.id
    console.print(
        f"API token {token_id} for {username} (copy it now, it is not shown again):",
        highlight=False,
    )
    typer.echo(secret)


@token_app.command("list")
def token_list(
    username: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """API tokens (never the tokens themselves)."""
    from kefu.users import service

    with open_workspace(home) as ws, ws.db.transaction() as s:
        user = service.get_user(s, username) if username else None
        rows = [
            {
                "id": t.id,
                "user": owner,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "expires_at": t.expires_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
            }
            for t, owner in service.list_tokens(s, user)
        ]
    emit(rows, fmt, title="API tokens")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (from `token list`).")],
    home: HomeOption = None,
) -> None:
    """Revoke an API token at once."""
    from kefu.users import service

    with open_workspace(home) as ws, ws.db.transaction() as s:
        service.revoke_token(s, token_id, actor=cli_actor())
    console.print(f"API token {token_id} revoked")
