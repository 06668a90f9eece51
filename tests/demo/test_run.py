from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from kefu.demo import run as demo_run
from kefu.demo.run import STEPS, DemoRun, main, run_demo
from kefu.errors import UsageError
from kefu.workspace import Workspace


def test_demo_run_builds_a_workspace_with_every_table(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    run = DemoRun(home=tmp_path / "demo", agents=12, months=1, start="2026-10", console=console)
    try:
        run_demo(run)
        imported = {r.table: r for r in run.imports}
        assert len(imported) == 11
        exports = {f.path.name: f for f in run.exports.files}
        for r in run.imports:
            # Exactly the dirty rows the generator slipped in are rejected; the rest load.
            assert r.rejected == exports[r.file].dirty, r.file
            assert r.accepted == exports[r.file].rows - exports[r.file].dirty, r.file
        con = run.workspace.duckdb()
        agents = run.workspace.facts.table(con, "agents").count().execute()
        assert agents == exports["坐席花名册.csv"].rows
        tickets = run.workspace.facts.table(con, "tickets")
        assert tickets.select("source").distinct().to_pyarrow().column(0).to_pylist() == ["crm"]
    finally:
        if run.ws is not None:
            run.ws.close()
    text = console.export_text()
    assert "Demo data imported" in text
    assert text.rstrip().endswith(f"(export KEFU_HOME={tmp_path / 'demo'})")


def test_demo_run_replaces_its_previous_workspace(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    Workspace.init(home).close()
    (home / "exports").mkdir()
    (home / "exports" / "old.csv").write_text("x\n", encoding="utf-8")
    run = DemoRun(home=home, agents=12, months=1, console=Console(quiet=True))
    run_demo(run, [demo_run.fresh_workspace, demo_run.generate_exports])
    run.workspace.close()
    assert not (home / "exports" / "old.csv").exists()
    assert len(list((home / "exports").iterdir())) == 11


def test_demo_run_refuses_to_delete_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="not a Kefu workspace"):
        demo_run.fresh_workspace(DemoRun(home=tmp_path, console=Console(quiet=True)))
    assert (tmp_path / "precious.txt").exists()
    assert main(["--home", str(tmp_path), "--agents", "12", "--months", "1"]) == 2


def test_steps_end_by_printing_the_workspace() -> None:
    assert STEPS[0] is demo_run.fresh_workspace
    assert STEPS[-1] is demo_run.print_workspace
