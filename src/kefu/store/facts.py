"""The fact store: Parquet files per table per import batch, read through Ibis.

Layout under the workspace: ``facts/<table>/b<batch:08d>-<part:03d>.parquet``.
A file is written under a temporary name (``.tmp-…``) and renamed into place;
it counts only once its batch is ``committed`` in the catalog. The current
version of a record (same ``source`` and key) is the one from the highest
batch; older versions stay on disk for the audit trail. A *retracted* batch's
records stay on disk too but count no more: readers leave its ``batch_id`` out,
so the version before it counts again.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from kefu.store.appdb import AppDB
from kefu.store.catalog import BatchState, ImportBatch
from kefu.store.tables import DERIVED, LINEAGE_NAMES, TABLES, arrow_schema, derived_names

if TYPE_CHECKING:
    import ibis
    from ibis.backends import BaseBackend


_EMPTY_IDS = itertools.count()


class FactStore:
    def __init__(self, root: Path, appdb: AppDB) -> None:
        self.root = root
        self.appdb = appdb

    # -- layout -----------------------------------------------------------
    def table_dir(self, table: str) -> Path:
        return self.root / table

    def batch_file(self, table: str, batch_id: int, part: int = 0) -> Path:
        return self.table_dir(table) / f"b{batch_id:08d}-{part:03d}.parquet"

    def tmp_file(self, table: str, batch_id: int, part: int = 0) -> Path:
        return self.table_dir(table) / f".tmp-b{batch_id:08d}-{part:03d}.parquet"

    # -- catalog ----------------------------------------------------------
    def committed_batches(self, table: str | None = None) -> list[ImportBatch]:
        with self.appdb.session() as s:
            q = select(ImportBatch).where(ImportBatch.state == BatchState.COMMITTED)
            if table:
                q = q.where(ImportBatch.table_name == table)
            return list(s.scalars(q.order_by(ImportBatch.id)))

    def committed_files(self, table: str) -> list[Path]:
        """Files holding ``table``'s records, retracted ones included (filter them out with
        :meth:`retracted_filter`: a compaction may have merged them with current ones)."""
        with self.appdb.session() as s:
            stored = s.scalars(
                select(ImportBatch)
                .where(
                    ImportBatch.table_name == table,
                    ImportBatch.state.in_([BatchState.COMMITTED, BatchState.RETRACTED]),
                )
                .order_by(ImportBatch.id)
            )
            return [self.root / rel for b in stored for rel in (b.files or [])]

    def retracted_batches(self, table: str | None = None) -> list[ImportBatch]:
        with self.appdb.session() as s:
            q = select(ImportBatch).where(ImportBatch.state == BatchState.RETRACTED)
            if table:
                q = q.where(ImportBatch.table_name == table)
            return list(s.scalars(q.order_by(ImportBatch.id)))

    def retracted_ids(self, table: str) -> list[int]:
        return [b.id for b in self.retracted_batches(table)]

    def retracted_filter(self, table: str) -> str:
        """`` AND batch_id NOT IN (…)`` for SQL over :meth:`committed_files` ('' if none)."""
        ids = self.retracted_ids(table)
        return f" AND batch_id NOT IN ({', '.join(str(i) for i in ids)})" if ids else ""

    def has_versions(self, table: str) -> bool:
        """Whether any key of ``table`` was stored twice (so reads must pick the latest)."""
        return any(b.changed for b in self.committed_batches(table))

    # -- reading ----------------------------------------------------------
    def parquet_sql(self, name: str) -> str | None:
        """DuckDB's ``read_parquet(…)`` of every stored file of ``name`` (None: no file).

        The same read as :meth:`table` makes (retracted batches included: :meth:`table`
        filters them), for a view a plain DuckDB connection can define without Ibis.
        """
        files = [str(p) for p in self.committed_files(name)]
        if not files:
            return None
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        union = ", union_by_name = true" if derived_names(name) else ""
        return f"read_parquet([{listed}]{union})"

    def table(
        self,
        con: BaseBackend,
        name: str,
        *,
        all_versions: bool = False,
        base: ibis.Table | None = None,
    ) -> ibis.Table:
        """The current records of canonical table ``name`` as an Ibis table on ``con``.

        With no committed batch the table is empty but fully typed, so every
        indicator can be written without special cases for missing data.
        ``base``: the stored records already read (a view over :meth:`parquet_sql`, or
        the typed empty table), to which the current-version and retraction rules apply.
        """
        import ibis

        spec = TABLES[name]
        files = [str(p) for p in self.committed_files(name)] if base is None else []
        if base is None and not files:
            # Bound to ``con``: an unbound memtable runs on ibis's one default DuckDB
            # connection, which concurrent requests would then share (and DuckDB refuses).
            empty = arrow_schema(spec).empty_table()
            raw = getattr(con, "con", None)  # the DuckDB connection under Ibis's backend
            if raw is None:
                return ibis.memtable(empty)
            label = f"_empty_{name}_{next(_EMPTY_IDS)}"
            raw.register(label, empty)
            return con.table(label)
        derived = derived_names(name)
        if base is not None:
            t = base
        elif derived:
            union = {"union_by_name": True} if con.name == "duckdb" else {"mergeSchema": "true"}
            t = con.read_parquet(files if len(files) > 1 else files[0], **union)
        else:
            t = con.read_parquet(files if len(files) > 1 else files[0])
        # Files written before a derived column existed lack it: read it as null.
        missing = [c for c in derived if c not in t.columns]
        if missing:
            types = {"float64": "float64", "text": "string"}
            kinds = dict(DERIVED[name])
            t = t.mutate(**{c: ibis.null(types[kinds[c]]) for c in missing})
        t = t.select(*spec.names, *LINEAGE_NAMES, *derived)
        retracted = self.retracted_ids(name)
        if retracted:
            t = t.filter(t.batch_id.notin(retracted))
        if all_versions or not self.has_versions(name):
            return t
        latest = ibis.row_number().over(
            group_by=[t.source, *(t[k] for k in spec.key)], order_by=ibis.desc(t.batch_id)
        )
        return (
            t.mutate(_version_rank=latest)
            .filter(lambda r: r._version_rank == 0)
            .drop("_version_rank")
        )
