"""Which cookies a request carries and expects: the session cookie's name, the CSRF token.

Shared by the dependencies that authenticate a request (``kefu.web.deps``) and
the rendering of pages (``kefu.web.templating``), so neither imports the other.
"""

from __future__ import annotations

from fastapi import Request

from kefu.web.settings import PRELOGIN_COOKIE, SESSION_COOKIE


def secure_request(request: Request) -> bool:
    forced: bool | None = request.app.state.settings.secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    """``__Host-kefu_session`` over TLS: the prefix makes browsers refuse the cookie unless
    it is Secure, host-only and path ``/``, so a sibling domain cannot plant or shadow it."""
    return f"__Host-{SESSION_COOKIE}" if secure_request(request) else SESSION_COOKIE


def csrf_expected(request: Request, session_token: str | None) -> str | None:
    """The token this request's forms must carry: the session's, else the pre-login one."""
    if session_token is not None:
        return session_token
    return request.cookies.get(PRELOGIN_COOKIE)
