"""``/api/v1/users``: user administration (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from kefu.users import service
from kefu.web.api.schemas import BAD_REQUEST, ERRORS, UserCreate, UserPublic, UserUpdate
from kefu.web.deps import DB, AdminUser, client_ip

router = APIRouter(prefix="/users", tags=["users"], responses={**ERRORS, **BAD_REQUEST})


@router.get("", response_model=list[UserPublic], summary="All users")
def list_users(user: AdminUser, db: DB) -> list[UserPublic]:
    return [UserPublic.of(u) for u in service.list_users(db)]


@router.post("", response_model=UserPublic, status_code=201, summary="Create a user")
def create_user(body: UserCreate, user: AdminUser, db: DB, request: Request) -> UserPublic:
    created = service.create_user(
        db,
        body.username,
        body.role,
        body.password,
        actor=user.actor,
        display_name=body.display_name,
        agent_id=body.agent_id,
        teams=body.teams,
        ip=client_ip(request),
    )
    return UserPublic.of(created)


@router.get("/{username}", response_model=UserPublic, summary="One user")
def get_user(username: str, user: AdminUser, db: DB) -> UserPublic:
    return UserPublic.of(service.get_user(db, username))


@router.patch("/{username}", response_model=UserPublic, summary="Change a user")
def update_user(
    username: str, body: UserUpdate, user: AdminUser, db: DB, request: Request
) -> UserPublic:
    target = service.get_user(db, username)
    ip = client_ip(request)
    fields = body.model_fields_set - {"disabled"}
    if fields:
        service.update_user(
            db,
            target,
            actor=user.actor,
            display_name=body.display_name,
            role=body.role,
            agent_id=body.agent_id,
            teams=body.teams,
            ip=ip,
        )
    if body.disabled is not None and body.disabled != target.disabled:
        if target.id == user.user_id and body.disabled:
            from kefu.errors import UsageError

            raise UsageError("you cannot disable your own account")
        service.set_disabled(db, target, body.disabled, actor=user.actor, ip=ip)
    return UserPublic.of(target)
