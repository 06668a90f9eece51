"""``/api/v1/me``: the authenticated user."""

from __future__ import annotations

from fastapi import APIRouter

from kefu.users import service
from kefu.web.api.schemas import ERRORS, UserPublic
from kefu.web.deps import DB, CurrentUser

router = APIRouter(tags=["me"], responses=ERRORS)


@router.get("/me", response_model=UserPublic, summary="The authenticated user")
def me(user: CurrentUser, db: DB) -> UserPublic:
    return UserPublic.of(service.get_user(db, user.username))
