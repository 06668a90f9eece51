"""``kefu --help`` and ``--version`` start without the heavy libraries.

Start-up is checked by what gets imported, in a fresh interpreter, not by timing:
the commands import Ibis, SQLAlchemy, the reports and the rest when they run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ("ibis", "sqlalchemy", "pandas", "duckdb", "snownlp", "kefu.web", "kefu.reports",
         "kefu.demo", "kefu.scoring", "kefu.ingest", "kefu.store", "kefu.workspace")  # fmt: skip

PROBE = """
import json, sys
sys.argv = ["kefu", *json.loads(sys.argv[1])]
from kefu.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\n@@" + json.dumps(sorted(sys.modules)))
"""


def _modules_after(*args: str) -> tuple[str, set[str]]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )  # fmt: skip
    return done.stdout, set(json.loads(done.stderr.rsplit("@@", 1)[1]))


def _loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("metrics", "--help")])
def test_help_and_version_import_no_heavy_library(args):
    out, modules = _modules_after(*args)
    assert out.strip()
    assert [p for p in HEAVY if _loaded(modules, p)] == []


def test_version_prints_the_package_version():
    from kefu import __version__

    out, _ = _modules_after("--version")
    assert out.strip() == f"kefu {__version__}"


def test_constants_restated_for_start_up_match_their_homes():
    from kefu.cli import demo, reports, workflow, workspace
    from kefu.demo import exports as demo_exports
    from kefu.demo import generator
    from kefu.reports import exports as report_exports
    from kefu.reports.labels import LOCALES
    from kefu.settings import DEFAULT_TIMEZONE
    from kefu.workflow.trail import MAX_ROWS

    assert (demo.DEFAULT_AGENTS, demo.DEFAULT_MONTHS, demo.DEFAULT_SEED, demo.DEFAULT_START) == (
        generator.DEFAULT_AGENTS, generator.DEFAULT_MONTHS, generator.DEFAULT_SEED,
        generator.DEFAULT_START,
    )  # fmt: skip
    assert [f.value for f in demo.ExportFormat] == [f.value for f in demo_exports.ExportFormat]
    assert [f.value for f in reports.ExportFormat] == [f.value for f in report_exports.ExportFormat]
    assert reports.LOCALES == LOCALES
    assert workflow.MAX_ROWS == MAX_ROWS
    assert workspace.DEFAULT_TIMEZONE == DEFAULT_TIMEZONE


def test_metrics_answered_from_the_sql_cache_import_no_compiler_model_or_migrations(tmp_path):
    from kefu.workspace import Workspace
    from tests.factories import add_records
    from tests.metrics.helpers import contact, roster, sh

    home = tmp_path / "ws"
    ws = Workspace.init(home)
    roster(ws, ("A1", "T1", "S1"))
    add_records(ws, "contacts", [contact("c1", "A1", sh(2026, 10, 5, 9))])
    add_records(ws, "surveys", [
        {"survey_id": "s1", "agent_id": "A1", "responded_at": sh(2026, 10, 5, 9),
         "comment": "态度很差"},
    ])  # fmt: skip
    ws.close()
    args = ("metrics", "--period", "2026-10", "--format", "json", "--home", str(home))
    first, _ = _modules_after(*args)  # compiles and stores the SQL
    again, modules = _modules_after(*args)
    assert json.loads(again) == json.loads(first)
    # (pandas may come: DuckDB loads it to register the empty tables of a tiny workspace.)
    unwanted = ("ibis", "snownlp", "alembic", "kefu.ingest.pipeline", "kefu.metrics.engine")
    assert [p for p in unwanted if _loaded(modules, p)] == []
