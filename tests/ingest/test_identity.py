"""One record, one identity: a re-import never turns stored records into new ones by accident.

The demo centre imports 投诉.csv under source ``feedback``. Importing that file
again without a source, through the CLI or the web, must update nothing; under
another source it is refused, naming ``feedback`` and the batch, until the user
chooses ``--source feedback`` (same records) or ``--as-new-source`` (another system).
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select
from typer.testing import CliRunner

from kefu import scoring
from kefu.cli import app
from kefu.demo import run as demo_run
from kefu.metrics.api import compute
from kefu.store.catalog import ImportBatch
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.ingest.helpers import stored, write
from tests.web.support import make_web

runner = CliRunner()
OCTOBER = "2026-10"
AS_OF = datetime(2026, 11, 20, tzinfo=UTC)
COMPLAINTS = "投诉.csv"


@dataclass(frozen=True)
class Demo:
    home: Path
    complaints: int  # accepted rows of 投诉.csv
    complaints_batch: int


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The demo centre (12 agents, October 2026) imported as the demo does, and scored."""
    home = tmp_path_factory.mktemp("identity") / "demo"
    run = demo_run.DemoRun(home=home, agents=12, months=1, start=OCTOBER,
                           console=Console(quiet=True))  # fmt: skip
    steps = [demo_run.fresh_workspace, demo_run.generate_exports,
             demo_run.write_mapping_profiles, demo_run.import_exports]  # fmt: skip
    demo_run.run_demo(run, steps)
    (complaints,) = [r for r in run.imports if r.file == COMPLAINTS]
    scoring.score_period(run.workspace, OCTOBER, actor="test", as_of=AS_OF)
    run.workspace.close()
    assert complaints.accepted > 0 and complaints.batch is not None
    return Demo(home, complaints.accepted, complaints.batch)


