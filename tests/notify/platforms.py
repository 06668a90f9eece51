"""Stand-ins for 企业微信, 钉钉, 飞书 and an SMTP server, on 127.0.0.1 only.

:class:`Platforms` is one HTTP server playing the three robots. It checks each
request exactly as the platforms document it, computing the signatures here
from the documented recipe (not from Kefu's code):

* 企业微信 ``POST /cgi-bin/webhook/send?key=KEY``: ``{"msgtype": "markdown",
  "markdown": {"content": …}}``, content at most 4096 UTF-8 bytes; answers
  ``{"errcode": 0, "errmsg": "ok"}``, a wrong key ``93000``.
* 钉钉 ``POST /robot/send?access_token=T&timestamp=MS&sign=S``: ``S`` is
  ``urlEncode(base64(HmacSHA256(secret, MS + "\\n" + secret)))``, MS within an
  hour; ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; answers
  ``{"errcode": 0}``, a bad signature ``310000``.
* 飞书 ``POST /open-apis/bot/v2/hook/ID``: body ``timestamp`` (seconds, a
  string) and ``sign`` = ``base64(HmacSHA256(key=timestamp + "\\n" + secret,
  msg=""))``; ``{"msg_type": "post", "content": {"post": {"zh_cn": {…}}}}``;
  answers ``{"code": 0, "msg": "success"}``, a bad signature ``19021``.

A request is acted on only when its whole body arrived (as any HTTP server
does); each accepted message is recorded with its ``X-Kefu-Message-Id``.
``answers`` queues special answers (rate limits, errors, a dropped connection).

:class:`Mailbox` is a real SMTP server (aiosmtpd) with STARTTLS or implicit TLS
and a login, keeping every message it accepted.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "d1ngta1kt0ken"
DINGTALK_SECRET = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
FEISHU_HOOK = "6a2f9c1e-0b7d-4f5e-9a3c-2d1e8f7b6c5a"
FEISHU_SECRET = "fe1shuS1gnS3cret"


@dataclass
class Received:
    platform: str
    message_id: str | None
    event: str | None
    body: dict[str, Any]
    query: dict[str, list[str]]

    @property
    def text(self) -> str:
        """Everything a person reads in the message, as one string."""
        if self.platform == "wecom":
            return str(self.body["markdown"]["content"])
        if self.platform == "dingtalk":
            return f"{self.body['markdown']['title']}\n{self.body['markdown']['text']}"
        post = next(iter(self.body["content"]["post"].values()))
        parts = [post["title"]]
        for paragraph in post["content"]:
            for item in paragraph:
                parts.append(item.get("text", ""))
                parts.append(item.get("href", ""))
        return "\n".join(parts)


def dingtalk_expected_sign(timestamp: str, secret: str = DINGTALK_SECRET) -> str:
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, digestmod=hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_expected_sign(timestamp: str, secret: str = FEISHU_SECRET) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", digestmod=hashlib.sha256).digest()).decode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        data = b""
        while len(data) < length:
            chunk = self.rfile.read(length - len(data))
            if not chunk:
                return  # the client went away mid-request: nothing happened
            data += chunk
        platforms = self.server.platforms
        if platforms.delay:
            time.sleep(platforms.delay)
        special = platforms.next_answer()
        if special == "drop":
            platforms.record(self, data)  # it acted, then the answer was lost
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if special is not None:
            status, body = special
            self._answer(status, body)
            return
        verdict = platforms.judge(self, data)
        if verdict is None:
            platforms.record(self, data)
            ok = {"code": 0, "msg": "success", "data": {}} if "/open-apis/" in self.path else (
                {"errcode": 0, "errmsg": "ok"}
            )  # fmt: skip
            self._answer(200, ok)
        else:
            platforms.refused.append((self.path, verdict))
            self._answer(200, verdict)

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    platforms: Platforms

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request (the kill test): nothing to report


@dataclass
class Platforms:
    """The three robot platforms on one loopback port."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answers: deque[Any] = field(default_factory=deque)
    log_file: Path | None = None  # append every accepted message id (the kill test)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.platforms = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def wecom_webhook(self) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={WECOM_KEY}"

    @property
    def dingtalk_webhook(self) -> str:
        return f"{self.url}/robot/send?access_token={DINGTALK_TOKEN}"

    @property
    def feishu_webhook(self) -> str:
        return f"{self.url}/open-apis/bot/v2/hook/{FEISHU_HOOK}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_answer(self) -> Any:
        with self._lock:
            return self.answers.popleft() if self.answers else None

    def of(self, platform: str) -> list[Received]:
        return [r for r in self.received if r.platform == platform]

    # -- the platforms' checks ------------------------------------------------------------
    def judge(self, handler: _Handler, data: bytes) -> dict[str, Any] | None:
        """None when the request is exactly as documented, else the platform's refusal."""
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        assert handler.headers.get("Content-Type", "").startswith("application/json")
        body = json.loads(data.decode("utf-8"))
        if parts.path == "/cgi-bin/webhook/send":
            if query.get("key") != [WECOM_KEY]:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
            assert set(body["markdown"]) == {"content"}
            assert len(body["markdown"]["content"].encode("utf-8")) <= 4096
            return None
        if parts.path == "/robot/send":
            assert query.get("access_token") == [DINGTALK_TOKEN]
            timestamp = query["timestamp"][0]
            # parse_qs decoded the query once; the platform compares the URL-encoded form.
            raw_sign = dict(p.split("=", 1) for p in parts.query.split("&"))["sign"]
            fresh = abs(int(timestamp) - time.time() * 1000) < 3_600_000
            if raw_sign != dingtalk_expected_sign(timestamp) or not fresh:
                return {"errcode": 310000, "errmsg": "sign not match"}
            assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
            return None
        if parts.path == f"/open-apis/bot/v2/hook/{FEISHU_HOOK}":
            timestamp = body.get("timestamp")
            assert isinstance(timestamp, str) and timestamp.isdigit()
            fresh = abs(int(timestamp) - time.time()) < 3600
            if body.get("sign") != feishu_expected_sign(timestamp) or not fresh:
                return {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
            assert body["msg_type"] == "post"
            post = body["content"]["post"]
            assert set(post) <= {"zh_cn", "en_us"} and len(post) == 1
            content = next(iter(post.values()))
            assert isinstance(content["title"], str) and content["content"]
            for paragraph in content["content"]:
                for item in paragraph:
                    assert item["tag"] in ("text", "a")
            return None
        return {"errcode": 404, "errmsg": f"no such robot {parts.path}"}

    def record(self, handler: _Handler, data: bytes) -> None:
        parts = urlsplit(handler.path)
        platform = {"/cgi-bin/webhook/send": "wecom", "/robot/send": "dingtalk"}.get(
            parts.path, "feishu"
        )
        got = Received(
            platform,
            handler.headers.get("X-Kefu-Message-Id"),
            handler.headers.get("X-Kefu-Event"),
            json.loads(data.decode("utf-8")),
            parse_qs(parts.query),
        )
        with self._lock:
            self.received.append(got)
            if self.log_file is not None:
                with self.log_file.open("a") as f:
                    f.write(f"{got.platform} {got.message_id}\n")


# -- SMTP ---------------------------------------------------------------------------------
SMTP_USER = "kefu@example.com"
SMTP_PASSWORD = "smtp-Pa55word"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that the client is told to trust (its own CA)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Collector:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.SMTP)
        with self.box.lock:
            self.box.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
            if self.box.log_file is not None:
                with self.box.log_file.open("a") as f:
                    f.write(f"email {message['Message-ID']}\n")
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """An SMTP server on 127.0.0.1 demanding TLS (``starttls`` or ``tls``) and a login."""

    def __init__(self, folder: Path, security: str = "starttls", log_file: Path | None = None):
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.cert, key = self_signed(folder)
        self.security = security
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.log_file = log_file
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, key)

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any):  # type: ignore[no-untyped-def]
            ok = (
                isinstance(auth, LoginPassword)
                and auth.login.decode() == SMTP_USER
                and auth.password.decode() == SMTP_PASSWORD
            )
            return AuthResult(success=ok, handled=False)

        kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_required": True}
        if security == "tls":
            kwargs["ssl_context"] = context
            kwargs["auth_require_tls"] = False  # the whole connection is TLS already
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
        self.port = _free_port()
        self.controller = Controller(
            _Collector(self), hostname="127.0.0.1", port=self.port, **kwargs
        )
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]
