"""API schema families shared by the user resources (``UserPublic``, ``UserCreate`` …)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from kefu.users.models import ApiToken, User
from kefu.users.roles import Role


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every API error."""

    error: ErrorDetail


#: Declared on every router so the OpenAPI document shows the error body.
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "Not authenticated"},
    403: {"model": ErrorBody, "description": "Forbidden for this role, or CSRF token missing"},
    404: {"model": ErrorBody, "description": "Not found (or not visible to you)"},
    422: {"model": ErrorBody, "description": "Invalid request (the message names the rule)"},
}
#: Added by the routers whose operations can refuse a well-formed request (an unscored
#: period, a state change out of order, a scorecard with issues…): the KefuError answer.
BAD_REQUEST: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "Cannot be done as asked; the message says why"},
}


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str
    display_name: str
    role: Role
    agent_id: str | None
    teams: list[str]
    disabled: bool
    totp_enabled: bool
    locale: str | None
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls.model_validate(user)


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=64)
    role: Role
    password: str = Field(min_length=1, max_length=128)
    display_name: str | None = Field(default=None, max_length=100)
    agent_id: str | None = Field(default=None, max_length=64)
    teams: list[str] = Field(default_factory=list, max_length=100)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Role | None = None
    agent_id: str | None = Field(default=None, max_length=64)
    teams: list[str] | None = Field(default=None, max_length=100)
    disabled: StrictBool | None = None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    # None: the workspace's api_token_days (90 unless set).
    expires_in_days: StrictInt | None = Field(default=None, ge=1, le=3650)
    scope: Literal["read", "write"] = Field(
        default="write", description="read: GET only; write: everything the user may do"
    )


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    owner: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    scope: str

    @classmethod
    def of(cls, token: ApiToken, owner: str) -> TokenPublic:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            owner=owner,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            scope=token.scope,
        )


class TokenCreated(TokenPublic):
    token: str = Field(description="The token itself; shown only in this response.")
