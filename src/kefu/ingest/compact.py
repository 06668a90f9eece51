"""``kefu compact``: merge a table's batch files into one, keeping every version.

Rows keep their ``batch_id`` and the rest of their lineage, so "latest batch
wins" and the audit trail read exactly as before. The merged file is written
under a temporary name and renamed; the catalog switches from the old files to
the new one in one transaction; the old files are deleted an hour later (by the
next import or compaction), so a reader that listed them just before can finish.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import duckdb

from kefu import audit
from kefu.ingest import batches
from kefu.ingest.parsing import ident, lit
from kefu.store.catalog import BatchState, ImportBatch
from kefu.store.tables import LINEAGE_NAMES, TABLES, Table, derived_names, table

if TYPE_CHECKING:
    from kefu.workspace import Workspace


def compact_store(
    ws: Workspace, *, table: str | None = None, actor: str = "system"
) -> dict[str, tuple[int, int]]:
    """Compact one table (or all); returns ``{table: (files before, files after)}``."""
    names = [_lookup(table).name] if table else list(TABLES)
    done: dict[str, tuple[int, int]] = {}
    with batches.import_lock(ws):
        batches.cleanup_abandoned(ws, actor)
        for name in names:
            before = ws.facts.committed_files(name)
            if len(before) > 1:
                _compact_table(ws, name, actor)
                done[name] = (len(before), 1)
    return done


def _lookup(name: str) -> Table:
    return table(name)


def _compact_table(ws: Workspace, name: str, actor: str) -> None:
    # Retracted batches' rows are merged too (they stay for the audit trail; readers skip them).
    committed = ws.facts.committed_batches(name) + ws.facts.retracted_batches(name)
    last = max(b.id for b in committed)
    old = ws.facts.committed_files(name)
    existing_parts = [
        int(p.stem.split("-")[1]) for p in ws.facts.table_dir(name).glob(f"b{last:08d}-*.parquet")
    ]
    part = max(existing_parts, default=-1) + 1
    tmp, final = ws.facts.tmp_file(name, last, part), ws.facts.batch_file(name, last, part)
    files = "[" + ", ".join(lit(str(p)) for p in old) + "]"
    con = duckdb.connect()
    try:
        present = {
            row[0]
            for row in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({files}, union_by_name = true)"
            ).fetchall()
        }
        # Derived columns (a survey's sentiment) are kept when the files carry them.
        derived = [c for c in derived_names(name) if c in present]
        columns = ", ".join(ident(c) for c in (*TABLES[name].names, *LINEAGE_NAMES, *derived))
        con.execute(
            f"COPY (SELECT {columns} FROM read_parquet({files}, union_by_name = true) "
            f"ORDER BY batch_id, source_row) TO {lit(str(tmp))} (FORMAT parquet, COMPRESSION zstd)"
        )
    finally:
        con.close()
    os.replace(tmp, final)
    relative = str(final.relative_to(ws.facts.root))
    try:
        with ws.db.transaction() as s:
            for b in committed:
                batch = s.get(ImportBatch, b.id)
                assert batch is not None
                assert batch.state in (BatchState.COMMITTED, BatchState.RETRACTED)
                batch.files = [relative] if b.id == last else []
            audit.record(
                s, actor, "facts.compact", "fact_table", name,
                before={"files": [str(p.relative_to(ws.facts.root)) for p in old]},
                after={"files": [relative]},
            )  # fmt: skip
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    batches.retire(ws, [path for path in old if path != final])
