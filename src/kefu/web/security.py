"""Security headers on every response, and the last line of defence for errors.

A pure ASGI middleware (not ``BaseHTTPMiddleware``) so it also covers static
files and streamed responses. It sits outside routing: an exception no
handler dealt with becomes a translated 500 page (or the JSON error body)
here, with the headers, and never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("kefu.web")

# No inline script anywhere (JS lives in static files). Inline *style* is allowed
# because ECharts and the API docs set style attributes on the elements they draw.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, hsts_max_age: int, secure: bool | None) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_max_age}; includeSubDomains"
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = self.secure if self.secure is not None else scope.get("scheme") == "https"
        # API answers carry personal data and results: no browser or proxy may keep them.
        api = str(scope.get("path", "")).startswith("/api/v1")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                if api:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                present = {k.lower() for k, _ in headers}
                extra = dict(HEADERS)
                if tls:
                    extra["strict-transport-security"] = self.hsts
                for name, value in extra.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            from kefu.web.errors import server_error_response

            response = server_error_response(Request(scope, receive))
            await response(scope, receive, send_with_headers)


def security_kwargs(settings: Any) -> dict[str, Any]:
    return {"hsts_max_age": settings.hsts_max_age, "secure": settings.secure_cookies}


class HeadAsGet:
    """Answers HEAD as the GET of the same URL without its body (RFC 9110 §9.3.2).

    FastAPI routes only the methods a route names, so monitors and link checkers
    probing a page with HEAD would get 405. The GET runs with all its checks.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
