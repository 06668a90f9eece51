"""The ``kefu`` command line: thin commands over :class:`kefu.workspace.Workspace`.

Each command module registers its commands on :data:`app`; ``main`` turns any
:class:`kefu.errors.KefuError` into one clear line and an exit status.
"""

from __future__ import annotations

import importlib
import os
import sys

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

# Command modules, in the order their commands appear in --help (the flow of the work).
COMMAND_MODULES = (
    "workspace", "config", "demo", "imports", "batches", "metrics", "scoring", "reports",
    "workflow", "notify", "users", "web",
)  # fmt: skip
for _module in COMMAND_MODULES:
    importlib.import_module(f"kefu.cli.{_module}")


@app.callback()
def _root() -> None:
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
