"""Logging in (password, then TOTP when enabled), logging out, and the language switch."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.audit import record
from kefu.users import sessions, throttle, totp
from kefu.users.models import User, WebSession
from kefu.users.passwords import hash_password, needs_rehash, verify_password
from kefu.users.roles import TOTP_REQUIRED, Role
from kefu.users.service import record_login, set_locale
from kefu.web.deps import DB, AuthDep, client_ip, get_settings, get_ws, now, pending_session
from kefu.web.i18n import normalise_locale
from kefu.web.settings import LOCALE_COOKIE
from kefu.web.templating import (
    clear_session_cookie,
    flash,
    render,
    set_cookie,
    set_session_cookie,
)

router = APIRouter()


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a local path may be a redirect target (no open redirect, ASVS 5.1.5)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target


def _start(request: Request, db: Session, user: User, stage: str, response: Response) -> WebSession:
    row, sid = sessions.start(
        db,
        user,
        stage,
        now(request),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )
    set_session_cookie(request, response, sid)
    return row


def _after_password_stage(user: User) -> str:
    if user.totp_enabled:
        return sessions.STAGE_TOTP
    if Role(user.role) in TOTP_REQUIRED:
        return sessions.STAGE_ENROL
    return sessions.STAGE_FULL


def _login_page(
    request: Request, next_: str, error: str | None = None, status: int = 200, **extra: object
) -> Response:
    return render(
        request,
        "login.html",
        {"next": next_, "error": error, **extra},
        status_code=status,
    )


@router.get("/login")
def login_form(request: Request, auth: AuthDep, next: str | None = None) -> Response:
    if auth.principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: DB,
    auth: AuthDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = get_settings(request)
    at, ip, target = now(request), client_ip(request), safe_next(next)
    username = username.strip()
    # Counted before the (slow) password check, so parallel guesses cannot all slip through.
    keys = throttle.login_keys(username, ip, settings.throttle)
    wait = throttle.claim(get_ws(request).db, keys, at, settings.throttle)
    if wait:
        record(db, username[:100] or "-", "login.throttled", "user", username[:200], ip=ip)
        seconds = _seconds(wait)
        refused = _login_page(
            request, target, "login.throttled", 429, seconds=seconds, username=username
        )
        refused.headers["Retry-After"] = str(seconds)
        return refused
    user = db.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        reason = "unknown user" if user is None else "disabled" if ok else "wrong password"
        record(
            db,
            username[:100] or "-",
            "login.failure",
            "user",
            username[:200],
            after={"reason": reason},
            ip=ip,
        )
        return _login_page(request, target, "login.failed", 401, username=username)
    throttle.release(get_ws(request).db, keys)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # A new session id at every login: an id planted before login is useless (ASVS 3.2.1).
    if auth.session is not None:
        db.delete(auth.session)
    sessions.purge_expired(db, at, settings.timeouts)
    stage = _after_password_stage(user)
    if stage == sessions.STAGE_FULL:
        response: Response = RedirectResponse(target, status_code=303)
        record_login(db, user, at, ip)
    elif stage == sessions.STAGE_TOTP:
        response = RedirectResponse(f"/login/totp?next={_q(target)}", status_code=303)
    else:
        if not user.totp_secret:
            user.totp_secret = totp.new_secret()  # shown on the enrolment page
        response = RedirectResponse(f"/account/2fa?next={_q(target)}", status_code=303)
    _start(request, db, user, stage, response)
    return response


def _seconds(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds()))


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@router.get("/login/totp")
def totp_form(request: Request, auth: AuthDep, next: str | None = None) -> Response:
    if auth.session is None or auth.session.stage != sessions.STAGE_TOTP:
        return RedirectResponse("/login", status_code=303)
    return render(request, "login_totp.html", {"next": safe_next(next)})


@router.post("/login/totp")
def totp_verify(
    request: Request,
    db: DB,
    auth: AuthDep,
    code: Annotated[str, Form(max_length=20)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = get_settings(request)
    row = pending_session(auth)
    user = auth.user
    assert user is not None  # pending_session guarantees it
    target, at, ip = safe_next(next), now(request), client_ip(request)
    if row.stage != sessions.STAGE_TOTP or not user.totp_secret:
        return RedirectResponse("/login", status_code=303)
    # Counted per account across logins: a new password login does not reset it.
    keys = throttle.totp_keys(user.username, ip, settings.throttle)
    wait = throttle.claim(get_ws(request).db, keys, at, settings.throttle)
    if wait:
        seconds = _seconds(wait)
        refused = render(
            request,
            "login_totp.html",
            {"next": target, "error": "login.throttled", "seconds": seconds},
            status_code=429,
        )
        refused.headers["Retry-After"] = str(seconds)
        return refused
    step = totp.accept(user.totp_secret, code, at, user.totp_last_step)
    if step is None:
        record(
            db,
            user.username,
            "login.failure",
            "user",
            user.username,
            after={"reason": "wrong one-time code"},
            ip=ip,
        )
        return render(
            request,
            "login_totp.html",
            {"next": target, "error": "totp.failed"},
            status_code=401,
        )
    throttle.release(get_ws(request).db, keys)
    user.totp_last_step = step
    _, sid = sessions.rotate(db, row, sessions.STAGE_FULL, at)
    record_login(db, user, at, ip, second_factor="totp")
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, sid)
    return response


@router.post("/logout")
def logout(request: Request, db: DB, auth: AuthDep) -> Response:
    if auth.session is not None and auth.user is not None:
        record(db, auth.user.username, "logout", "user", auth.user.username, ip=client_ip(request))
        db.delete(auth.session)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    flash(request, response, "login.logged_out", "info")
    return response


@router.post("/lang")
def switch_language(
    request: Request,
    db: DB,
    auth: AuthDep,
    locale: Annotated[str, Form(max_length=10)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    chosen = normalise_locale(locale) or get_settings(request).default_locale
    if auth.principal is not None and auth.user is not None:
        set_locale(db, auth.user, chosen, actor=auth.user.username)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(request, response, LOCALE_COOKIE, chosen, max_age=365 * 24 * 3600)
    return response
