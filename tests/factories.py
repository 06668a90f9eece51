"""Factories for tests: put canonical records straight into the fact store.

Indicator and scoring tests describe their data as plain dicts of canonical
columns; :func:`add_records` commits them as one batch, exactly as an import
would (lineage filled in, a later batch with the same key is a new version).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kefu.ingest import sentiment
from kefu.store.catalog import BatchState, ImportBatch
from kefu.store.tables import DERIVED, TABLES, arrow_schema
from kefu.workspace import Workspace


def add_records(
    ws: Workspace,
    table: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    source: str = "test",
    source_file: str | None = None,
) -> int:
    """Commit ``rows`` of ``table`` as a new batch; returns the batch id.

    Timestamps are given as naive datetimes in UTC (the stored form).
    """
    spec = TABLES[table]
    rows = [dict(r) for r in rows]
    existing = set()
    for path in ws.facts.committed_files(table):
        t = pq.read_table(path, columns=["source", *spec.key])
        existing |= set(zip(*(t.column(c).to_pylist() for c in ["source", *spec.key]), strict=True))
    with ws.db.transaction() as s:
        batch = ImportBatch(
            table_name=table,
            source=source,
            source_file=source_file or f"{table}.csv",
            file_sha256=f"factory-{datetime.now(UTC).timestamp()}",
            state=BatchState.PENDING,
            rows_read=len(rows),
            accepted=len(rows),
            rejected=0,
            new=0,
            changed=0,
            unchanged=0,
            files=[],
        )
        s.add(batch)
        s.flush()
        batch_id = batch.id
    columns: dict[str, list[Any]] = {c.name: [] for c in spec.columns}
    for name in ("source", "batch_id", "source_file", "source_row"):
        columns[name] = []
    changed = new = 0
    for i, row in enumerate(rows):
        unknown = set(row) - set(spec.names)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        for c in spec.columns:
            columns[c.name].append(row.get(c.name, c.default))
        key = (source, *(row.get(k, spec.column(k).default) for k in spec.key))
        if key in existing:
            changed += 1
        else:
            new += 1
        columns["source"].append(source)
        columns["batch_id"].append(batch_id)
        columns["source_file"].append(source_file or f"{table}.csv")
        columns["source_row"].append(i + 2)
    if table in DERIVED:
        # Derived as an import derives them (a survey comment's sentiment).
        columns |= sentiment.columns(pa.array(columns["comment"], pa.string()))
    arrow = pa.table(columns, schema=arrow_schema(spec))
    path = ws.facts.batch_file(table, batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(arrow, path)
    with ws.db.transaction() as s:
        batch = s.get(ImportBatch, batch_id)
        assert batch is not None
        batch.files = [str(path.relative_to(ws.facts.root))]
        batch.new, batch.changed = new, changed
        if rows:
            values = [r.get(spec.period_column) for r in rows if r.get(spec.period_column)]
            days = [v.date() if isinstance(v, datetime) else v for v in values]
            if days:
                batch.period_start = min(d for d in days if isinstance(d, date))
                batch.period_end = max(d for d in days if isinstance(d, date))
        batch.state = BatchState.COMMITTED
        batch.committed_at = datetime.now(UTC)
    return batch_id
