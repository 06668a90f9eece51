"""The admin's user pages, output escaping, and ``kefu serve``."""

from __future__ import annotations

import pyotp
from sqlalchemy import select
from typer.testing import CliRunner

from kefu.audit import AuditEntry
from kefu.users import service
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import PASSWORD, Web, add_user, csrf_of


def _admin(web: Web):  # type: ignore[no-untyped-def]
    return web.login("adm", Role.admin, totp_secret=pyotp.random_base32())


def test_admin_creates_a_supervisor_from_the_page(web: Web) -> None:
    client = _admin(web)
    page = client.get("/admin/users")
    assert page.status_code == 200
    response = client.post(
        "/admin/users",
        data={"username": "li.lei", "role": "supervisor", "password": PASSWORD,
              "display_name": "李雷", "teams": "T1，T2", "csrf_token": csrf_of(page.text)},
    )  # fmt: skip
    assert response.status_code == 303
    with web.ws.db.session() as s:
        user = service.get_user(s, "li.lei")
        assert (user.role, user.teams, user.display_name) == ("supervisor", ["T1", "T2"], "李雷")
    assert "用户已创建" in client.get("/admin/users").text


def test_invalid_new_user_is_shown_again_with_the_reason(web: Web) -> None:
    client = _admin(web)
    token = csrf_of(client.get("/admin/users").text)
    response = client.post(
        "/admin/users",
        data={"username": "wang", "role": "agent", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 400
    assert "坐席账户需要填写工号" in response.text and 'value="wang"' in response.text


def test_admin_disables_and_enables_a_user(web: Web) -> None:
    client = _admin(web)
    victim = web.login("qa1", Role.qa)
    token = csrf_of(client.get("/admin/users").text)
    assert client.post("/admin/users/qa1/disable", data={"csrf_token": token}).status_code == 303
    assert victim.get("/account").status_code == 303
    assert web.post_login(web.client(), "qa1").status_code == 401
    assert client.post("/admin/users/qa1/enable", data={"csrf_token": token}).status_code == 303
    assert web.post_login(web.client(), "qa1").status_code == 303
    with web.ws.db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.index("user.disable") < actions.index("user.enable")


def test_admin_cannot_disable_themselves_from_the_page(web: Web) -> None:
    client = _admin(web)
    token = csrf_of(client.get("/admin/users").text)
    response = client.post("/admin/users/adm/disable", data={"csrf_token": token})
    assert response.status_code == 400
    assert client.get("/account").status_code == 200


def test_unknown_user_is_404(web: Web) -> None:
    client = _admin(web)
    token = csrf_of(client.get("/admin/users").text)
    assert client.post("/admin/users/ghost/disable", data={"csrf_token": token}).status_code == 404


def test_user_supplied_text_is_escaped(web: Web) -> None:
    add_user(web.ws, "xss", Role.manager, display_name='<script>alert("x")</script>')
    html = web.login("xss").get("/account").text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_serve_starts_uvicorn_with_the_app(ws: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from kefu.cli import app

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: seen.update(app=web, **kw))
    result = CliRunner().invoke(
        app, ["serve", "--home", str(ws.home), "--port", "8123", "--proxy-headers"]
    )
    assert result.exit_code == 0, result.output
    assert seen["port"] == 8123 and seen["host"] == "127.0.0.1"
    assert seen["proxy_headers"] is True and seen["server_header"] is False
    assert seen["app"].state.ws.home == ws.home  # type: ignore[attr-defined]


def test_serve_trusts_forwarded_headers_only_from_the_configured_proxies(  # type: ignore[no-untyped-def]
    ws: Workspace, monkeypatch
) -> None:
    import uvicorn

    from kefu.cli import app

    with (ws.home / "kefu.yaml").open("a", encoding="utf-8") as f:
        f.write("trusted_proxies: [10.0.0.5, 10.0.0.6]\n")
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: seen.update(kw))
    result = CliRunner().invoke(app, ["serve", "--home", str(ws.home), "--proxy-headers"])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"
    help_text = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200).output
    assert "--proxy-headers" in help_text and "trusted_proxies" in help_text


def test_serve_warns_about_plain_http_on_a_network_address(ws: Workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from kefu.cli import app

    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: None)
    result = CliRunner().invoke(app, ["serve", "--home", str(ws.home), "--host", "0.0.0.0"])
    assert result.exit_code == 0
    assert "plain HTTP" in result.output
