"""What an import would do, worked out by the import itself with nothing written.

``kefu import --dry-run`` and the web wizard's preview run the whole import — read,
map, check every row, compare with the stored versions, look for the ids another
source holds — and stop before a batch is reserved. Each kept row is one of

- ``new``: its key is not stored under the import's source (nor under another);
- ``changed`` / ``unchanged``: the stored version differs / is the same;
- ``other_source``: new under this source, but another source holds its id (the
  import would be refused unless the file is said to be another system's);

and the rest are ``rejected`` with their reasons. Usage::

    p = import_file(ws, path, dry_run=True)
    p.new, p.changed, p.unchanged, p.rejected, p.other_source, p.sample[0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kefu.ingest import sources
from kefu.ingest.limits import Limits
from kefu.ingest.outcome import Checked, FileResult, reject_rows
from kefu.ingest.parsing import ident
from kefu.store.tables import Kind, Table

if TYPE_CHECKING:
    import duckdb

    from kefu.workspace import Workspace

# Rows (and rejects) shown: enough to see that columns landed where they should.
SAMPLE_ROWS = 10
OTHER_SOURCE = "other_source"


@dataclass
class Preview(FileResult):
    """A :class:`FileResult` of an import not made, with the first rows as they would be stored.

    ``new`` excludes the ``other_source`` rows; ``sample`` holds the first kept rows
    (``row``, ``status``, ``values`` as text in the workspace's zone) and
    ``sample_rejects`` the first rejected ones (``row``, ``column``, ``value``, ``rule``).
    """

    status: str = "preview"
    source: str = ""
    other_source: int = 0
    other_sources: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    sample_rejects: list[dict[str, Any]] = field(default_factory=list)


def of_session(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    c: Checked,
    file_name: str,
    source: str,
) -> Preview:
    """The preview of the import whose ``versioned`` relation ``con`` holds."""
    others = sources.other_source_rows_sql(ws, spec, source)
    none = "SELECT CAST(NULL AS BIGINT) AS __row WHERE false"
    con.execute(f"CREATE TEMP TABLE preview_other AS SELECT DISTINCT __row FROM ({others or none})")
    (other,) = con.execute("SELECT count(*) FROM preview_other").fetchone() or (0,)
    found = sources.collisions(ws, con, spec, source) if others else []
    limits = Limits.of(ws.settings)
    rejects = reject_rows(con, c.raw, 0, file_name, SAMPLE_ROWS, limits.cell_bytes)
    p = Preview(
        file=file_name, table=spec.name, batch=None, rows_read=c.rows_read,
        accepted=c.kept - c.rejected, rejected=c.rejected, skipped=c.rows_read - c.kept,
        new=c.new - int(other), changed=c.changed, unchanged=c.unchanged, source=source,
        other_source=int(other), columns=list(spec.names),
        other_sources=[{"source": f.source, "ids": f.ids, "batches": list(f.batches)}
                       for f in found],
        sample=_sample(con, spec, ws.timezone),
        sample_rejects=[{k: r[k] for k in ("row", "column", "value", "rule")} for r in rejects],
    )  # fmt: skip
    p.message = summary(p)
    return p


def _sample(con: duckdb.DuckDBPyConnection, spec: Table, tz: str) -> list[dict[str, Any]]:
    cols = ", ".join(ident("v_" + c.name) for c in spec.columns)
    rows = con.execute(
        f"SELECT __row, __status, __row IN (SELECT __row FROM preview_other), {cols} "
        f"FROM versioned WHERE NOT __rejected ORDER BY __row LIMIT {SAMPLE_ROWS}"
    ).fetchall()
    zone = ZoneInfo(tz)
    return [
        {
            "row": int(r[0]),
            "status": OTHER_SOURCE if r[2] else str(r[1]),
            "values": {
                c.name: shown(v, c.kind, zone) for c, v in zip(spec.columns, r[3:], strict=True)
            },
        }
        for r in rows
    ]


def shown(value: object, kind: Kind, zone: ZoneInfo) -> str | None:
    """A stored value as text: instants in the workspace's zone, whole numbers without .0."""
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and kind in (Kind.DURATION, Kind.NUMBER):
        return f"{value:g}" if value == int(value) else str(value)
    return str(value)


def summary(p: Preview) -> str:
    """One line for the CLI: what would happen, and that nothing was written."""
    text = (
        f"dry run: {p.rows_read:,} read; would load {p.new:,} new, {p.changed:,} changed, "
        f"{p.unchanged:,} unchanged; {p.rejected:,} rejected; "
        f"{p.other_source:,} already present under another source"
    )
    if p.other_sources:
        names = ", ".join(f"'{o['source']}'" for o in p.other_sources)
        text += f" ({names}: refused unless --as-new-source)"
    return text + "; nothing was written"
