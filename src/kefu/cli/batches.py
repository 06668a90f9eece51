"""``kefu batches``: the import catalog, and retracting a batch that should not count."""

from __future__ import annotations

from typing import Annotated

import typer

from kefu.cli import app
from kefu.cli.common import (
    FormatOption,
    HomeOption,
    OutputFormat,
    cli_actor,
    console,
    emit,
    open_workspace,
)

batches_app = typer.Typer(help="Import batches: list them, retract one.", no_args_is_help=True)
app.add_typer(batches_app, name="batches")

LISTED = ["batch", "table", "source", "file", "state", "accepted", "rejected", "new",
          "changed", "unchanged", "committed_at", "retracted_by"]  # fmt: skip


@batches_app.command("list")
def list_(
    table: Annotated[str | None, typer.Option(help="Only this table (default: all).")] = None,
    home: HomeOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Every import batch with its state (committed, retracted, abandoned) and counts."""
    from sqlalchemy import select

    from kefu.store.catalog import ImportBatch

    with open_workspace(home) as ws, ws.db.session() as s:
        q = select(ImportBatch).order_by(ImportBatch.id)
        if table:
            q = q.where(ImportBatch.table_name == table)
        rows = [{"batch": b.id, "table": b.table_name, "source": b.source,
                 "file": b.source_file, "state": b.state, "accepted": b.accepted,
                 "rejected": b.rejected, "new": b.new, "changed": b.changed,
                 "unchanged": b.unchanged, "committed_at": b.committed_at,
                 "retracted_by": b.retracted_by} for b in s.scalars(q)]  # fmt: skip
    emit(rows, fmt, LISTED, title="Import batches")


@batches_app.command("retract")
def retract(
    batch: Annotated[int, typer.Argument(help="The batch to retract (see `kefu batches list`).")],
    home: HomeOption = None,
) -> None:
    """Stop a batch's records from counting (kept for the audit trail); scores become stale."""
    from kefu.ingest.retract import retract_batch

    with open_workspace(home) as ws:
        done = retract_batch(ws, batch, actor=cli_actor())
    console.print(
        f"batch {done['batch']} ({done['table']}, {done['file']}) retracted: its records no "
        "longer count; re-score the periods it touched (`kefu score --period …`)",
        highlight=False,
    )
