"""Rendering pages: Jinja2 with the translator, navigation, CSRF token and flashes.

Routes call :func:`render`; every template extends ``base.html``::

    return render(request, "team.html", {"rows": rows}, user=user)
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from kefu.users.roles import Principal
from kefu.web.cookies import csrf_expected, secure_request, session_cookie_name
from kefu.web.i18n import LANGUAGE_NAMES, LOCALES, Translator, normalise_locale
from kefu.web.settings import LOCALE_COOKIE, PRELOGIN_COOKIE
from kefu.web.team_ids import team_url

TEMPLATES = Path(__file__).parent / "templates"
FLASH_COOKIE = "kefu_flash"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["languages"] = [(code, LANGUAGE_NAMES[code]) for code in LOCALES]
    # Root-relative URLs: correct behind a TLS-terminating proxy, unlike url_for's absolute ones.
    templates.env.globals["static"] = lambda path: f"/static/{path}"
    templates.env.globals["team_url"] = team_url
    return templates


def request_locale(request: Request, user: Principal | None = None) -> str:
    """The user's saved language, else the language cookie, else the default (zh-CN)."""
    if user is None:
        auth = getattr(request.state, "auth", None)
        user = auth.principal if auth is not None else None
    if user is not None and user.locale:
        return user.locale
    return (
        normalise_locale(request.cookies.get(LOCALE_COOKIE))
        or request.app.state.settings.default_locale
    )


def translator(request: Request, user: Principal | None = None) -> Translator:
    return Translator(request_locale(request, user), request.app.state.ws.timezone)


def set_cookie(request: Request, response: Response, name: str, value: str, **kw: Any) -> None:
    """Cookies are HttpOnly, SameSite=Lax and Secure over TLS unless said otherwise."""
    kw.setdefault("httponly", True)
    kw.setdefault("samesite", "lax")
    response.set_cookie(name, value, secure=secure_request(request), path="/", **kw)


def set_session_cookie(request: Request, response: Response, sid: str) -> None:
    set_cookie(request, response, session_cookie_name(request), sid)


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        session_cookie_name(request), path="/", secure=secure_request(request), httponly=True
    )


def flash(request: Request, response: Response, key: str, level: str = "success") -> None:
    """Show the message ``key`` (an i18n key) on the next page rendered."""
    current = _read_flashes(request)
    current.append([level, key])
    set_cookie(request, response, FLASH_COOKIE, json.dumps(current[-5:]), max_age=120)


def _read_flashes(request: Request) -> list[list[str]]:
    try:
        data = json.loads(request.cookies.get(FLASH_COOKIE) or "[]")
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [
        [str(item[0]), str(item[1])]
        for item in data
        if isinstance(item, list) and len(item) == 2 and item[0] in ("success", "error", "info")
    ]


def _badges(request: Request, nav: list[Any], user: Principal | None) -> dict[str, int]:
    """The counts beside navigation entries; a page still renders when they cannot be read."""
    if user is None or not any(item.badge for item in nav):
        return {}
    try:
        with request.app.state.ws.db.session() as s:
            return {item.href: item.badge(s, user) for item in nav if item.badge}
    except Exception:
        return {}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: Principal | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` in the request's language with the layout's context."""
    auth = getattr(request.state, "auth", None)
    if user is None and auth is not None:
        user = auth.principal
    tr = translator(request, user)
    csrf = csrf_expected(request, auth.csrf_token) if auth is not None else None
    new_prelogin = None
    if csrf is None:
        csrf = request.cookies.get(PRELOGIN_COOKIE)
        if not csrf:
            csrf = new_prelogin = secrets.token_urlsafe(32)
    nav = [item for item in request.app.state.nav if user is not None and item.visible_to(user)]
    badges = _badges(request, nav, user)
    flashes = _read_flashes(request)
    ctx: dict[str, Any] = {
        "request": request,
        "user": user,
        "nav": nav,
        "nav_badges": badges,
        "path": request.url.path,
        "csrf_token": csrf,
        "flashes": flashes,
        **tr.globals(),
        **(context or {}),
    }
    response = request.app.state.templates.TemplateResponse(
        request, template, ctx, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    if new_prelogin:
        set_cookie(request, response, PRELOGIN_COOKIE, new_prelogin, samesite="strict")
    if flashes:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
