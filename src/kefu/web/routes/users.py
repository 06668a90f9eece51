"""User administration for admins: create, disable, enable, reset two-factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import UsageError
from kefu.users import service
from kefu.users.roles import Role
from kefu.web.deps import DB, AdminUser, client_ip
from kefu.web.nav import NavItem
from kefu.web.templating import flash, render

router = APIRouter()

nav = [NavItem("nav.users", "/admin/users", frozenset({Role.admin}))]


def _page(request: Request, user: AdminUser, db: DB, **extra: object) -> Response:
    status = 400 if extra.get("error") or extra.get("error_key") else 200
    ctx = {"users": service.list_users(db), "roles": list(Role), **extra}
    return render(request, "users.html", ctx, user=user, status_code=status)


@router.get("/admin/users")
def users_page(request: Request, user: AdminUser, db: DB) -> Response:
    return _page(request, user, db)


@router.post("/admin/users")
def create_user(
    request: Request,
    user: AdminUser,
    db: DB,
    username: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=1024)],
    display_name: Annotated[str, Form(max_length=100)] = "",
    agent_id: Annotated[str, Form(max_length=64)] = "",
    teams: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    form = {
        "username": username,
        "role": role,
        "display_name": display_name,
        "agent_id": agent_id,
        "teams": teams,
    }
    try:
        service.create_user(
            db,
            username.strip(),
            service.parse_role(role),
            password,
            actor=user.actor,
            display_name=display_name.strip() or None,
            agent_id=agent_id.strip() or None,
            teams=[t for t in teams.replace("，", ",").split(",")],
            ip=client_ip(request),
        )
    except UsageError as exc:
        return _page(request, user, db, error=exc.message, form=form)
    response = RedirectResponse("/admin/users", status_code=303)
    flash(request, response, "users.created")
    return response


def _change(request: Request, user: AdminUser, db: DB, username: str, action: str) -> Response:
    target = service.get_user(db, username)
    if target.id == user.user_id and action == "disable":
        return _page(request, user, db, error_key="users.cannot_disable_self")
    ip = client_ip(request)
    if action == "disable":
        service.set_disabled(db, target, True, actor=user.actor, ip=ip)
    elif action == "enable":
        service.set_disabled(db, target, False, actor=user.actor, ip=ip)
    else:
        service.reset_totp(db, target, actor=user.actor, ip=ip)
    response = RedirectResponse("/admin/users", status_code=303)
    flash(request, response, f"users.{action}_done")
    return response


@router.post("/admin/users/{username}/disable")
def disable_user(request: Request, user: AdminUser, db: DB, username: str) -> Response:
    return _change(request, user, db, username, "disable")


@router.post("/admin/users/{username}/enable")
def enable_user(request: Request, user: AdminUser, db: DB, username: str) -> Response:
    return _change(request, user, db, username, "enable")


@router.post("/admin/users/{username}/reset-2fa")
def reset_2fa(request: Request, user: AdminUser, db: DB, username: str) -> Response:
    return _change(request, user, db, username, "reset_2fa")