@pytest.fixture
def centre(demo: Demo, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the demo workspace this test may change."""
    home = tmp_path / "demo"
    shutil.copytree(demo.home, home)
    ws = Workspace.open(home)
    yield ws
    ws.close()


def kefu(ws: Workspace, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--home", str(ws.home)])


def complaints_file(ws: Workspace) -> Path:
    return ws.home / "exports" / COMPLAINTS


def batch_count(ws: Workspace) -> int:
    with ws.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ImportBatch)) or 0)


def complaint_figures(ws: Workspace) -> list[tuple[str, float | None, float, float]]:
    figures = compute(ws, OCTOBER, level="agent", indicators=["complaint_rate"])
    return sorted((f.key, f.value, f.numerator, f.denominator) for f in figures)


def october_scores(ws: Workspace) -> list[dict[str, object]]:
    scoring.score_period(ws, OCTOBER, actor="test", as_of=AS_OF)
    return scoring.results(ws, OCTOBER)


def test_the_demo_complaints_again_without_a_source_load_nothing_new(
    centre: Workspace, demo: Demo
) -> None:
    before = complaint_figures(centre)
    result = kefu(centre, "import", str(complaints_file(centre)))
    assert result.exit_code == 0, result.output
    assert f"already imported (batch {demo.complaints_batch})" in result.output
    assert len(stored(centre, "complaints")) == demo.complaints
    assert complaint_figures(centre) == before


def test_a_re_export_of_the_same_complaints_without_a_source_updates_the_same_records(
    centre: Workspace, demo: Demo, tmp_path: Path
) -> None:
    # Other bytes (CRLF line ends, as Excel saves), the same records: not "already
    # imported" by content, so the records are compared under the remembered source.
    text = complaints_file(centre).read_text(encoding="utf-8-sig")
    resaved = tmp_path / COMPLAINTS
    resaved.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    before = complaint_figures(centre)
    result = kefu(centre, "import", str(resaved), "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"new": 0' in result.output and '"changed": 0' in result.output
    assert len(stored(centre, "complaints")) == demo.complaints
    assert complaint_figures(centre) == before


def test_another_source_is_refused_naming_feedback_and_its_batch(
    centre: Workspace, demo: Demo
) -> None:
    before = complaint_figures(centre)
    batches = batch_count(centre)
    result = kefu(centre, "import", str(complaints_file(centre)), "--source", "crm")
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert (
        f"{COMPLAINTS}: {demo.complaints} record id(s) of complaints already exist under "
        f"source 'feedback' (batch {demo.complaints_batch}), not under 'crm'; nothing was loaded"
    ) in said
    assert "--source feedback" in said and "--as-new-source" in said
    # Atomic: nothing stored, no batch recorded, and crm is not remembered for complaints.
    assert batch_count(centre) == batches
    assert complaint_figures(centre) == before
    again = kefu(centre, "import", str(complaints_file(centre)))
    assert f"already imported (batch {demo.complaints_batch})" in again.output


def test_choosing_the_stored_source_after_a_refusal_moves_no_figure_and_no_score(
    centre: Workspace, demo: Demo
) -> None:
    figures, scores = complaint_figures(centre), october_scores(centre)
    refused = kefu(centre, "import", str(complaints_file(centre)), "--source", "crm")
    assert refused.exit_code == 1
    for _ in range(2):  # the same input twice moves nothing
        chosen = kefu(centre, "import", str(complaints_file(centre)), "--source", "feedback")
        assert chosen.exit_code == 0, chosen.output
        assert f"already imported (batch {demo.complaints_batch})" in chosen.output
    assert complaint_figures(centre) == figures
    assert october_scores(centre) == scores


def test_as_new_source_keeps_both_systems_records(centre: Workspace, demo: Demo) -> None:
    result = kefu(
        centre, "import", str(complaints_file(centre)), "--source", "crm", "--as-new-source"
    )
    assert result.exit_code == 0, result.output
    rows = stored(centre, "complaints")
    by_source = {s: sum(1 for r in rows if r["source"] == s) for s in ("feedback", "crm")}
    assert by_source == {"feedback": demo.complaints, "crm": demo.complaints}


# -- hand-built: a genuinely different system whose ids collide ---------------------
HEADER = "complaint_id,received_at,status\n"


def test_a_second_system_with_colliding_ids_is_refused_then_kept_apart_by_choice(
    ws: Workspace, tmp_path: Path
) -> None:
    lines = "K1,2026-10-01,open\nK2,2026-10-02,open\nK3,2026-10-03,open\n"
    hotline = write(tmp_path / "complaints-hotline.csv", HEADER + lines)
    assert kefu(ws, "import", str(hotline), "--source", "hotline").exit_code == 0
    # The e-shop numbers its complaints the same way: K2 and K3 are other complaints.
    lines = "K2,2026-10-05,upheld\nK3,2026-10-06,open\nK4,2026-10-07,open\n"
    shop = write(tmp_path / "complaints-shop.csv", HEADER + lines)
    refused = kefu(ws, "import", str(shop), "--source", "shop")
    assert refused.exit_code == 1
    said = " ".join(refused.output.split())
    assert "2 record id(s) of complaints already exist under source 'hotline' (batch 1)" in said
    assert len(stored(ws, "complaints")) == 3
    kept = kefu(ws, "import", str(shop), "--source", "shop", "--as-new-source")
    assert kept.exit_code == 0, kept.output
    rows = {(r["source"], r["complaint_id"]): r["status"] for r in stored(ws, "complaints")}
    assert rows == {
        ("hotline", "K1"): "open", ("hotline", "K2"): "open", ("hotline", "K3"): "open",
        ("shop", "K2"): "upheld", ("shop", "K3"): "open", ("shop", "K4"): "open",
    }  # fmt: skip
    # The shop's corrected export updates its own K3: a record it already holds, no refusal.
    corrected = write(tmp_path / "complaints-shop-2.csv", HEADER + "K3,2026-10-06,upheld\n")
    assert kefu(ws, "import", str(corrected), "--source", "shop").exit_code == 0
    # Without --source the last source (shop) is used: the hotline's new file, whose K1
    # only the hotline holds, is refused rather than loaded as the shop's K1.
    more = write(tmp_path / "complaints-hotline-2.csv", HEADER + "K1,2026-10-01,upheld\n")
    guessed = kefu(ws, "import", str(more))
    assert guessed.exit_code == 1
    assert "already exist under source 'hotline'" in " ".join(guessed.output.split())
    assert kefu(ws, "import", str(more), "--source", "hotline").exit_code == 0
    rows = {(r["source"], r["complaint_id"]): r["status"] for r in stored(ws, "complaints")}
    assert rows[("hotline", "K1")] == "upheld" and rows[("shop", "K3")] == "upheld"
    assert len(rows) == 6


def test_the_source_comes_from_the_option_the_profile_the_table_s_last_source_or_default(
    ws: Workspace, tmp_path: Path
) -> None:
    def source_of(complaint_id: str) -> str:
        (row,) = [r for r in stored(ws, "complaints") if r["complaint_id"] == complaint_id]
        return str(row["source"])

    first = write(tmp_path / "c1.csv", HEADER + "A1,2026-10-01,open\n")
    assert kefu(ws, "import", str(first), "--table", "complaints").exit_code == 0
    assert source_of("A1") == "default"
    second = write(tmp_path / "c2.csv", HEADER + "A2,2026-10-01,open\n")
    assert kefu(ws, "import", str(second), "--table", "complaints", "--source", "desk",
                "--as-new-source").exit_code == 0  # fmt: skip
    third = write(tmp_path / "c3.csv", HEADER + "A3,2026-10-01,open\n")
    assert kefu(ws, "import", str(third), "--table", "complaints").exit_code == 0
    assert source_of("A3") == "desk"  # remembered
    (ws.mappings_dir / "shop.yaml").write_text("table: complaints\nsource: shop\n", "utf-8")
    fourth = write(tmp_path / "c4.csv", HEADER + "A4,2026-10-01,open\n")
    assert kefu(ws, "import", str(fourth), "--mapping", "shop").exit_code == 0
    assert source_of("A4") == "shop"  # the profile names one
    (ws.mappings_dir / "plain.yaml").write_text("table: complaints\n", "utf-8")
    fifth = write(tmp_path / "c5.csv", HEADER + "A5,2026-10-01,open\n")
    assert kefu(ws, "import", str(fifth), "--mapping", "plain").exit_code == 0
    assert source_of("A5") == "shop"  # a profile without a source: the last one


def test_records_kefu_writes_itself_are_not_checked_against_other_sources(
    ws: Workspace, tmp_path: Path
) -> None:
    from kefu.ingest import import_records

    f = write(tmp_path / "complaints.csv", HEADER + "K1,2026-10-01,open\n")
    assert kefu(ws, "import", str(f), "--source", "hotline").exit_code == 0
    record = {"complaint_id": "K1", "received_at": "2026-10-01", "status": "upheld"}
    r = import_records(ws, "complaints", [record], source="appeals", label="x", actor="t")
    assert (r.new, r.rejected) == (1, 0)


def test_a_refused_file_records_no_batch_in_the_catalog(ws: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path / "complaints.csv", HEADER + "K1,2026-10-01,open\n")
    assert kefu(ws, "import", str(f), "--source", "hotline").exit_code == 0
    result = kefu(ws, "import", str(f), "--source", "shop", "--format", "json")
    assert result.exit_code == 1
    assert '"status": "refused"' in result.stdout
    assert batch_count(ws) == 1


# -- the web upload: the same rule, the choice as two buttons on the kept file -------
def _upload(web, client, name: str, content: bytes, **form: str):  # type: ignore[no-untyped-def]
    token = web.csrf(client, "/imports")
    return _job_page(client, client.post("/imports", files=[("files", (name, content, "text/csv"))],
                                         data={**form, "csrf_token": token}))  # fmt: skip


def _job_page(client, answer):  # type: ignore[no-untyped-def]
    # An upload (or a choice) answers with its import job's page, where the results are.
    assert answer.status_code == 303, answer.text
    return client.get(answer.headers["location"])


def _hidden(page: str, form: int, name: str) -> str:
    chunk = page.split('action="/imports/again"')[form + 1].split("</form>")[0]
    match = re.search(rf'name="{name}" value="([^"]*)"', chunk)
    assert match, f"no {name} in choice form {form}"
    return html.unescape(match.group(1))


def _choose(web, client, page: str, choice: str):  # type: ignore[no-untyped-def]
    form = 0 if choice == "update" else 1
    data = {k: _hidden(page, form, k) for k in ("upload", "file", "table", "mapping", "source")}
    token = web.csrf(client, "/imports")
    answer = client.post("/imports/again", data={**data, "choice": choice, "csrf_token": token})
    return _job_page(client, answer)


def test_the_demo_complaints_uploaded_through_the_web_load_nothing_new(
    centre: Workspace, demo: Demo
) -> None:
    before = complaint_figures(centre)
    web = make_web(centre)
    client = web.login("qa", Role.qa)
    page = _upload(web, client, COMPLAINTS, complaints_file(centre).read_bytes())
    results = page.text.split('id="upload-results"')[1].split("</section>")[0]
    assert "已导入过（无变化）" in results
    assert len(stored(centre, "complaints")) == demo.complaints
    assert complaint_figures(centre) == before


def test_a_web_upload_under_another_source_is_refused_with_both_choices(
    centre: Workspace, demo: Demo
) -> None:
    (centre.mappings_dir / "complaints-crm.yaml").write_text(
        "table: complaints\nsource: crm\n", encoding="utf-8"
    )
    before = complaint_figures(centre)
    web = make_web(centre)
    client = web.login("qa", Role.qa)
    content = complaints_file(centre).read_bytes()
    page = _upload(web, client, COMPLAINTS, content, mapping="complaints-crm")
    assert (
        f"{COMPLAINTS}：有 {demo.complaints} 条投诉记录的编号已存在于来源“feedback”"
        f"（批次 {demo.complaints_batch}），而不是“crm”；未导入任何数据。"
    ) in page.text
    assert "更新这些记录（按来源“feedback”导入）" in page.text
    assert "两者都保留：“crm”是另一个系统" in page.text
    assert complaint_figures(centre) == before
    # The same file, kept on the server: "update" imports it under feedback, a no-op.
    updated = _choose(web, client, page.text, "update")
    assert "已导入过（无变化）" in updated.text
    assert complaint_figures(centre) == before
    token = web.csrf(client, "/")
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": token})
    page = _upload(web, client, COMPLAINTS, content, mapping="complaints-crm")
    assert (
        f"{COMPLAINTS}: {demo.complaints} record ids of complaints already exist under source "
        f"“feedback” (batch {demo.complaints_batch}), not under “crm”; nothing was loaded."
    ) in page.text
    assert "Keep both: “crm” is a different system" in page.text
    kept = _choose(web, client, page.text, "keep_both")
    assert kept.status_code == 200
    rows = stored(centre, "complaints")
    assert sum(1 for r in rows if r["source"] == "crm") == demo.complaints
    assert sum(1 for r in rows if r["source"] == "feedback") == demo.complaints


def test_a_choice_names_a_kept_upload_only(centre: Workspace) -> None:
    web = make_web(centre)
    client = web.login("qa", Role.qa)
    token = web.csrf(client, "/imports")
    for upload, file in (("0" * 64, COMPLAINTS), ("../../kefu", "kefu.db"), ("0" * 64, "../x")):
        response = client.post("/imports/again", data={
            "upload": upload, "file": file, "source": "feedback", "choice": "update",
            "csrf_token": token})  # fmt: skip
        assert response.status_code == 404, (upload, file)
