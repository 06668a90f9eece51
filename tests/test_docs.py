"""The README documents every command and every indicator id (docs are tested)."""

from __future__ import annotations

import typer.main

from kefu.cli import app
from kefu.metrics.registry import INDICATORS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names += [f"kefu {name} {sub}" for sub in subcommands]
        else:
            names.append(f"kefu {name}")
    return names


def test_every_cli_command_appears_in_the_readme_tour():
    missing = [c for c in _commands() if c not in README]
    assert not missing, f"README does not show: {missing}"


def test_every_cli_command_has_help_text():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help or command.short_help, f"kefu {name} has no help text"


def test_every_indicator_id_is_documented():
    missing = [i for i in INDICATORS if f"`{i.split('.')[0]}`" not in README]
    assert not missing, f"README does not name: {missing}"


def test_every_setting_is_in_the_configuration_table():
    from kefu.settings import Settings

    missing = [s for s in Settings.model_fields if f"| `{s}` |" not in README]
    assert not missing, f"README's configuration table lacks: {missing}"
