"""``kefu batches retract N``: a batch's records stop counting; figures and scores go back.

Small stores show the rule (the version before the batch counts again, its rows stay
on disk); the demo centre shows what pays: October is scored and published, a wrong
complaints file is imported and scored, and retracting it brings every figure and
score back to the published ones — through a revision, as a published month must.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from kefu import scoring
from kefu.audit import AuditEntry
from kefu.cli import app
from kefu.demo import run as demo_run
from kefu.ingest import batches, import_file
from kefu.ingest.compact import compact_store
from kefu.metrics.api import compute
from kefu.reports.status import status_of
from kefu.scoring.runs import latest_run
from kefu.store.catalog import BatchState, ImportBatch
from kefu.workspace import Workspace
from tests.ingest.helpers import stored, write

runner = CliRunner()
HEADER = "complaint_id,received_at,status\n"
OCTOBER = "2026-10"
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)


def kefu(ws: Workspace, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--home", str(ws.home)])


def said(result) -> str:  # type: ignore[no-untyped-def]
    """What the command printed, or the one line ``kefu`` prints for its error."""
    return " ".join((result.output + str(result.exception or "")).split())


def exit_code(result) -> int:  # type: ignore[no-untyped-def]
    """The status ``kefu`` exits with (its main turns a KefuError into the error's code)."""
    return getattr(result.exception, "exit_code", result.exit_code)


def statuses(ws: Workspace) -> dict[str, str]:
    return {r["complaint_id"]: r["status"] for r in stored(ws, "complaints")}


def state_of(ws: Workspace, batch_id: int) -> str:
    with ws.db.session() as s:
        batch = s.get(ImportBatch, batch_id)
        assert batch is not None
        return batch.state


# -- the rule, on a small store -------------------------------------------------------
def test_retracting_a_correction_makes_the_version_before_it_count_again(
    ws: Workspace, tmp_path: Path
) -> None:
    first = import_file(ws, write(tmp_path / "c1.csv", HEADER + "K1,2026-10-01,open\n"),
                        table="complaints")  # fmt: skip
    second = import_file(ws, write(tmp_path / "c2.csv", HEADER + "K1,2026-10-01,upheld\n"
                                   "K2,2026-10-02,open\n"), table="complaints")  # fmt: skip
    assert statuses(ws) == {"K1": "upheld", "K2": "open"}
    result = kefu(ws, "batches", "retract", str(second.batch))
    assert result.exit_code == 0, result.output
    assert f"batch {second.batch} (complaints, c2.csv) retracted" in " ".join(result.output.split())
    assert statuses(ws) == {"K1": "open"}
    assert state_of(ws, second.batch or 0) == BatchState.RETRACTED
    # Kept for the audit trail: the batch's file is still there, and still listed.
    assert any(f"b{second.batch:08d}" in str(p) for p in ws.facts.committed_files("complaints"))
    assert first.batch is not None


def test_a_retracted_batch_stays_out_after_a_compaction_merged_its_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    import_file(ws, write(tmp_path / "c1.csv", HEADER + "K1,2026-10-01,open\n"), table="complaints")
    second = import_file(ws, write(tmp_path / "c2.csv", HEADER + "K2,2026-10-02,open\n"),
                         table="complaints")  # fmt: skip
    assert kefu(ws, "batches", "retract", str(second.batch)).exit_code == 0
    compact_store(ws, actor="test")
    assert statuses(ws) == {"K1": "open"}
    # Compacted after retraction, and then a third import: still only K1 and K3.
    import_file(ws, write(tmp_path / "c3.csv", HEADER + "K3,2026-10-03,open\n"), table="complaints")
    assert statuses(ws) == {"K1": "open", "K3": "open"}


def test_retracting_twice_is_refused_clearly(ws: Workspace, tmp_path: Path) -> None:
    done = import_file(ws, write(tmp_path / "c.csv", HEADER + "K1,2026-10-01,open\n"),
                       table="complaints")  # fmt: skip
    assert kefu(ws, "batches", "retract", str(done.batch)).exit_code == 0
    again = kefu(ws, "batches", "retract", str(done.batch))
    assert exit_code(again) == 1
    assert f"batch {done.batch} was already retracted" in said(again)
    missing = kefu(ws, "batches", "retract", "99")
    assert exit_code(missing) == 1 and "no import batch 99" in said(missing)


def test_retracting_while_an_import_runs_is_refused(ws: Workspace, tmp_path: Path) -> None:
    done = import_file(ws, write(tmp_path / "c.csv", HEADER + "K1,2026-10-01,open\n"),
                       table="complaints")  # fmt: skip
    with batches.import_lock(ws):  # as an import in another process holds it
        busy = kefu(ws, "batches", "retract", str(done.batch))
    assert exit_code(busy) == 3
    assert "Another import is running" in said(busy)
    assert state_of(ws, done.batch or 0) == BatchState.COMMITTED


def test_a_batch_a_later_import_found_unchanged_is_refused_until_that_one_goes(
    ws: Workspace, tmp_path: Path
) -> None:
    first = import_file(ws, write(tmp_path / "c1.csv", HEADER + "K1,2026-10-01,open\n"),
                        table="complaints")  # fmt: skip
    # K1 unchanged: the second batch stores only K2, and relies on the first for K1.
    second = import_file(ws, write(tmp_path / "c2.csv", HEADER + "K1,2026-10-01,open\n"
                                   "K2,2026-10-02,open\n"), table="complaints")  # fmt: skip
    refused = kefu(ws, "batches", "retract", str(first.batch))
    assert exit_code(refused) == 1
    assert f"later batch(es) {second.batch} of complaints found records of it unchanged" in (
        said(refused)
    )
    assert statuses(ws) == {"K1": "open", "K2": "open"}
    assert kefu(ws, "batches", "retract", str(second.batch)).exit_code == 0
    assert kefu(ws, "batches", "retract", str(first.batch)).exit_code == 0
    assert statuses(ws) == {}


def test_a_retracted_file_can_be_imported_again_and_counts_again(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "c.csv", HEADER + "K1,2026-10-01,open\nK2,2026-10-02,open\n")
    done = import_file(ws, path, table="complaints")
    assert kefu(ws, "batches", "retract", str(done.batch)).exit_code == 0
    again = import_file(ws, path, table="complaints")
    assert (again.status, again.new, again.changed) == ("imported", 2, 0)
    assert again.batch != done.batch
    assert statuses(ws) == {"K1": "open", "K2": "open"}


def test_a_retraction_is_audited(ws: Workspace, tmp_path: Path) -> None:
    done = import_file(ws, write(tmp_path / "c.csv", HEADER + "K1,2026-10-01,open\n"),
                       table="complaints")  # fmt: skip
    assert kefu(ws, "batches", "retract", str(done.batch)).exit_code == 0
    with ws.db.session() as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "import.retract"))
        assert entry.object_id == str(done.batch)
        batch = s.get(ImportBatch, done.batch)
        assert batch is not None and batch.retracted_by and batch.retracted_at


