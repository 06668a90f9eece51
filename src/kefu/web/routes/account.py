"""The signed-in user's own account: password, two-factor enrolment, API tokens."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kefu.audit import record
from kefu.errors import UsageError
from kefu.users import service, sessions, totp
from kefu.users.models import User, WebSession
from kefu.users.passwords import verify_password
from kefu.users.roles import NotAuthenticated
from kefu.web.deps import DB, Auth, AuthDep, CurrentUser, client_ip, get_ws, now
from kefu.web.params import IdPath
from kefu.web.routes.auth import safe_next
from kefu.web.templating import (
    flash,
    render,
    set_session_cookie,
)

router = APIRouter()


def _account_context(request: Request, db: Session, auth: Auth, username: str) -> dict[str, object]:
    me = service.get_user(db, username)
    return {
        "me": me,
        "tokens": [t for t, _ in service.list_tokens(db, me)],
        "sessions": sessions.of_user(db, me.id),
        "current_session": auth.session.id_hash if auth.session else None,
        "token_days": get_ws(request).settings.api_token_days,
    }


@router.get("/account")
def account(request: Request, user: CurrentUser, db: DB, auth: AuthDep) -> Response:
    return render(
        request, "account.html", _account_context(request, db, auth, user.username), user=user
    )


@router.post("/account/tokens")
def create_token(
    request: Request,
    user: CurrentUser,
    db: DB,
    auth: AuthDep,
    name: Annotated[str, Form(max_length=100)],
    # Text, not int: the form's empty field means "until revoked".
    days: Annotated[str, Form(max_length=5)] = "",
    scope: Annotated[str, Form(max_length=10)] = "write",
) -> Response:
    """Create an API token; the page shows it this once (it is stored hashed)."""
    me = service.get_user(db, user.username)
    try:
        if days.strip() and not days.strip().isdigit():
            raise UsageError("the number of days must be a whole number")
        expires = int(days) if days.strip() else get_ws(request).settings.api_token_days
        _, secret = service.create_token(
            db,
            me,
            name,
            actor=user.actor,
            expires_in_days=expires,
            scope=scope,
            ip=client_ip(request),
        )
    except UsageError as exc:
        ctx = {**_account_context(request, db, auth, user.username), "token_error": exc.message}
        return render(request, "account.html", ctx, user=user, status_code=400)
    ctx = {**_account_context(request, db, auth, user.username), "new_token": secret}
    return render(request, "account.html", ctx, user=user)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, user: CurrentUser, db: DB, token_id: IdPath) -> Response:
    me = service.get_user(db, user.username)
    service.revoke_token(db, token_id, actor=user.actor, owner=me, ip=client_ip(request))
    response = RedirectResponse("/account", status_code=303)
    flash(request, response, "tokens.revoked_done")
    return response


@router.post("/account/sessions/end-others")
def end_other_sessions(
    request: Request,
    user: CurrentUser,
    db: DB,
    auth: AuthDep,
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Log out every other browser (ASVS 3.3.4), after the password is given again."""
    me = service.get_user(db, user.username)
    if auth.session is None or not verify_password(me.password_hash, password):
        ctx = {
            **_account_context(request, db, auth, user.username),
            "sessions_error": "account.password_wrong",
        }
        return render(request, "account.html", ctx, user=user, status_code=400)
    ended = sessions.end_others(db, me.id, auth.session)
    record(db, user.actor, "user.end_sessions", "user", me.username, after={"ended": ended},
           ip=client_ip(request))  # fmt: skip
    response = RedirectResponse("/account", status_code=303)
    flash(request, response, "account.sessions_ended")
    return response


@router.post("/account/password")
def change_password(
    request: Request,
    user: CurrentUser,
    db: DB,
    auth: AuthDep,
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    confirm: Annotated[str, Form(max_length=1024)],
) -> Response:
    me = service.get_user(db, user.username)

    def again(error: str, detail: str | None = None) -> Response:
        ctx = {
            **_account_context(request, db, auth, user.username),
            "pw_error": error,
            "pw_detail": detail,
        }
        return render(request, "account.html", ctx, user=user, status_code=400)

    if not verify_password(me.password_hash, current):
        return again("account.password_wrong")
    if new != confirm:
        return again("account.password_mismatch")
    try:
        service.set_password(db, me, new, actor=user.actor, ip=client_ip(request))
    except UsageError as exc:
        return again("account.password_weak", exc.message)
    # Every session ended with the change; this browser continues in a fresh one.
    _, sid = sessions.start(
        db,
        me,
        sessions.STAGE_FULL,
        now(request),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )
    response = RedirectResponse("/account", status_code=303)
    set_session_cookie(request, response, sid)
    flash(request, response, "account.password_changed")
    return response


def _enrol_user(auth: Auth) -> tuple[WebSession, User]:
    """The session and user of a signed-in user, or of a login waiting for enrolment."""
    if auth.session is None or auth.user is None:
        raise NotAuthenticated("please log in")
    if auth.session.stage not in (sessions.STAGE_ENROL, sessions.STAGE_FULL):
        raise NotAuthenticated("please log in")
    return auth.session, auth.user


@router.get("/account/2fa")
def totp_enrol_form(request: Request, db: DB, auth: AuthDep, next: str | None = None) -> Response:
    row, me = _enrol_user(auth)
    forced = row.stage == sessions.STAGE_ENROL
    ctx: dict[str, object] = {"next": safe_next(next), "me": me, "forced": forced}
    if not me.totp_enabled and me.totp_secret:
        uri = totp.provisioning_uri(me.totp_secret, me.username)
        ctx.update(secret=me.totp_secret, uri=uri, qr=totp.qr_svg(uri))
    return render(request, "enrol.html", ctx, user=auth.principal)


@router.post("/account/2fa/start")
def totp_enrol_start(
    request: Request,
    db: DB,
    auth: AuthDep,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Create the secret to enrol (a POST: no state changes on GET).

    The secret is kept until confirmed, so reloading the page shows the same
    QR code; starting again replaces an unconfirmed secret.
    """
    _, me = _enrol_user(auth)
    service.start_totp(me)
    return RedirectResponse(f"/account/2fa?next={quote(safe_next(next), safe='')}", status_code=303)


@router.post("/account/2fa")
def totp_enrol(
    request: Request,
    db: DB,
    auth: AuthDep,
    code: Annotated[str, Form(max_length=20)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    row, me = _enrol_user(auth)
    forced = row.stage == sessions.STAGE_ENROL
    target, at, ip = safe_next(next), now(request), client_ip(request)
    if me.totp_enabled or not me.totp_secret:
        return RedirectResponse("/account/2fa", status_code=303)
    if not service.enable_totp(db, me, code, at, ip=ip):
        uri = totp.provisioning_uri(me.totp_secret, me.username)
        ctx = {
            "next": target,
            "me": me,
            "secret": me.totp_secret,
            "uri": uri,
            "qr": totp.qr_svg(uri),
            "error": "totp.failed",
            "forced": forced,
        }
        return render(request, "enrol.html", ctx, user=auth.principal, status_code=400)
    _, sid = sessions.rotate(db, row, sessions.STAGE_FULL, at)
    if forced:
        service.record_login(db, me, at, ip, second_factor="totp-enrolled")
    response = RedirectResponse(target if forced else "/account", status_code=303)
    set_session_cookie(request, response, sid)
    flash(request, response, "totp.enabled")
    return response
