"""``/api/v1/tokens``: the authenticated user's own API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from kefu.users import service
from kefu.users.roles import Forbidden
from kefu.web.api.schemas import BAD_REQUEST, ERRORS, TokenCreate, TokenCreated, TokenPublic
from kefu.web.deps import DB, CurrentUser, Ws, client_ip
from kefu.web.params import IdPath

router = APIRouter(prefix="/tokens", tags=["tokens"], responses={**ERRORS, **BAD_REQUEST})


@router.get("", response_model=list[TokenPublic], summary="My API tokens")
def list_tokens(user: CurrentUser, db: DB) -> list[TokenPublic]:
    me = service.get_user(db, user.username)
    return [TokenPublic.of(t, owner) for t, owner in service.list_tokens(db, me)]


@router.post("", response_model=TokenCreated, status_code=201, summary="Create an API token")
def create_token(
    body: TokenCreate, user: CurrentUser, db: DB, ws: Ws, request: Request
) -> TokenCreated:
    """Needs a browser session: a token cannot mint tokens (one leaked token would
    otherwise outlive its own revocation through the tokens it made)."""
    if user.via == "token":
        raise Forbidden("API tokens are created from a login session, not with a token")
    me = service.get_user(db, user.username)
    token, secret = service.create_token(
        db,
        me,
        body.name,
        actor=user.actor,
        expires_in_days=body.expires_in_days or ws.settings.api_token_days,
        scope=body.scope,
        ip=client_ip(request),
    )
    return TokenCreated(**TokenPublic.of(token, me.username).model_dump(), token=secret)


@router.delete("/{token_id}", status_code=204, summary="Revoke one of my API tokens")
def revoke_token(token_id: IdPath, user: CurrentUser, db: DB, request: Request) -> Response:
    me = service.get_user(db, user.username)
    service.revoke_token(db, token_id, actor=user.actor, owner=me, ip=client_ip(request))
    return Response(status_code=204)
