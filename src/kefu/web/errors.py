"""Errors as pages in the user's language, or one JSON body on the API.

Every API error has the body ``{"error": {"code": "...", "message": "..."}}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from kefu.errors import KefuError, NotFound
from kefu.users.roles import Forbidden, NotAuthenticated
from kefu.web.params import MONTH_PATTERN, PERIOD_PATTERN, PERIOD_RULE

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


def _respond(
    request: Request, status: int, message: str, code: str | None = None,
    exc: KefuError | None = None,
) -> Response:  # fmt: skip
    from kefu.web.deps import is_api

    if is_api(request):
        return api_error(status, message, code)
    if exc is not None and exc.key:
        # The catalogue has the sentence in every language: the page shows it in the user's.
        from kefu.web.templating import translator

        if status != 500:
            _identify(request)
        return error_page(request, status, translator(request)(exc.key, **exc.params), code)
    # A message without a catalogue key is English (it is what the CLI prints): a page in
    # another language shows its own generic text rather than an English sentence.
    shown = status == 400 and _reader_locale(request) == "en"
    return error_page(request, status, message if shown else None, code)


def _reader_locale(request: Request) -> str:
    from kefu.web.templating import request_locale

    _identify(request)
    return request_locale(request)


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


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this URL (RFC 9110 §15.5.6: a 405 carries Allow).

    Starlette names only the methods of the first route whose path matched, so
    ``PUT /api/v1/reviews/1`` offered GET but not PATCH, and static files none.
    """
    # A fresh scope: after routing, a mount (static files) has moved the request's root_path.
    scope = {"type": "http", "path": request.url.path, "root_path": "", "method": "GET"}
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        match, _ = route.matches(scope)
        if match is Match.NONE:
            continue
        found = getattr(route, "methods", None)
        methods |= set(found) if found else {"GET"}  # a mount (static files) reads only
    if "GET" in methods:
        methods.add("HEAD")  # answered by HeadAsGet
    return sorted(methods)


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
        return _respond(request, 404, exc.message, exc=exc)

    @app.exception_handler(KefuError)
    def _kefu_error(request: Request, exc: KefuError) -> Response:
        return _respond(request, 400, exc.message, exc=exc)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "")
        response = _respond(request, exc.status_code, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        from kefu.web.deps import is_api

        found = exc.errors()
        message = "; ".join(_describe(e) for e in found[:5])
        if is_api(request):
            return api_error(422, message)
        if any(e.get("loc", ("",))[0] == "path" for e in found):
            # /reviews/abc or an id beyond 2^63−1 names no page: the page does not exist.
            return error_page(request, 404)
        from kefu.web.templating import translator

        _identify(request)
        return error_page(request, 400, describe_all(found, translator(request)))


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    message = str(error.get("msg", "invalid"))
    if error.get("type") == "string_pattern_mismatch":
        message = _RULES.get(str((error.get("ctx") or {}).get("pattern")), message)
    return f"{where}: {message}" if where else message


def describe_all(errors: Sequence[Mapping[str, Any]], t: Callable[..., str]) -> str:
    """The first few validation errors in the reader's language, for an error page:
    ``page: Input should be a valid integer`` becomes ``页码：应为整数``."""
    shown = t("validation.separator").join(describe(e, t) for e in errors[:5])
    return shown + (t("validation.more", n=len(errors) - 5) if len(errors) > 5 else "")


def describe(error: Mapping[str, Any], t: Callable[..., str]) -> str:
    """One validation error in the reader's language: the field's name and the rule."""
    kind = str(error.get("type", "invalid"))
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern"))
        kind = "period" if pattern.endswith(PERIOD_PATTERN) else "month"
        if not pattern.endswith((PERIOD_PATTERN, MONTH_PATTERN)):
            kind = "invalid"
    params = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
    try:
        message = translate_or_none(t, f"validation.rule.{kind}", **params)
    except (KeyError, IndexError):  # the rule names a bound pydantic did not give
        message = None
    if message is None or "{" in message:
        message = t("validation.rule.invalid")
    names = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
    if not names:
        return message
    field = names[-1] if not names[-1].isdigit() or len(names) == 1 else names[-2]
    key = f"validation.fields.{field}"
    label = t(key) if translate_or_none(t, key) else t("validation.other_field")
    return t("validation.field", field=label, message=message)


def translate_or_none(t: Callable[..., str], key: str, **params: Any) -> str | None:
    """The message ``key`` if the catalogue has it (the translator answers a missing key
    with the key itself)."""
    text = t(key, **params)
    return None if text == key else text


#: The rule to show instead of "String should match pattern '^[0-9]{4}…'".
_RULES = {
    PERIOD_PATTERN: f"must be {PERIOD_RULE}",
    f"^$|{PERIOD_PATTERN}": f"must be {PERIOD_RULE}",
    MONTH_PATTERN: "must be a month such as 2026-10",
    f"^$|{MONTH_PATTERN}": "must be a month such as 2026-10",
}
