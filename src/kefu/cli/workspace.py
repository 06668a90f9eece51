"""``kefu init``: create a workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import HomeOption, console

# kefu.settings' default, restated so that start-up need not import the settings model
# (tests/cli/test_startup.py holds them equal).
DEFAULT_TIMEZONE = "Asia/Shanghai"


@app.command()
def init(
    home: HomeOption = None,
    timezone: Annotated[
        str, typer.Option(help="Time zone the periods are read in.")
    ] = DEFAULT_TIMEZONE,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="Application store URL (default SQLite in the workspace; "
            "e.g. postgresql+psycopg://user@host/kefu). KEFU_DATABASE_URL also works.",
        ),
    ] = None,
) -> None:
    """Create a workspace: settings, application store and fact store (safe to re-run)."""
    from kefu.workspace import Workspace, default_home

    with Workspace.init(home or default_home(), timezone=timezone, database_url=database_url) as ws:
        console.print(f"Kefu workspace ready at [bold]{ws.home}[/] (time zone {ws.timezone})")
