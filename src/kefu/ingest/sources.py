"""Which system an import's records come from, and refusing ids another system holds.

A record is identified by its key *within its source*, so the source decides
whether a re-import updates records or adds new ones. The rule, the same for
``kefu import`` and the web upload:

1. the source asked for (``kefu import --source``, the API's ``source``);
2. else the mapping profile's ``source:``, if it names one;
3. else the source last used for that table in this workspace (remembered);
4. else ``default``.

Before anything is written, a file whose record ids are new under its source
but already stored under *another* source of the same table is refused as a
whole (:class:`SourceCollision`), unless the import says the two are different
systems (``--as-new-source``). Nothing is recorded for a refused file: the
catalog lists what was loaded, and the refusal is told to whoever imported.

Usage::

    src = resolve(ws, None, profile, "complaints")   # "feedback" once remembered
    found = collisions(ws, con, TABLES["complaints"], src)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from kefu.errors import KefuError
from kefu.ingest.parsing import ident, lit
from kefu.store.tables import Table

if TYPE_CHECKING:
    from kefu.ingest.mapping import Profile
    from kefu.workspace import Workspace

DEFAULT_SOURCE = "default"
# Workspace state: table → the source its last file import used.
REMEMBERED_FILE = "import-sources.json"
SHOWN_BATCHES = 3


def remembered(ws: Workspace, table: str) -> str | None:
    """The source the last file import into ``table`` used, if any."""
    path = ws.home / REMEMBERED_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    value = state.get(table) if isinstance(state, dict) else None
    return value if isinstance(value, str) and value else None


def remember(ws: Workspace, table: str, source: str) -> None:
    """Keep ``source`` as the one to use for ``table`` next time (call under the import lock)."""
    if remembered(ws, table) == source:
        return
    path = ws.home / REMEMBERED_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        state = {}
    if not isinstance(state, dict):
        state = {}
    state[table] = source
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(state, indent=1, ensure_ascii=False, sort_keys=True), "utf-8")
    os.replace(tmp, path)


def resolve(ws: Workspace, asked: str | None, profile: Profile | None, table: str) -> str:
    """The source of an import into ``table`` (see the module's rule)."""
    return (
        asked
        or (profile.source if profile is not None else None)
        or remembered(ws, table)
        or DEFAULT_SOURCE
    )


@dataclass(frozen=True)
class Collision:
    """Ids of the file stored under another source: how many, that source, its batches."""

    source: str
    ids: int
    batches: tuple[int, ...]

    @property
    def batch_text(self) -> str:
        shown = ", ".join(str(b) for b in self.batches[:SHOWN_BATCHES])
        more = ", …" if len(self.batches) > SHOWN_BATCHES else ""
        return shown + more


class SourceCollision(KefuError):
    """A file's record ids already exist under another source; nothing was loaded."""

    key = "pages.imports.collision.refused"

    def __init__(self, file_name: str, table: str, source: str, found: Collision) -> None:
        self.file = file_name
        self.table = table
        self.source = source
        self.collision = found
        word = "batch" if len(found.batches) == 1 else "batches"
        self.params = {
            "file": file_name, "table": table, "source": source, "ids": f"{found.ids:,}",
            "other": found.source, "batches": found.batch_text,
        }  # fmt: skip
        super().__init__(
            f"{file_name}: {found.ids:,} record id(s) of {table} already exist under source "
            f"'{found.source}' ({word} {found.batch_text}), not under '{source}'; nothing was "
            f"loaded. To update those records, import under their source: --source "
            f"{found.source}. To keep both as different systems: --as-new-source"
        )


def collisions(
    ws: Workspace, con: duckdb.DuckDBPyConnection, spec: Table, source: str
) -> list[Collision]:
    """Other sources holding ids that the ``versioned`` relation brings as new, most first.

    Only ids new under ``source`` count: a record already stored under it was
    loaded before (as the same system or by choice), so updating it is no news.
    """
    others = other_source_rows_sql(ws, spec, source)
    if others is None:
        return []
    rows = con.execute(
        f"SELECT source, count(DISTINCT __row), list(DISTINCT batch_id) FROM ({others}) "
        "GROUP BY source ORDER BY 2 DESC, 1"
    ).fetchall()
    return [Collision(str(s), int(n), tuple(sorted(int(b) for b in ids))) for s, n, ids in rows]


def other_source_rows_sql(ws: Workspace, spec: Table, source: str) -> str | None:
    """SQL of (``__row``, ``source``, ``batch_id``): new rows of ``versioned`` whose ids
    another source holds; None when no other source has records of the table."""
    batches = ws.facts.committed_batches(spec.name)
    if all(b.source == source for b in batches):
        return None  # the usual case: one system per table, nothing to read
    files = [str(p) for p in ws.facts.committed_files(spec.name)]
    if not files:
        return None
    keys = ", ".join(ident(k) for k in spec.key)
    on = " AND ".join(f"v.{ident('v_' + k)} = o.{ident(k)}" for k in spec.key)
    listing = "[" + ", ".join(lit(f) for f in files) + "]"
    return (
        f"SELECT v.__row, o.source, o.batch_id "
        f"FROM versioned AS v JOIN (SELECT DISTINCT {keys}, source, batch_id "
        f"FROM read_parquet({listing}, union_by_name = true) "
        f"WHERE source <> {lit(source)}{ws.facts.retracted_filter(spec.name)}) AS o ON {on} "
        "WHERE v.__status = 'new'"
    )
