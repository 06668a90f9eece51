"""``kefu serve``: the web application (pages and JSON API) on uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import HomeOption, console, err_console, open_workspace


@app.command()
def serve(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers",
            help="Behind a reverse proxy: trust its X-Forwarded-For (the client's address, "
            "which login throttling counts by) and X-Forwarded-Proto (TLS ends at the "
            "proxy: cookies are marked Secure and HSTS is sent). Without it every user "
            "seems to come from the proxy's address.",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated proxy addresses whose X-Forwarded headers are trusted "
            "(default: the setting trusted_proxies, 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Force the Secure cookie flag on or off (default: on for HTTPS requests).",
            show_default=False,
        ),
    ] = None,
    notify: Annotated[
        bool,
        typer.Option(
            "--notify/--no-notify",
            help="Deliver notifications from this server (off: run `kefu notify run` instead).",
        ),
    ] = True,
) -> None:
    """Serve the web pages and the JSON API (/api/v1, docs at /api/docs).

    Behind a TLS reverse proxy start it with --proxy-headers, and list the
    proxy's address in the setting trusted_proxies (or --forwarded-allow-ips).
    \f
    Long only by its options' declarations: Typer reads them from the signature.
    """
    import uvicorn

    from kefu.web.app import create_app
    from kefu.web.settings import WebSettings

    if host not in ("127.0.0.1", "localhost", "::1") and not proxy_headers:
        # Passwords and session cookies would cross the network in clear text.
        err_console.print(
            "[bold yellow]warning:[/] serving on a network address over plain HTTP; "
            "put a TLS reverse proxy in front and start with --proxy-headers",
            highlight=False,
        )
    with open_workspace(home) as ws:
        if notify:
            from kefu.notify.config import notify_settings

            notify_settings(ws)  # a mistake in kefu.yaml is one clear line, before serving
        trusted = forwarded_allow_ips or ",".join(ws.settings.trusted_proxies)
        web = create_app(
            ws, settings=WebSettings(secure_cookies=secure_cookies, notify_sender=notify)
        )
        console.print(f"Kefu serving {ws.home} at http://{host}:{port}/ (Ctrl+C to stop)")
        uvicorn.run(
            web,
            host=host,
            port=port,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=trusted if proxy_headers else None,
            server_header=False,
            log_level="info",
        )
