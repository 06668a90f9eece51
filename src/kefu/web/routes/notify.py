"""Notifications: each user's list (read when opened) and the administrator's 通知 page.

The administrator's page sets up channels (secrets never shown again, only a
fingerprint), their events, sends a test, and lists the dead letters and
unconfirmed sends with a resend button.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kefu.notify import service
from kefu.notify.channels import ChannelError, ChannelSpec, public
from kefu.notify.config import base_url
from kefu.notify.messages import LOCALES
from kefu.notify.models import ChannelKind, ScopeKind
from kefu.notify.routing import PERSONAL_ONLY, TOPICS
from kefu.users import service as users
from kefu.users.roles import Role
from kefu.web.deps import DB, AdminUser, CurrentUser, Ws, now
from kefu.web.nav import NavItem
from kefu.web.params import IdPath
from kefu.web.templating import flash, render, translator

router = APIRouter()
Now = Annotated[datetime, Depends(now)]

nav = [NavItem("nav.notify", "/admin/notify", frozenset({Role.admin}))]


# -- every user's notifications ---------------------------------------------------------
@router.get("/notifications")
def notifications_page(request: Request, user: CurrentUser, db: DB) -> Response:
    ctx = {
        "notices": service.notices_of(db, user),
        "unread": service.unread_count(db, user.user_id),
        "address": service.address_of(db, user.user_id) or "",
    }
    return render(request, "notify/notifications.html", ctx, user=user)


@router.post("/notifications/{notification_id}/open")
def open_notification(
    request: Request, user: CurrentUser, db: DB, at: Now, notification_id: IdPath
) -> Response:
    return RedirectResponse(service.open_notice(db, user, notification_id, at), status_code=303)


@router.post("/notifications/read-all")
def read_all(request: Request, user: CurrentUser, db: DB, at: Now) -> Response:
    service.read_all(db, user, at)
    response = RedirectResponse("/notifications", status_code=303)
    flash(request, response, "notify.inbox.all_read")
    return response


@router.post("/notifications/address")
def set_address(
    request: Request, user: CurrentUser, db: DB, email: Annotated[str, Form(max_length=254)] = ""
) -> Response:
    try:
        service.set_address(db, users.get_user(db, user.username), email, user.actor)
    except ChannelError as exc:
        ctx = {
            "notices": service.notices_of(db, user),
            "unread": service.unread_count(db, user.user_id),
            "address": email,
            "error_key": exc.key,
            "error_params": exc.params,
        }
        return render(request, "notify/notifications.html", ctx, user=user, status_code=400)
    response = RedirectResponse("/notifications", status_code=303)
    flash(request, response, "notify.inbox.address_saved")
    return response


# -- the administrator's page -----------------------------------------------------------
def _admin_page(
    request: Request, ws: Ws, user: AdminUser, *, status: int = 200, **extra: object
) -> Response:
    ctx = {
        "channels": [public(c) for c in service.list_channels(ws)],
        "attention": service.attention(ws, limit=200),
        "kinds": [k.value for k in ChannelKind],
        "scopes": [s.value for s in ScopeKind],
        "topics": list(TOPICS),
        "personal_only": PERSONAL_ONLY,
        "locales": LOCALES,
        "base_url": base_url(ws),
        "form": {},
        **extra,
    }
    return render(request, "notify/admin.html", ctx, user=user, status_code=status)


@router.get("/admin/notify")
def admin_page(request: Request, ws: Ws, user: AdminUser) -> Response:
    return _admin_page(request, ws, user)


@router.post("/admin/notify/channels")
async def add_channel(request: Request, ws: Ws, user: AdminUser) -> Response:
    form = await request.form()

    def field(name: str, limit: int = 2000) -> str:
        value = form.get(name)
        return value.strip()[:limit] if isinstance(value, str) else ""

    events = [str(v) for v in form.getlist("events")]
    port = field("port", 5)
    password = form.get("password")
    spec = ChannelSpec(
        kind=field("kind", 20),
        name=field("name", 200),
        events=events,
        scope_kind=field("scope_kind", 10) or "centre",
        scope=field("scope", 200) or None,
        locale=field("locale", 10) or "zh-CN",
        webhook=field("webhook"),
        signing_secret=field("signing_secret", 500),
        host=field("host", 255),
        port=int(port) if port.isdigit() else 0,
        security=field("security", 10) or "starttls",
        username=field("username", 254),
        password=password if isinstance(password, str) else "",
        sender=field("sender", 254),
        sender_name=field("sender_name", 100),
        recipients=[r for r in field("recipients").replace("，", ",").split(",") if r.strip()],
        personal=field("personal") == "on",
        ca_file=field("ca_file", 500),
    )
    try:
        # The form is read on the event loop; the store is written on a worker thread.
        await run_in_threadpool(service.add_channel, ws, spec, user.actor)
    except ChannelError as exc:
        # The form comes back without its secrets: they are never written into a page.
        shown = {k: field(k) for k in ("kind", "name", "scope_kind", "scope", "locale", "host",
                                       "port", "security", "username", "sender", "sender_name",
                                       "recipients", "ca_file")}  # fmt: skip
        shown["events"] = events  # type: ignore[assignment]
        return await run_in_threadpool(
            _admin_page, request, ws, user, status=400, form=shown, error_key=exc.key,
            error_params=exc.params,
        )  # fmt: skip
    response = RedirectResponse("/admin/notify", status_code=303)
    flash(request, response, "notify.added")
    return response


@router.post("/admin/notify/channels/{channel_id}/events")
async def set_events(request: Request, ws: Ws, user: AdminUser, channel_id: IdPath) -> Response:
    form = await request.form()
    topics = [str(v) for v in form.getlist("events")]
    try:
        await run_in_threadpool(service.set_topics, ws, channel_id, topics, user.actor)
    except ChannelError as exc:
        return await run_in_threadpool(
            _admin_page, request, ws, user, status=400, error_key=exc.key, error_params=exc.params
        )
    response = RedirectResponse("/admin/notify", status_code=303)
    flash(request, response, "notify.events_saved")
    return response


@router.post("/admin/notify/channels/{channel_id}/test")
def test_channel(request: Request, ws: Ws, user: AdminUser, channel_id: IdPath) -> Response:
    try:
        result = service.try_channel(ws, channel_id, user.actor)
    except ChannelError as exc:
        return _admin_page(request, ws, user, status=400, error_key=exc.key,
                           error_params=exc.params)  # fmt: skip
    if not result.ok:
        message = translator(request, user)("notify.test_failed", error=result.error)
        return _admin_page(request, ws, user, status=400, error=message)
    response = RedirectResponse("/admin/notify", status_code=303)
    flash(request, response, "notify.test_ok")
    return response


@router.post("/admin/notify/channels/{channel_id}/remove")
def remove_channel(request: Request, ws: Ws, user: AdminUser, channel_id: IdPath) -> Response:
    service.remove_channel(ws, channel_id, user.actor)
    response = RedirectResponse("/admin/notify", status_code=303)
    flash(request, response, "notify.removed")
    return response


@router.post("/admin/notify/deliveries/{delivery_id}/resend")
def resend(request: Request, ws: Ws, user: AdminUser, delivery_id: IdPath) -> Response:
    try:
        service.resend(ws, delivery_id, user.actor)
    except ChannelError as exc:
        return _admin_page(request, ws, user, status=400, error_key=exc.key,
                           error_params=exc.params)  # fmt: skip
    response = RedirectResponse("/admin/notify", status_code=303)
    flash(request, response, "notify.resent")
    return response
