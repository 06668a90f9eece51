"""Security headers on every kind of response, and no tracebacks."""

from __future__ import annotations

import pyotp
import pytest
from fastapi import APIRouter

from kefu.users.roles import Role
from kefu.web.app import create_app
from kefu.web.settings import WebSettings
from kefu.workspace import Workspace
from tests.web.support import Web


def _check(headers) -> None:  # type: ignore[no-untyped-def]
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/login", "/", "/static/kefu.css", "/static/vendor/htmx.min.js", "/nowhere",
             "/api/v1/me", "/api/v1/openapi.json"],
)  # fmt: skip
def test_headers_on_pages_static_api_and_errors(web: Web, path: str) -> None:
    response = web.client().get(path)
    _check(response.headers)
    assert "strict-transport-security" not in response.headers  # plain HTTP


def test_hsts_over_https(web: Web) -> None:
    response = web.client(base_url="https://kefu.example").get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_pages_are_not_cached(web: Web) -> None:
    client = web.login("mgr", Role.manager)
    assert client.get("/account").headers["cache-control"] == "no-store"


def test_no_inline_script_in_pages(web: Web) -> None:
    client = web.login("adm", Role.admin, totp_secret=pyotp.random_base32())
    for path in ("/", "/account", "/admin/users", "/api/docs"):
        html = client.get(path).text
        for chunk in html.split("<script")[1:]:
            head, _, rest = chunk.partition(">")
            assert "src=" in head, f"inline script on {path}"
            assert rest.startswith("</script>"), f"inline script body on {path}"


def _exploding_app(ws: Workspace) -> Web:
    from tests.web.support import Clock

    clock = Clock()
    app = create_app(ws, settings=WebSettings(clock=clock))
    boom = APIRouter()

    @boom.get("/boom")
    def _boom() -> None:
        raise RuntimeError("secret internal detail")

    @boom.get("/api/v1/boom")
    def _api_boom() -> None:
        raise RuntimeError("secret internal detail")

    app.include_router(boom)
    return Web(ws, clock, app)


def test_unexpected_error_is_a_translated_500_page_without_traceback(ws: Workspace) -> None:
    web = _exploding_app(ws)
    client = web.client(raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "系统错误" in response.text
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    _check(response.headers)
    client.cookies.set("kefu_lang", "en")
    assert "System error" in client.get("/boom").text


def test_unexpected_api_error_has_the_error_body(ws: Workspace) -> None:
    web = _exploding_app(ws)
    response = web.client(raise_server_exceptions=False).get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "secret" not in response.text
    _check(response.headers)


def test_404_page_is_in_the_users_language(web: Web) -> None:
    client = web.client()
    assert "页面不存在" in client.get("/nowhere").text
    client.cookies.set("kefu_lang", "en")
    response = client.get("/nowhere")
    assert response.status_code == 404 and "Not found" in response.text


def test_api_validation_error_has_the_error_body(web: Web) -> None:
    client = web.login("adm", Role.admin, totp_secret=pyotp.random_base32())
    token = web.token("adm")
    response = client.post(
        "/api/v1/users", json={"username": "x"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == "invalid_request"
    assert "role" in body["error"]["message"]


def test_404_keeps_the_signed_in_users_menu_and_language(web: Web) -> None:
    client = web.login("mgr", Role.manager, display_name="王经理")
    token = web.csrf(client, "/account")
    client.post("/lang", data={"locale": "en", "csrf_token": token})
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "王经理" in response.text and "Not found" in response.text


def test_openapi_offers_bearer_authentication(web: Web) -> None:
    schema = web.client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


@pytest.mark.parametrize(
    ("path", "status"), [("/login", 200), ("/", 303), ("/static/kefu.css", 200)]
)
def test_head_answers_like_get_without_a_body(web: Web, path: str, status: int) -> None:
    client = web.client()
    got = client.get(path, follow_redirects=False)
    head = client.head(path, follow_redirects=False)
    assert (head.status_code, got.status_code) == (status, status)
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    _check(head.headers)


def test_head_keeps_the_checks_of_get(web: Web) -> None:
    # An API call needs a login either way; a POST-only route stays POST-only.
    assert web.client().head("/api/v1/me").status_code == 401
    assert web.client().head("/logout").status_code == 405