# -- what pays: the demo centre ---------------------------------------------------------
@dataclass(frozen=True)
class Demo:
    home: Path
    agent: str  # an agent of the roster


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo centre (12 agents, October 2026) imported, scored and published."""
    home = tmp_path_factory.mktemp("retract") / "demo"
    run = demo_run.DemoRun(home=home, agents=12, months=1, start=OCTOBER,
                           console=Console(quiet=True))  # fmt: skip
    steps = [demo_run.fresh_workspace, demo_run.generate_exports,
             demo_run.write_mapping_profiles, demo_run.import_exports]  # fmt: skip
    demo_run.run_demo(run, steps)
    ws = run.workspace
    scoring.score_period(ws, OCTOBER, actor="test", as_of=AS_OF)
    scoring.publish(ws, OCTOBER, actor="test")
    agent = sorted(r["agent_id"] for r in stored(ws, "agents"))[0]
    ws.close()
    return Demo(home, agent)


@pytest.fixture
def centre(demo: Demo, tmp_path: Path) -> Iterator[Workspace]:
    home = tmp_path / "demo"
    shutil.copytree(demo.home, home)
    ws = Workspace.open(home)
    yield ws
    ws.close()


def figures(ws: Workspace) -> list[tuple[str, str, float | None]]:
    found = compute(ws, OCTOBER, level="agent", indicators=["complaint_rate"])
    return sorted((f.key, f.indicator, f.value) for f in found)


def scores(ws: Workspace) -> list[tuple[str, float, str, float]]:
    return sorted(
        (r["agent_id"], r["total"], r["grade"], r["pay_coefficient"])
        for r in scoring.results(ws, OCTOBER)
    )


def wrong_complaints(tmp_path: Path, agent: str) -> Path:
    """Three upheld complaints the centre's own staff caused, against one agent."""
    header = "投诉单号,被投诉坐席,投诉时间,投诉原因,严重程度,是否客服责任,处理状态\n"
    lines = "".join(
        f"WRONG-{i},{agent},2026-10-1{i} 10:00:00,服务态度,重大,是,成立\n" for i in range(1, 4)
    )
    return write(tmp_path / "投诉-错误.csv", header + lines)


def test_retracting_a_wrong_import_brings_figures_and_scores_back_through_a_revision(
    centre: Workspace, demo: Demo, tmp_path: Path
) -> None:
    published = latest_run(centre, OCTOBER)
    assert published is not None and status_of(centre, published) == "published"
    figures_before, scores_before = figures(centre), scores(centre)
    wrong_file = wrong_complaints(tmp_path, demo.agent)
    imported = kefu(centre, "import", str(wrong_file), "--table", "complaints",
                    "--source", "feedback", "--format", "json")  # fmt: skip
    assert imported.exit_code == 0, imported.output
    batch_id = max(b.id for b in centre.facts.committed_batches("complaints"))
    assert figures(centre) != figures_before
    assert status_of(centre, published) == "published_stale"
    scoring.score_period(centre, OCTOBER, actor="test", as_of=AS_OF)
    assert scores(centre) != scores_before
    wrong = latest_run(centre, OCTOBER)
    assert wrong is not None and wrong.revision_of == published.id
    assert wrong.results_hash != published.results_hash

    assert kefu(centre, "batches", "retract", str(batch_id)).exit_code == 0
    assert figures(centre) == figures_before
    assert status_of(centre, wrong) == "stale"  # it counted the batch retracted now
    for _ in range(2):  # the same data twice moves nothing
        revision = scoring.score_period(centre, OCTOBER, actor="test", as_of=AS_OF)
        assert revision.revision_of == published.id
        assert revision.results_hash == published.results_hash
        assert status_of(centre, revision) == "revision_pending"
    assert scores(centre) == scores_before
