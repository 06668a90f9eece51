"""``kefu config check`` and ``kefu config show``: a workspace's settings (``kefu.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kefu.cli import app
from kefu.cli.common import FormatOption, HomeOption, OutputFormat, console, emit, err_console
from kefu.errors import NoWorkspace

config_app = typer.Typer(help="Check and show the workspace's settings (kefu.yaml).")
app.add_typer(config_app, name="config")


def _settings_file(home: Path | None, file: Path | None) -> Path:
    if file is not None:
        if not file.is_file():
            raise NoWorkspace(f"{file}: no such file")
        return file
    from kefu.workspace import SETTINGS_FILE, default_home

    path = Path(home or default_home()).resolve() / SETTINGS_FILE
    if not path.is_file():
        raise NoWorkspace(
            f"no Kefu workspace at {path.parent}; create one with `kefu init --home {path.parent}`"
        )
    return path


@config_app.command("check")
def check(
    file: Annotated[
        Path | None, typer.Argument(help="A settings file (default: the workspace's kefu.yaml).")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Validate kefu.yaml: every unknown key or wrong value, with its key and a suggestion."""
    from kefu.settings import Settings, SettingsInvalid

    path = _settings_file(home, file)
    try:
        settings = Settings.load(path)
    except SettingsInvalid as exc:
        for problem in exc.problems:
            err_console.print(
                f"[bold red]error:[/] {path}: {problem}", highlight=False, soft_wrap=True
            )
        raise typer.Exit(exc.exit_code) from None
    given = len(settings.model_fields_set)
    console.print(f"{path}: ok ({given} setting(s) given, the rest default)", highlight=False)


@config_app.command("show")
def show(
    file: Annotated[
        Path | None, typer.Argument(help="A settings file (default: the workspace's kefu.yaml).")
    ] = None,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """The effective settings: each value and whether kefu.yaml or the default gives it."""
    import os

    from sqlalchemy.engine import make_url

    from kefu.settings import Settings

    settings = Settings.load(_settings_file(home, file))
    rows = settings.effective()
    env_url = os.environ.get("KEFU_DATABASE_URL")
    for row in rows:
        if row["setting"] == "database_url":
            if env_url:
                row["value"], row["from"] = env_url, "KEFU_DATABASE_URL"
            if row["value"]:
                # A password in the URL is never printed.
                row["value"] = make_url(row["value"]).render_as_string(hide_password=True)
    _engine_rows(rows, settings)
    emit(rows, fmt, ["setting", "value", "from"], title="Settings")


def _engine_rows(rows: list[dict[str, Any]], settings: Any) -> None:
    """The engine and Spark master in use, with the variable that chose them."""
    import os

    from kefu.store.engines import engine_choice

    choice = engine_choice(settings)
    for row in rows:
        if row["setting"] == "engine":
            row["value"], row["from"] = choice.name, choice.source
        elif row["setting"] == "spark":
            row["value"] = {"master": settings.spark.master, "conf": dict(settings.spark.conf)}
    if choice.name == "spark":
        if os.environ.get("KEFU_SPARK_MASTER"):
            source = "KEFU_SPARK_MASTER"
        else:
            source = "kefu.yaml" if "spark" in settings.model_fields_set else "default"
        rows.append({"setting": "spark master in use", "value": choice.master, "from": source})
