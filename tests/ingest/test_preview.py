"""``kefu import --dry-run``: the import's own checks and comparisons, nothing written.

The store holds complaints K1, K2, K3 from the hotline and K9 from the e-shop. The
file previewed under ``hotline`` has, by hand:

- row 2 K1 upheld (stored: open)           → changed
- row 3 K2 open   (stored: open)           → unchanged
- row 4 K4, row 5 K5 (stored nowhere)      → new, new
- row 6 K9 (only the shop holds K9)        → already present under another source
- row 7 K6 received "gestern"              → rejected (received_at unparsable)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from kefu.audit import AuditEntry
from kefu.cli import app
from kefu.ingest import import_file
from kefu.ingest.preview import Preview
from kefu.store.catalog import ImportBatch, ImportReject
from kefu.workspace import Workspace
from tests.ingest.helpers import stored, write

runner = CliRunner()
HEADER = "complaint_id,received_at,status\n"
PREVIEWED = (
    "K1,2026-10-01 09:00,upheld\nK2,2026-10-02,open\nK4,2026-10-04,open\n"
    "K5,2026-10-05,open\nK9,2026-10-09,open\nK6,gestern,open\n"
)


@pytest.fixture
def centre(ws: Workspace, tmp_path: Path) -> Workspace:
    hotline = "K1,2026-10-01 09:00,open\nK2,2026-10-02,open\nK3,2026-10-03,open\n"
    import_file(ws, write(tmp_path / "hotline.csv", HEADER + hotline), table="complaints",
                source="hotline")  # fmt: skip
    import_file(ws, write(tmp_path / "shop.csv", HEADER + "K9,2026-10-09,upheld\n"),
                table="complaints", source="shop")  # fmt: skip
    # The source the next import would use by default is the shop's (the last one).
    return ws


def previewed(ws: Workspace, tmp_path: Path) -> Preview:
    path = write(tmp_path / "complaints-new.csv", HEADER + PREVIEWED)
    result = import_file(ws, path, source="hotline", dry_run=True)
    assert isinstance(result, Preview)
    return result


def snapshot(ws: Workspace) -> dict[str, Any]:
    """Everything an import writes: catalog, fact files, rejects, audit, remembered source."""
    with ws.db.session() as s:
        batches = [(b.id, b.state, b.files) for b in s.scalars(select(ImportBatch))]
        rejects = s.scalar(select(func.count()).select_from(ImportReject))
        audit = s.scalar(select(func.count()).select_from(AuditEntry))
    files = sorted(
        (str(p.relative_to(ws.facts.root)), p.stat().st_mtime_ns)
        for p in ws.facts.root.rglob("*")
        if p.is_file()
    )
    remembered = (ws.home / "import-sources.json").read_text("utf-8")
    return {"batches": batches, "rejects": rejects, "audit": audit, "files": files,
            "remembered": remembered, "stored": stored(ws, "complaints")}  # fmt: skip


def test_a_dry_run_classifies_each_row_as_worked_out_by_hand(
    centre: Workspace, tmp_path: Path
) -> None:
    p = previewed(centre, tmp_path)
    assert (p.rows_read, p.new, p.changed, p.unchanged, p.rejected, p.other_source) == (
        6, 2, 1, 1, 1, 1,
    )  # fmt: skip
    assert p.status == "preview" and p.batch is None and p.source == "hotline"
    assert p.other_sources == [{"source": "shop", "ids": 1, "batches": [2]}]
    statuses = [(r["row"], r["values"]["complaint_id"], r["status"]) for r in p.sample]
    assert statuses == [
        (2, "K1", "changed"), (3, "K2", "unchanged"), (4, "K4", "new"), (5, "K5", "new"),
        (6, "K9", "other_source"),
    ]  # fmt: skip
    # As it would be stored, shown in the workspace's zone (Asia/Shanghai, as written).
    assert p.sample[0]["values"]["received_at"] == "2026-10-01 09:00:00"
    assert p.sample[0]["values"]["status"] == "upheld"
    (reject,) = p.sample_rejects
    assert (reject["row"], reject["column"], reject["value"]) == (7, "received_at", "gestern")


def test_a_dry_run_writes_nothing(centre: Workspace, tmp_path: Path) -> None:
    before = snapshot(centre)
    previewed(centre, tmp_path)
    assert snapshot(centre) == before


def test_a_dry_run_of_content_already_imported_says_so(centre: Workspace, tmp_path: Path) -> None:
    again = write(tmp_path / "shop-again.csv", HEADER + "K9,2026-10-09,upheld\n")
    result = import_file(centre, again, table="complaints", source="shop", dry_run=True)
    assert (result.status, result.batch) == ("already imported", 2)


def test_the_cli_dry_run_says_what_would_happen_and_loads_nothing(
    centre: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "complaints-new.csv", HEADER + PREVIEWED)
    before = snapshot(centre)
    said = runner.invoke(
        app, ["import", str(path), "--source", "hotline", "--dry-run", "--home", str(centre.home)]
    )
    assert said.exit_code == 0, said.output
    text = " ".join(said.output.split())
    assert "would load 2 new, 1 changed, 1 unchanged; 1 rejected; 1 already present" in text
    assert "row 7 received_at 'gestern'" in text
    assert "nothing was written" in text
    as_json = runner.invoke(app, ["import", str(path), "--source", "hotline", "--dry-run",
                                  "--format", "json", "--home", str(centre.home)])  # fmt: skip
    (row,) = json.loads(as_json.stdout)
    assert (row["status"], row["new"], row["other_source"]) == ("preview", 2, 1)
    assert snapshot(centre) == before
