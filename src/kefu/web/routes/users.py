"""User administration for admins: create, disable, enable, reset two-factor and
password, change role and scope.

Every change is a POST with the CSRF token and is audited by :mod:`kefu.users.service`;
the last active admin can be neither disabled nor demoted (``service.LastAdmin``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import UsageError
from kefu.users import service
from kefu.users.passwords import WeakPassword
from kefu.users.roles import Role
from kefu.web.deps import DB, AdminUser, client_ip
from kefu.web.nav import NavItem
from kefu.web.templating import flash, render

router = APIRouter()

nav = [NavItem("nav.users", "/admin/users", frozenset({Role.admin}))]


def _teams(text: str) -> list[str]:
    # Chinese input methods type the full-width comma.
    return text.replace("，", ",").split(",")


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
            teams=_teams(teams),
            ip=client_ip(request),
        )
    except UsageError as exc:
        return _page(request, user, db, error_key=_create_error_key(exc), form=form)
    response = RedirectResponse("/admin/users", status_code=303)
    flash(request, response, "users.created")
    return response


def _change(request: Request, user: AdminUser, db: DB, username: str, action: str) -> Response:
    target = service.get_user(db, username)
    if target.id == user.user_id and action == "disable":
        return _page(request, user, db, error_key="users.cannot_disable_self")
    ip = client_ip(request)
    if action == "disable":
        try:
            service.set_disabled(db, target, True, actor=user.actor, ip=ip)
        except service.LastAdmin:
            return _page(request, user, db, error_key="admin.users.last_admin")
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


# -- password and role -----------------------------------------------------------------
# The service's reasons are English sentences for the CLI; the page says them in the
# reader's language by their kind.
_ROLE_FIELD_ERRORS = (
    ("agent's id", "admin.users.needs_agent_id"),
    ("only an agent", "admin.users.agent_id_only_for_agents"),
    ("at least one team", "admin.users.needs_teams"),
    ("only a supervisor", "admin.users.teams_only_for_supervisors"),
)


def _create_error_key(exc: UsageError) -> str:
    if isinstance(exc, WeakPassword):
        return "admin.users.initial_password_weak"
    if "already exists" in exc.message:
        return "admin.users.exists"
    if "user name is" in exc.message:
        return "admin.users.bad_username"
    return _role_error_key(exc)


def _role_error_key(exc: UsageError) -> str:
    if isinstance(exc, service.LastAdmin):
        return "admin.users.last_admin"
    for fragment, key in _ROLE_FIELD_ERRORS:
        if fragment in exc.message:
            return key
    return "admin.users.role_refused"


@router.post("/admin/users/{username}/password")
def reset_password(
    request: Request,
    user: AdminUser,
    db: DB,
    username: str,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Set a temporary password (typed, or generated when left empty) and show it once.

    Every session and API token of the user ends with the old password. The admin's own
    password is changed on the account page, which asks for the current one.
    """
    target = service.get_user(db, username)
    if target.id == user.user_id:
        return _page(request, user, db, error_key="admin.users.own_password")
    generated = not password
    new = password or service.generate_password()
    try:
        service.set_password(db, target, new, actor=user.actor, ip=client_ip(request))
    except UsageError:
        return _page(request, user, db, error_key="admin.users.password_weak", focus=username)
    # Shown on this answer only (no-store, never in a redirect or a flash cookie).
    shown = {"username": target.username, "password": new if generated else None}
    return _page(request, user, db, password_set=shown)


@router.post("/admin/users/{username}/role")
def change_role(
    request: Request,
    user: AdminUser,
    db: DB,
    username: str,
    role: Annotated[str, Form(max_length=20)],
    agent_id: Annotated[str, Form(max_length=64)] = "",
    teams: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Change a user's role and scope (a supervisor's teams, an agent's id); audited."""
    target = service.get_user(db, username)
    try:
        new_role = service.parse_role(role)
        service.update_user(
            db,
            target,
            actor=user.actor,
            role=new_role,
            agent_id=agent_id.strip() if new_role is Role.agent else None,
            teams=_teams(teams) if new_role is Role.supervisor else [],
            ip=client_ip(request),
        )
    except UsageError as exc:  # raised before anything is changed
        return _page(request, user, db, error_key=_role_error_key(exc), focus=username)
    response = RedirectResponse("/admin/users", status_code=303)
    flash(request, response, "admin.users.role_changed")
    return response
