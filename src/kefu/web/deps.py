"""Typed dependencies for routes: the workspace, a database session, the user.

Pages and API routes declare what they need in their signature::

    @router.get("/agents/{agent_id}")
    def agent_sheet(agent_id: str, user: CurrentUser, db: DB, request: Request): ...

    @router.post("/admin/thing")
    def change(user: Annotated[Principal, Depends(require_roles(Role.admin))]): ...

``CurrentUser`` answers 401 (API) or redirects to the login page (pages)
without a valid session or token; ``require_roles`` answers 403 for other
roles; ``user.ensure(user.can_view_agent(a, team))`` answers 404 for a
foreign object. CSRF is checked for every router registered in ``create_app``.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from kefu.users import service, sessions
from kefu.users.models import User, WebSession
from kefu.users.roles import Forbidden, NotAuthenticated, Principal, Role
from kefu.web.cookies import csrf_expected, session_cookie_name
from kefu.web.settings import WebSettings
from kefu.workspace import Workspace

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class CsrfError(Forbidden):
    """The form or request carries no valid CSRF token (HTTP 403)."""


def get_ws(request: Request) -> Workspace:
    return request.app.state.ws


def get_settings(request: Request) -> WebSettings:
    return request.app.state.settings


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One application-store session per request, committed when the route returns.

    Entered here, on the request's own context, so that the code the route calls
    (on a worker thread, which copies the context) finds it through
    ``ws.db.session()`` / ``ws.db.transaction()`` instead of taking a second
    connection from the pool. Opening and committing touch the database: they
    run on a worker thread, never on the event loop.
    """
    manager = get_ws(request).db.request_session()
    session = manager.__enter__()
    try:
        yield session
    except BaseException as exc:
        if not await run_in_threadpool(manager.__exit__, type(exc), exc, exc.__traceback__):
            raise
    else:
        await run_in_threadpool(manager.__exit__, None, None, None)


Ws = Annotated[Workspace, Depends(get_ws)]
Settings = Annotated[WebSettings, Depends(get_settings)]
# scope="function": commit before the response is sent, so the next request sees the write
# and a failed commit is reported instead of silently lost.
DB = Annotated[Session, Depends(db_session, scope="function")]


def now(request: Request) -> datetime:
    return get_settings(request).clock()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


@dataclass
class Auth:
    """What authenticated this request (cached on ``request.state.auth``)."""

    principal: Principal | None
    session: WebSession | None = None  # the browser session, also when not yet full
    user: User | None = None
    # Copied out of the row: error pages render after the transaction is rolled back.
    csrf_token: str | None = None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


# Declared so the OpenAPI document offers bearer authentication ("Authorize" in the docs);
# the header itself is read by resolve_auth.
_bearer_scheme = HTTPBearer(auto_error=False, description="An API token: kefu_…")


def resolve_auth(
    request: Request,
    db: DB,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)] = None,
) -> Auth:
    """Find the session (cookie) or, on the API, the bearer token of this request."""
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    auth = lookup_auth(request, db)
    request.state.auth = auth
    return auth


def lookup_auth(request: Request, db: Session) -> Auth:
    auth = Auth(principal=None)
    settings = get_settings(request)
    token = _bearer(request) if is_api(request) else None
    if token is not None:
        by_token = service.token_of(db, token, settings.clock())
        if by_token is not None:
            api_token, user = by_token
            if api_token.scope != "write" and request.method not in SAFE_METHODS:
                raise Forbidden("this API token may only read (its scope is read)")
            auth = Auth(service.principal_of(user, via="token"), None, user)
    else:
        by_cookie = sessions.lookup(
            db,
            request.cookies.get(session_cookie_name(request)),
            settings.clock(),
            settings.timeouts,
            engine=get_ws(request).db.engine,
        )
        if by_cookie is not None:
            row, user = by_cookie
            principal = service.principal_of(user) if row.stage == sessions.STAGE_FULL else None
            auth = Auth(principal, row, user, row.csrf_token)
    return auth


AuthDep = Annotated[Auth, Depends(resolve_auth)]


def current_user(auth: AuthDep) -> Principal:
    if auth.principal is None:
        raise NotAuthenticated("please log in")
    return auth.principal


def optional_user(auth: AuthDep) -> Principal | None:
    return auth.principal


CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only ``roles`` (403 for the others, 401 without login)."""
    allowed = frozenset(roles)

    def dependency(user: CurrentUser) -> Principal:
        if user.role not in allowed:
            raise Forbidden("your role does not give access to this function")
        return user

    dependency.__name__ = "require_" + "_".join(sorted(r.value for r in allowed))
    return dependency


AdminUser = Annotated[Principal, Depends(require_roles(Role.admin))]
CentreUser = Annotated[Principal, Depends(require_roles(Role.admin, Role.manager))]


def pending_session(auth: AuthDep) -> WebSession:
    """The half-finished login (password given, TOTP step due) of this browser."""
    if auth.session is None or auth.user is None:
        raise NotAuthenticated("please log in")
    return auth.session


async def csrf_protect(request: Request, auth: AuthDep) -> None:
    """Refuse a state-changing request without the synchronizer token (ASVS 4.2.2).

    Exempt: safe methods, and API calls authenticated by a bearer token (no
    ambient credential a foreign site could borrow). An API call with no
    session cookie carries nothing to forge either; it fails authentication.
    """
    if request.method in SAFE_METHODS:
        return
    if is_api(request) and (_bearer(request) is not None or auth.session is None):
        return
    expected = csrf_expected(request, auth.csrf_token)
    given = request.headers.get(CSRF_HEADER)
    if given is None and not is_api(request):
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise CsrfError("the form has expired or did not come from this site; reload and retry")
