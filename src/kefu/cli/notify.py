"""``kefu notify …``: notification channels, the sender for cron, dead letters, addresses."""

from __future__ import annotations

import sys
from contextlib import suppress
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
    err_console,
    open_workspace,
)
from kefu.errors import KefuError, UsageError

notify_app = typer.Typer(
    help="Notifications to 企业微信, 钉钉, 飞书 and e-mail: channels and the sender.",
    no_args_is_help=True,
)
app.add_typer(notify_app, name="notify")

Events = Annotated[
    list[str] | None,
    typer.Option("--events", "-e", help="Events the channel receives (repeatable or a,b,c); "
                 "see `kefu notify events`.", show_default=False),
]  # fmt: skip
SecretsStdin = Annotated[
    bool,
    typer.Option("--secrets-stdin", help="Read the secrets from standard input, one per line "
                 "(webhook URL, then the signing secret; or the SMTP password)."),
]  # fmt: skip


def _secret(prompt: str, from_stdin: bool, *, required: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = typer.prompt(prompt, default="", hide_input=True, show_default=False)
    if required and not value.strip():
        raise UsageError(f"no {prompt.lower()} given")
    return value.strip()


@notify_app.command("add")
def add(
    kind: Annotated[
        str, typer.Argument(help="wecom (企业微信), dingtalk (钉钉), feishu (飞书) or email.")
    ],
    name: Annotated[str, typer.Option(help="A name people recognise (e.g. 武汉一组群).")],
    events: Events = None,
    team: Annotated[str | None, typer.Option(help="Only this team's events.")] = None,
    site: Annotated[str | None, typer.Option(help="Only this site's events.")] = None,
    locale: Annotated[str, typer.Option(help="Language of the messages: zh-CN or en.")] = "zh-CN",
    host: Annotated[str, typer.Option(help="E-mail: the SMTP server.")] = "",
    port: Annotated[int, typer.Option(help="E-mail: the SMTP port.")] = 587,
    security: Annotated[str, typer.Option(help="E-mail: starttls, tls or none.")] = "starttls",
    username: Annotated[str, typer.Option(help="E-mail: the SMTP login.")] = "",
    sender: Annotated[str, typer.Option("--from", help="E-mail: the sender address.")] = "",
    sender_name: Annotated[
        str, typer.Option("--from-name", help="E-mail: the sender's name.")
    ] = "",
    to: Annotated[
        list[str] | None, typer.Option("--to", help="E-mail: a fixed recipient (repeatable).")
    ] = None,
    personal: Annotated[
        bool,
        typer.Option(
            "--personal",
            help="E-mail: also mail the people concerned (agents, "
            "deciders, managers) at their own addresses.",
        ),
    ] = False,
    ca_file: Annotated[
        str, typer.Option(help="E-mail: a CA file for the server's certificate.")
    ] = "",
    secrets_stdin: SecretsStdin = False,
    home: HomeOption = None,
) -> None:
    """Add a channel; its secrets are asked for (never given on the command line).
    \f
    Long only by its options' declarations: Typer reads them from the signature.
    """
    from kefu.notify import service
    from kefu.notify.channels import ChannelSpec

    if team and site:
        raise UsageError("give --team or --site, not both")
    scope_kind, scope = ("team", team) if team else ("site", site) if site else ("centre", None)
    webhook = signing = password = ""
    if kind in ("wecom", "dingtalk", "feishu"):
        webhook = _secret("Webhook URL", secrets_stdin, required=True)
        if kind != "wecom":
            signing = _secret("Signing secret (empty: none)", secrets_stdin, required=False)
    elif kind == "email" and username:
        password = _secret("SMTP password", secrets_stdin, required=True)
    spec = ChannelSpec(
        kind, name, events or [], scope_kind=scope_kind, scope=scope, locale=locale,
        webhook=webhook, signing_secret=signing, host=host, port=port, security=security,
        username=username, password=password, sender=sender, sender_name=sender_name,
        recipients=to or [], personal=personal, ca_file=ca_file,
    )  # fmt: skip
    with open_workspace(home) as ws:
        channel = service.add_channel(ws, spec, cli_actor())
        from kefu.notify.config import base_url

        missing_url = base_url(ws) is None
    console.print(f"Added channel {channel.id} ({channel.kind}, {channel.fingerprint})")
    if missing_url:
        console.print("[yellow]note:[/] base_url is not set in kefu.yaml: messages will carry "
                      "no link to Kefu", highlight=False)  # fmt: skip


@notify_app.command("list")
def list_(home: HomeOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Channels with their scope and events; secrets only as a fingerprint."""
    from kefu.notify import service
    from kefu.notify.channels import public

    with open_workspace(home) as ws:
        rows = []
        for c in service.list_channels(ws):
            shown = public(c)
            shown["scope"] = c.scope or "centre"
            shown["events"] = ",".join(shown["events"])
            shown["where"] = shown["config"].get("host")
            rows.append(shown)
    columns = [
        "id",
        "name",
        "kind",
        "scope",
        "locale",
        "events",
        "where",
        "personal",
        "fingerprint",
    ]
    emit(rows, fmt, columns)


@notify_app.command("events")
def events_(home: HomeOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """The events a channel can subscribe to."""
    from kefu.notify.routing import PERSONAL_ONLY, TOPICS

    rows = [{"event": t, "channels": "email (managers)" if t in PERSONAL_ONLY else "all"}
            for t in TOPICS]  # fmt: skip
    emit(rows, fmt, ["event", "channels"])


@notify_app.command("subscribe")
def subscribe(
    channel_id: Annotated[int, typer.Argument(help="The channel (see `kefu notify list`).")],
    events: Events = None,
    home: HomeOption = None,
) -> None:
    """Replace the events a channel receives."""
    from kefu.notify import service

    with open_workspace(home) as ws:
        channel = service.set_topics(ws, channel_id, events or [], cli_actor())
    console.print(f"Channel {channel.id} receives: {', '.join(channel.events)}")


@notify_app.command("test")
def test(
    channel_id: Annotated[int, typer.Argument(help="The channel to send a test message on.")],
    to: Annotated[str | None, typer.Option("--to", help="E-mail: send the test here.")] = None,
    home: HomeOption = None,
) -> None:
    """Send a test message now and say whether the platform took it."""
    from kefu.notify import service

    with open_workspace(home) as ws:
        result = service.try_channel(ws, channel_id, cli_actor(), to=to)
    if not result.ok:
        raise KefuError(f"the test message was not delivered: {result.error}")
    console.print(f"Test message delivered on channel {channel_id}")


@notify_app.command("remove")
def remove(
    channel_id: Annotated[int, typer.Argument(help="The channel to remove.")],
    home: HomeOption = None,
) -> None:
    """Remove a channel (what it still had to send goes to the dead letters)."""
    from kefu.notify import service

    with open_workspace(home) as ws:
        service.remove_channel(ws, channel_id, cli_actor())
    console.print(f"Removed channel {channel_id}")


@notify_app.command("run")
def run(
    once: Annotated[
        bool, typer.Option("--once", help="One pass: deliver what is due now, then exit (cron).")
    ] = False,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Deliver notifications: plan new events, send what is due, retry, schedule digests."""
    from kefu.notify.sender import Sender, run_forever

    # Ctrl+C ends the loop (or a pass) quietly; the workspace is closed either way.
    with open_workspace(home) as ws, suppress(KeyboardInterrupt):
        if once:
            summary = Sender(ws).run_once()
            emit([summary.as_dict()], fmt, list(summary.as_dict()))
            return
        console.print(f"Kefu notifications running for {ws.home} (Ctrl+C to stop)")
        run_forever(ws, on_error=lambda exc: err_console.print(
            f"[yellow]warning:[/] notification pass failed: {exc}", highlight=False))  # fmt: skip


@notify_app.command("dead")
def dead(home: HomeOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Deliveries that need a look: dead letters and unconfirmed sends."""
    from kefu.notify import service

    with open_workspace(home) as ws:
        rows = [r.__dict__ for r in service.attention(ws)]
    columns = ["id", "state", "event_kind", "channel", "recipient", "title", "failures",
               "resends", "last_error", "updated_at"]  # fmt: skip
    emit(rows, fmt, columns)


@notify_app.command("resend")
def resend(
    delivery_id: Annotated[int, typer.Argument(help="The delivery (see `kefu notify dead`).")],
    home: HomeOption = None,
) -> None:
    """Send a dead or unconfirmed delivery again (same message id)."""
    from kefu.notify import service

    with open_workspace(home) as ws:
        service.resend(ws, delivery_id, cli_actor())
    console.print(f"Delivery {delivery_id} is queued again")


@notify_app.command("address")
def address(
    username: Annotated[str, typer.Argument(help="The user.")],
    email: Annotated[str, typer.Argument(help='Their e-mail address ("" to clear it).')],
    home: HomeOption = None,
) -> None:
    """Set the e-mail address a user's notifications go to."""
    from kefu.notify import service
    from kefu.users import service as users

    with open_workspace(home) as ws, ws.db.transaction() as s:
        service.set_address(s, users.get_user(s, username), email, cli_actor())
    console.print(f"{username}: {email or 'no address'}")
