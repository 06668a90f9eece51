from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kefu.cli import app
from kefu.errors import UsageError


def test_demo_command_writes_the_exports_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "exports"
    result = CliRunner().invoke(
        app,
        ["demo", "--agents", "12", "--months", "1", "--start", "2026-10", "--seed", "5",
         "--out", str(out), "--summary", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 11
    assert {r["file"] for r in rows} == {p.name for p in out.iterdir()}
    by_table = {r["table"]: r["rows"] for r in rows}
    agents = (out / "坐席花名册.csv").read_text(encoding="utf-8-sig").strip().split("\n")
    assert by_table["agents"] == len(agents) - 1


def test_demo_command_parquet_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--agents", "12", "--months", "1", "--out", str(tmp_path), "--format",
              "parquet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".parquet"] * 11
    assert "11 files" in result.stdout


def test_demo_command_rejects_a_bad_start_month(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--start", "September", "--out", str(tmp_path)])
    assert isinstance(result.exception, UsageError)
    assert "--start must be a month" in result.exception.message
