"""A survey comment's sentiment is scored once, at import, and stored with the record."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kefu.ingest import import_file
from kefu.ingest import sentiment as stored_sentiment
from kefu.ingest.compact import compact_store
from kefu.ingest.sentiment import model_version, rederive, sentiment
from kefu.store.catalog import BatchState, ImportBatch
from kefu.store.tables import TABLES, arrow_schema
from tests.metrics.helpers import figure, roster

ANGRY = "客服态度太差了，问了三遍都没解决，非常生气"
HAPPY = "客服小姐姐很耐心，问题很快就解决了，非常满意，谢谢"
SURVEYS = (
    "survey_id,agent_id,responded_at,csat,nps,comment\n"
    f"S1,A1,2026-10-12 10:00,,,{ANGRY}\n"  # comment only: negative by its sentiment
    f"S2,A1,2026-10-12 10:00,,,{HAPPY}\n"  # comment only: positive
    f"S3,A1,2026-10-12 10:00,5,,{ANGRY}\n"  # csat decides, the comment is still scored
    "S4,A1,2026-10-12 10:00,,,\n"  # nothing said
)
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def ws1(ws, tmp_path):
    roster(ws, ("A1", "T1"))
    return ws


def _import(ws, tmp_path: Path, text: str = SURVEYS, name: str = "surveys.csv") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_file(ws, path, table="surveys")
    assert result.rejected == 0, result.message


def _stored(ws) -> dict[str, tuple[float | None, str | None]]:
    out = {}
    for path in ws.facts.committed_files("surveys"):
        t = pq.read_table(path).to_pylist()
        out |= {r["survey_id"]: (r.get("sentiment"), r.get("sentiment_model")) for r in t}
    return out


def _legacy_batch(ws, rows: list[dict]) -> None:
    """A surveys batch as a Kefu older than the sentiment column wrote it."""
    spec = TABLES["surveys"]
    schema = pa.schema([f for f in arrow_schema(spec) if not f.name.startswith("sentiment")])
    with ws.db.transaction() as s:
        batch = ImportBatch(
            table_name="surveys", source="default", source_file="old.csv",
            file_sha256="legacy", state=BatchState.PENDING, files=[],
        )  # fmt: skip
        s.add(batch)
        s.flush()
        batch_id = batch.id
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    columns |= {"source": ["default"] * len(rows), "batch_id": [batch_id] * len(rows),
                "source_file": ["old.csv"] * len(rows),
                "source_row": list(range(2, len(rows) + 2))}  # fmt: skip
    path = ws.facts.batch_file("surveys", batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=schema), path)
    with ws.db.transaction() as s:
        b = s.get(ImportBatch, batch_id)
        b.files, b.state = [str(path.relative_to(ws.facts.root))], BatchState.COMMITTED


def _legacy_rows() -> list[dict]:
    from tests.metrics.helpers import sh

    at = sh(2026, 10, 12, 10)
    return [
        {"survey_id": "S1", "agent_id": "A1", "responded_at": at, "comment": ANGRY},
        {"survey_id": "S2", "agent_id": "A1", "responded_at": at, "comment": HAPPY},
        {"survey_id": "S3", "agent_id": "A1", "responded_at": at, "csat": 5, "comment": ANGRY},
        {"survey_id": "S4", "agent_id": "A1", "responded_at": at},
    ]


def test_import_stores_each_comments_score_and_the_model(ws1, tmp_path):
    _import(ws1, tmp_path)
    got = _stored(ws1)
    model = model_version()
    assert got["S1"] == (pytest.approx(sentiment(ANGRY)), model)
    assert got["S2"] == (pytest.approx(sentiment(HAPPY)), model)
    assert got["S3"] == (pytest.approx(sentiment(ANGRY)), model)
    assert got["S4"] == (None, model)


def test_blank_comments_are_not_scored():
    assert stored_sentiment.scores([None, "", "  \t", HAPPY]) == [
        None,
        None,
        None,
        sentiment(HAPPY),
    ]


def test_indicators_read_the_stored_score_without_loading_the_model(ws1, tmp_path):
    _import(ws1, tmp_path)
    # A fresh interpreter: this one has the model loaded already.
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "from kefu.metrics import compute\n"
        "from kefu.workspace import Workspace\n"
        "ws = Workspace.open(sys.argv[1])\n"
        "f = compute(ws, '2026-10', indicators=['negative_review_rate'], keys=['A1'],\n"
        "            as_of=datetime(2026, 11, 20))[0]\n"
        "print(f.numerator, f.denominator, 'snownlp' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code, str(ws1.home)], capture_output=True,
                         text=True, env=env, check=True, timeout=300)  # fmt: skip
    # S1 (angry, comment only) is negative; S2 is positive; S3's csat 5 is not; S4 says nothing.
    assert out.stdout.split() == ["1.0", "3.0", "False"]


def test_records_without_a_stored_score_still_compute_the_same(ws1, tmp_path):
    _legacy_batch(ws1, _legacy_rows())
    f = figure(ws1, "2026-10", "negative_review_rate", "A1")
    assert (f.numerator, f.denominator) == (1, 3)


def test_rederive_fills_old_records_once_and_a_second_run_changes_nothing(ws1, tmp_path):
    _legacy_batch(ws1, _legacy_rows())
    before = figure(ws1, "2026-10", "negative_review_rate", "A1")
    done = rederive(ws1)
    assert (done.files, done.rows, done.skipped) == (1, 4, 0)
    assert _stored(ws1)["S1"] == (pytest.approx(sentiment(ANGRY)), model_version())
    again = rederive(ws1)
    assert (again.files, again.skipped) == (0, 1)
    after = figure(ws1, "2026-10", "negative_review_rate", "A1")
    assert (after.numerator, after.denominator) == (before.numerator, before.denominator)


def test_a_model_change_makes_stored_scores_stale_until_rederived(ws1, tmp_path, monkeypatch):
    _import(ws1, tmp_path)
    # Stored by another model: a score that would flip S2 to negative must not be used.
    path = ws1.facts.committed_files("surveys")[0]
    t = pq.read_table(path)
    t = t.set_column(t.schema.get_field_index("sentiment"), "sentiment",
                     pa.array([0.01] * t.num_rows, pa.float64()))  # fmt: skip
    t = t.set_column(t.schema.get_field_index("sentiment_model"), "sentiment_model",
                     pa.array(["snownlp-0.0"] * t.num_rows, pa.string()))  # fmt: skip
    pq.write_table(t, path)
    stale = figure(ws1, "2026-10", "negative_review_rate", "A1")
    assert (stale.numerator, stale.denominator) == (1, 3)
    assert rederive(ws1).files == 1
    assert {m for _, m in _stored(ws1).values()} == {model_version()}


def test_compact_keeps_the_stored_scores(ws1, tmp_path):
    _import(ws1, tmp_path)
    _import(ws1, tmp_path, SURVEYS.replace("S4,", "S5,"), name="more.csv")
    before = _stored(ws1)
    compact_store(ws1, table="surveys", actor="test")
    assert len(ws1.facts.committed_files("surveys")) == 1
    assert _stored(ws1) == before


def test_rederive_command_reports_what_it_rewrote(ws1):
    from typer.testing import CliRunner

    from kefu.cli import app

    _legacy_batch(ws1, _legacy_rows())
    result = CliRunner().invoke(app, ["rederive-sentiment", "--home", str(ws1.home)])
    assert result.exit_code == 0, result.output
    assert "1 file(s), 4 survey(s)" in result.stdout
    again = CliRunner().invoke(app, ["rederive-sentiment", "--home", str(ws1.home)])
    assert "0 file(s), 0 survey(s)" in again.stdout
