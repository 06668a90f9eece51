"""Small helpers for import tests: write files, read back what was stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from kefu.store.catalog import ImportReject
from kefu.workspace import Workspace


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def stored(ws: Workspace, table: str) -> list[dict[str, Any]]:
    con = ws.duckdb()
    t = ws.facts.table(con, table)
    rows = t.order_by(t.batch_id, t.source_row).to_pyarrow().to_pylist()
    return rows


def rejects(ws: Workspace) -> list[ImportReject]:
    with ws.db.session() as s:
        return list(s.scalars(select(ImportReject).order_by(ImportReject.row)))
