"""The ``kefu`` command line: thin commands over :class:`kefu.workspace.Workspace`.

Each command module registers its commands on :data:`app`; ``main`` turns any
:class:`kefu.errors.KefuError` into one clear line and an exit status.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer
from rich.console import Console

from kefu.errors import KefuError

app = typer.Typer(
    name="kefu",
    help="Kefu 客服绩效 — performance appraisal for courier customer-service centres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules import only typer and kefu.cli.common at the top; each command imports
# what it uses (Ibis, SQLAlchemy, the reports…) when it runs, so start-up stays instant.
# Command modules, in the order their commands appear in --help (the flow of the work).
COMMAND_MODULES = (
    "workspace", "config", "demo", "imports", "batches", "metrics", "scoring", "simulation",
    "reports", "workflow", "notify", "users", "web",
)  # fmt: skip
for _module in COMMAND_MODULES:
    importlib.import_module(f"kefu.cli.{_module}")


def _show_version(value: bool) -> None:
    if value:
        from kefu import __version__

        typer.echo(f"kefu {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Kefu 客服绩效 — performance appraisal for courier customer-service centres."""


def main() -> None:
    """Entry point: usage errors exit 2 (Typer); Kefu errors print one line."""
    try:
        app()
    except KefuError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc.message}", highlight=False)
        sys.exit(exc.exit_code)
    except Exception as exc:  # the last line of defence: never a traceback for a user
        if os.environ.get("KEFU_DEBUG"):
            raise
        Console(stderr=True).print(
            f"[bold red]error:[/] unexpected failure ({type(exc).__name__}: {exc}); "
            "run again with KEFU_DEBUG=1 for details",
            highlight=False,
        )
        sys.exit(1)
