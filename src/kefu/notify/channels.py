"""Channels: what an administrator sets up, checked once, and how a message is sent on one.

A channel is one group robot (企业微信, 钉钉, 飞书) or one SMTP account. Its
secrets (webhook URL, signing secret, SMTP password) are sealed at once
(:mod:`kefu.notify.secrets`) and never shown again; everything else (scope,
topics, SMTP host and sender, fixed recipients) is plain configuration.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from kefu.errors import UsageError
from kefu.notify import mail, robots, secrets
from kefu.notify.messages import LOCALES, Message
from kefu.notify.models import Channel, ChannelKind, ScopeKind
from kefu.notify.routing import PERSONAL_ONLY, TOPICS
from kefu.notify.transport import Commit, SmtpServer, post_json, send_mail
from kefu.workspace import Workspace

EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
SECURITY = ("starttls", "tls", "none")
ROBOTS = (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.FEISHU)


class ChannelError(UsageError):
    """A channel set up wrongly: ``key`` and ``params`` name the message for the web pages."""

    def __init__(self, key: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.key = f"notify.error.{key}"
        self.params = params


@dataclass(frozen=True)
class ChannelSpec:
    """A channel as given by the administrator (web form or ``kefu notify add``)."""

    kind: str
    name: str
    events: Sequence[str]
    scope_kind: str = "centre"
    scope: str | None = None
    locale: str = "zh-CN"
    webhook: str = ""
    signing_secret: str = ""
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""
    sender: str = ""
    sender_name: str = ""
    recipients: Sequence[str] = ()
    personal: bool = False
    ca_file: str = ""


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def valid_email(address: str) -> bool:
    return bool(EMAIL_RE.match(address)) and len(address) <= 254


def check_webhook(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and _loopback(parts.hostname):
        return url  # a relay on this machine (and the tests' platform stand-ins)
    raise ChannelError("webhook", "the webhook must be an https:// address (as the platform "
                       "shows it)")  # fmt: skip


def parse_topics(events: Sequence[str], kind: ChannelKind) -> list[str]:
    chosen: list[str] = []
    for raw in events:
        for topic in str(raw).replace("，", ",").split(","):
            topic = topic.strip()
            if topic and topic not in chosen:
                chosen.append(topic)
    unknown = [t for t in chosen if t not in TOPICS]
    if unknown:
        raise ChannelError("topic", f"unknown event(s) {', '.join(unknown)}; known: "
                           f"{', '.join(TOPICS)}", topics=", ".join(unknown))  # fmt: skip
    if kind is not ChannelKind.EMAIL and any(t in PERSONAL_ONLY for t in chosen):
        raise ChannelError("workbook_email", "the appraisal workbook goes by e-mail only, "
                           "to managers")  # fmt: skip
    if not chosen:
        raise ChannelError("no_topic", "choose at least one event for the channel")
    return chosen


def prepare(ws: Workspace, spec: ChannelSpec) -> dict[str, Any]:
    """The columns of a new channel from ``spec``, every field checked, secrets sealed."""
    try:
        kind = ChannelKind(spec.kind)
    except ValueError:
        raise ChannelError("kind", f"unknown channel kind '{spec.kind}'; use "
                           f"{', '.join(k.value for k in ChannelKind)}") from None  # fmt: skip
    name = spec.name.strip()
    if not name or len(name) > 100:
        raise ChannelError("name", "give the channel a name of at most 100 characters")
    try:
        scope_kind = ScopeKind(spec.scope_kind)
    except ValueError:
        raise ChannelError("scope", "the scope is centre, team or site") from None
    scope = (spec.scope or "").strip() or None
    if scope_kind is ScopeKind.CENTRE:
        scope = None
    elif scope is None:
        raise ChannelError("scope_value", f"name the {scope_kind.value} the channel is for")
    if spec.locale not in LOCALES:
        raise ChannelError("locale", "the language is zh-CN or en")
    topics = parse_topics(spec.events, kind)
    config: dict[str, Any]
    if kind in ROBOTS:
        webhook = check_webhook(spec.webhook)
        sealed = {"webhook": webhook}
        if kind is not ChannelKind.WECOM and spec.signing_secret.strip():
            sealed["secret"] = spec.signing_secret.strip()
        config = {"host": urlsplit(webhook).hostname, "signed": "secret" in sealed}
        personal = False
        main = "webhook"
    else:
        config, sealed = _email_config(spec)
        personal = bool(spec.personal)
        if not config["recipients"] and not personal:
            raise ChannelError("no_recipient", "give fixed recipients, or let the channel mail "
                               "the people concerned (personal)")  # fmt: skip
        main = "password"
    return {
        "kind": kind.value,
        "name": name,
        "scope_kind": scope_kind.value,
        "scope": scope,
        "events": topics,
        "locale": spec.locale,
        "config": config,
        "secret": secrets.seal(ws, sealed),
        "fingerprint": secrets.fingerprint(sealed, main),
        "personal": personal,
    }


def _email_config(spec: ChannelSpec) -> tuple[dict[str, Any], dict[str, str]]:
    host = spec.host.strip()
    if not host:
        raise ChannelError("smtp_host", "give the SMTP server's host name")
    if not 0 < int(spec.port) < 65536:
        raise ChannelError("smtp_port", "the SMTP port is a number from 1 to 65535")
    if spec.security not in SECURITY:
        raise ChannelError("smtp_security", "the connection security is starttls, tls or none")
    if spec.security == "none" and spec.username and not _loopback(host):
        # The password would cross the network in clear text.
        raise ChannelError("smtp_plain", "logging in over an unencrypted connection is only "
                           "allowed to a server on this machine; use starttls or tls")  # fmt: skip
    sender = spec.sender.strip()
    if not valid_email(sender):
        raise ChannelError("sender", "the sender must be an e-mail address")
    recipients = [r.strip() for r in spec.recipients if r and r.strip()]
    bad = [r for r in recipients if not valid_email(r)]
    if bad:
        raise ChannelError("recipient", f"not an e-mail address: {', '.join(bad)}",
                           addresses=", ".join(bad))  # fmt: skip
    config = {
        "host": host,
        "port": int(spec.port),
        "security": spec.security,
        "username": spec.username.strip() or None,
        "sender": sender,
        "sender_name": spec.sender_name.strip() or None,
        "recipients": recipients,
        "ca_file": spec.ca_file.strip() or None,
    }
    return config, ({"password": spec.password} if spec.password else {})


def public(channel: Channel) -> dict[str, Any]:
    """What lists show: never a secret, only its fingerprint."""
    shown = {k: v for k, v in (channel.config or {}).items()}
    return {
        "id": channel.id,
        "name": channel.name,
        "kind": channel.kind,
        "scope_kind": channel.scope_kind,
        "scope": channel.scope,
        "events": list(channel.events or []),
        "locale": channel.locale,
        "personal": bool(channel.personal),
        "config": shown,
        "fingerprint": channel.fingerprint,
        "created_at": channel.created_at,
        "created_by": channel.created_by,
    }


def workbook(ws: Workspace, message: Message) -> tuple[str, bytes, str] | None:
    """The month's appraisal workbook (published results) for a manager's e-mail."""
    spec = message.attachment
    if not spec:
        return None
    from kefu.reports.exports import ExportFormat, build_export

    export = build_export(ws, spec["period"], ExportFormat.XLSX, locale=message.locale,
                          published=True)  # fmt: skip
    return export.filename, export.data, export.media_type


def send(
    ws: Workspace,
    channel: Channel,
    message: Message,
    *,
    recipient: str,
    message_id: str,
    timeout: float,
    before_commit: Commit,
    now: datetime,
    opened: Mapping[str, str] | None = None,
) -> None:
    """Send ``message`` on ``channel`` (to ``recipient``, or the channel's own audience)."""
    kind = ChannelKind(channel.kind)
    sealed = dict(opened) if opened is not None else secrets.unseal(ws, channel.secret)
    if kind in ROBOTS:
        request = robots.BUILDERS[kind](sealed["webhook"], sealed.get("secret"), message, now)
        headers = {"X-Kefu-Event": message.event_key, "X-Kefu-Message-Id": message_id}
        answer = post_json(request.url, request.body, headers=headers, timeout=timeout,
                           before_commit=before_commit)  # fmt: skip
        robots.check_answer(kind, answer)
        return
    cfg = channel.config
    to = [recipient] if recipient else list(cfg.get("recipients") or [])
    email = mail.build(
        message,
        sender=cfg["sender"],
        sender_name=cfg.get("sender_name"),
        recipients=to,
        message_id=message_id,
        attachment=workbook(ws, message),
    )
    server = SmtpServer(cfg["host"], int(cfg["port"]), cfg["security"], cfg.get("username"),
                        sealed.get("password"), cfg.get("ca_file"))  # fmt: skip
    send_mail(server, email, to, timeout=timeout, before_commit=before_commit)
