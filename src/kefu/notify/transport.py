"""Sending with one durable step before the request is complete.

The platforms have no idempotency key, so "sent exactly once" rests on one
fact of both protocols: a server acts on a request only once it has all of
it. An HTTP server reads ``Content-Length`` bytes before it runs the handler;
an SMTP server accepts a message only at the ``<CRLF>.<CRLF>`` that ends
``DATA`` (RFC 5321 §4.1.1.4), and a connection that drops before it loses the
message. So each send goes: connect, send everything but the end, call
``before_commit`` (the sender records, durably, that the end goes out now),
send the end, read the answer.

* A failure before the end is :class:`NotSent`: the server has an incomplete
  request and drops it, so a retry cannot duplicate anything.
* No answer after the end is :class:`InDoubt`: the server may have acted.
  Kefu does not retry it by itself (that could send twice); an administrator
  sees it and may resend.
* An answer is :class:`Answer` (HTTP) or a refusal, :class:`Refused`.
"""

from __future__ import annotations

import http.client
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from urllib.parse import urlsplit

USER_AGENT = "Kefu-notify/1"


class NotSent(Exception):
    """The request did not reach the server whole: nothing can have been delivered."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class InDoubt(Exception):
    """The whole request went out but no answer came back: it may have been delivered."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(Exception):
    """The server answered and refused; ``permanent`` when trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


Commit = Callable[[], None]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- HTTP -----------------------------------------------------------------------------------
def post_json(
    url: str,
    body: bytes,
    *,
    headers: Mapping[str, str],
    timeout: float,
    before_commit: Commit,
) -> Answer:
    """POST ``body`` (JSON) to ``url`` in two steps (see the module docstring)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotSent(f"not an http(s) address: {parts.scheme}://{parts.hostname}", permanent=True)
    if not body:
        raise NotSent("empty request body", permanent=True)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.connect()
            conn.putrequest("POST", target, skip_accept_encoding=True)
            conn.putheader("Content-Type", "application/json; charset=utf-8")
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("User-Agent", USER_AGENT)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.endheaders()
            conn.send(body[:-1])
        except (OSError, http.client.HTTPException) as exc:
            raise NotSent(_describe(exc)) from None
        before_commit()
        try:
            conn.send(body[-1:])
        except OSError as exc:
            # The last byte did not go: the server holds an incomplete request.
            raise NotSent(_describe(exc)) from None
        try:
            response = conn.getresponse()
            data = response.read(1_000_000)
        except (OSError, http.client.HTTPException) as exc:
            raise InDoubt(_describe(exc)) from None
        return Answer(response.status, data)
    finally:
        conn.close()


# -- SMTP -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # starttls | tls | none
    username: str | None
    password: str | None
    # A company CA for an internal server's certificate (None: the system's CAs).
    ca_file: str | None = None


def _smtp_error(code: int, text: bytes | str) -> Refused:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    # 4xx: transient (try again later); 5xx: permanent (RFC 5321 §4.2.1).
    return Refused(f"SMTP {code} {message}".strip(), permanent=500 <= code < 600)


def _connect(server: SmtpServer, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=server.ca_file)
    if server.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    smtp.ehlo()
    if server.security == "starttls":
        smtp.starttls(context=context)
        smtp.ehlo()
    if server.username:
        smtp.login(server.username, server.password or "")
    return smtp


def send_mail(
    server: SmtpServer,
    message: EmailMessage,
    recipients: Sequence[str],
    *,
    timeout: float,
    before_commit: Commit,
) -> None:
    """Send ``message`` to ``recipients``: returns once the server took it (250)."""
    data = message.as_bytes(policy=SMTP_POLICY)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    # Transparency (RFC 5321 §4.5.2): a line starting with "." gets a second one.
    data = re.sub(rb"(?m)^\.", b"..", data)
    sender = str(message["From"].addresses[0].addr_spec)
    try:
        smtp = _connect(server, timeout)
    except smtplib.SMTPResponseException as exc:
        raise NotSent(
            _smtp_error(exc.smtp_code, exc.smtp_error).reason, permanent=exc.smtp_code >= 500
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise NotSent(_describe(exc)) from None
    try:
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                raise _smtp_error(code, text)
            for rcpt in recipients:
                code, text = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    raise _smtp_error(code, text)
            code, text = smtp.docmd("DATA")
            if code != 354:
                raise _smtp_error(code, text)
            smtp.send(data)
        except Refused as exc:
            raise NotSent(exc.reason, permanent=exc.permanent) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(_describe(exc)) from None
        before_commit()
        try:
            smtp.send(b".\r\n")
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(_describe(exc)) from None
        try:
            code, text = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise InDoubt(_describe(exc)) from None
        if code != 250:
            raise _smtp_error(code, text)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
