"""Errors as pages in the user's language, or one JSON body on the API.

Every API error has the body ``{"error": {"code": "...", "message": "..."}}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kefu.errors import KefuError, NotFound
from kefu.users.roles import Forbidden, NotAuthenticated

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    429: "too_many_requests",
    500: "server_error",
}


def api_error(status: int, message: str, code: str | None = None, **headers: str) -> JSONResponse:
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message}}
    return JSONResponse(body, status_code=status, headers=headers or None)


def _identify(request: Request) -> None:
    """Find who is asking when the error came before any route ran (an unknown URL),
    so the error page keeps the user's menu and language."""
    if getattr(request.state, "auth", None) is not None:
        return
    from kefu.web.deps import lookup_auth

    try:
        with request.app.state.ws.db.transaction() as db:
            request.state.auth = lookup_auth(request, db)
    except Exception:  # an error page must render even when the store is down
        return


def error_page(
    request: Request, status: int, detail: str | None = None, code: str | None = None
) -> Response:
    from kefu.web.templating import render

    if status != 500:
        _identify(request)
    code = code or CODES.get(status, "error")
    return render(
        request,
        "error.html",
        {"status": status, "code": code, "detail": detail},
        status_code=status,
    )


def _respond(request: Request, status: int, message: str, code: str | None = None) -> Response:
    from kefu.web.deps import is_api

    if is_api(request):
        return api_error(status, message, code)
    return error_page(request, status, message if status == 400 else None, code)


def _login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.method != "GET" or target == "/":
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def server_error_response(request: Request) -> Response:
    from kefu.web.deps import is_api

    if is_api(request):
        return api_error(500, "an unexpected error occurred; it has been logged")
    try:
        return error_page(request, 500)
    except Exception:  # the error page itself failed: plain text, still no traceback
        return Response("500 Internal Server Error", status_code=500, media_type="text/plain")


def install(app: FastAPI) -> None:
    # Plain functions: Starlette runs them on a worker thread, and an error page reads the
    # store (who is asking, the menu badges), which must not block the event loop.
    @app.exception_handler(NotAuthenticated)
    def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        from kefu.web.deps import is_api

        if is_api(request):
            return api_error(401, exc.message, **{"WWW-Authenticate": "Bearer"})
        return _login_redirect(request)

    @app.exception_handler(Forbidden)
    def _forbidden(request: Request, exc: Forbidden) -> Response:
        from kefu.web.deps import CsrfError

        return _respond(request, 403, exc.message, "csrf" if isinstance(exc, CsrfError) else None)

    @app.exception_handler(NotFound)
    def _not_found(request: Request, exc: NotFound) -> Response:
        return _respond(request, 404, exc.message)

    @app.exception_handler(KefuError)
    def _kefu_error(request: Request, exc: KefuError) -> Response:
        return _respond(request, 400, exc.message)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "")
        response = _respond(request, exc.status_code, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        from kefu.web.deps import is_api

        message = "; ".join(_describe(e) for e in exc.errors()[:5])
        if is_api(request):
            return api_error(422, message)
        return error_page(request, 400, message)


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))
