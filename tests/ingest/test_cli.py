from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from typer.testing import CliRunner

from kefu.cli import app
from kefu.errors import KefuError
from kefu.ingest import batches
from tests.ingest.helpers import stored, write

runner = CliRunner()
HEADER = "contact_id,channel,offered_at,talk_seconds\n"


def run(ws, *args):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--home", str(ws.home)])


def status(result) -> int:  # type: ignore[no-untyped-def]
    """The exit status `kefu` gives: main() turns a KefuError into its exit_code."""
    if isinstance(result.exception, KefuError):
        return result.exception.exit_code
    return result.exit_code


def test_import_summary_as_json_and_exit_0_with_rejects(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", HEADER + "C1,phone,2026-10-01,60\nC2,phone,bad,1\n")
    result = run(ws, "import", str(f), "--format", "json")
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)
    keys = ("file", "table", "rows_read", "accepted", "rejected", "new")
    assert {k: summary[k] for k in keys} == {
        "file": "contacts.csv", "table": "contacts", "rows_read": 2, "accepted": 1,
        "rejected": 1, "new": 1,
    }  # fmt: skip
    again = run(ws, "import", str(f))
    assert again.exit_code == 0
    assert "already imported (batch 1)" in again.stdout


def test_an_unreadable_file_exits_1_after_the_others_load(ws, tmp_path):
    good = write(tmp_path / "contacts.csv", HEADER + "C1,phone,2026-10-01,60\n")
    bad = write(tmp_path / "mystery.csv", "foo,bar\n1,2\n")
    result = run(ws, "import", str(bad), str(good))
    assert result.exit_code == 1
    assert "cannot tell which table" in result.output
    assert len(stored(ws, "contacts")) == 1


def test_usage_errors_exit_2(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", HEADER)
    assert status(run(ws, "import", str(tmp_path / "missing.csv"))) == 2
    assert status(run(ws, "import", str(f), "--table", "nope")) == 2
    assert status(run(ws, "import", str(f), "--mapping", "nope")) == 2
    assert status(run(ws, "import", str(f), "--format", "xml")) == 2


def test_rejects_csv_can_be_fixed_and_imported_again(ws, tmp_path):
    f = write(
        tmp_path / "contacts.csv",
        "通话ID,渠道,进线时间,通话时长\nC1,电话,2026-10-01 08:00,60\nC2,电话,昨天,30\n",
    )
    run(ws, "import", str(f))
    result = run(ws, "rejects", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "通话ID",
        "渠道",
        "进线时间",
        "通话时长",
        "row",
        "column",
        "value",
        "rule",
    ]
    assert (rows[0]["row"], rows[0]["column"], rows[0]["value"]) == ("3", "offered_at", "昨天")
    rows[0]["进线时间"] = "2026-10-01 09:00"
    fixed = io.StringIO()
    writer = csv.writer(fixed)
    writer.writerow(list(rows[0]))
    writer.writerows([list(r.values()) for r in rows])
    fixed_file = write(tmp_path / "contacts_fixed.csv", fixed.getvalue())
    result = run(ws, "import", str(fixed_file), "--format", "json")
    assert json.loads(result.stdout)[0]["accepted"] == 1
    assert sorted(r["contact_id"] for r in stored(ws, "contacts")) == ["C1", "C2"]


def test_rejects_of_an_unknown_batch(ws):
    result = run(ws, "rejects", "--batch", "99")
    assert status(result) == 1
    assert "no import batch 99" in str(result.exception)


def test_compact_merges_batches_and_keeps_versions(ws, tmp_path):
    run(ws, "import", str(write(tmp_path / "contacts.csv", HEADER + "C1,phone,2026-10-01,60\n")))
    run(ws, "import", str(write(tmp_path / "contacts.csv", HEADER + "C1,phone,2026-10-01,90\n")))
    run(
        ws,
        "import",
        str(write(tmp_path / "c3.csv", HEADER + "C3,phone,2026-10-02,5\n")),
        "--table",
        "contacts",
    )
    before = sorted(
        (r["contact_id"], r["talk_seconds"], r["batch_id"]) for r in stored(ws, "contacts")
    )
    result = run(ws, "compact")
    assert result.exit_code == 0, result.output
    assert "contacts: 3 file(s) → 1" in result.stdout
    assert len(ws.facts.committed_files("contacts")) == 1
    # The replaced files outlive the switch by a grace period, for readers mid-query.
    assert len(list(ws.facts.table_dir("contacts").glob("*.parquet"))) == 4
    assert batches.purge_retired(ws, older_than=timedelta(0)) == 3
    assert len(list(ws.facts.table_dir("contacts").glob("*.parquet"))) == 1
    after = sorted(
        (r["contact_id"], r["talk_seconds"], r["batch_id"]) for r in stored(ws, "contacts")
    )
    assert after == before == [("C1", 90, 2), ("C3", 5, 3)]
    every = ws.facts.table(ws.duckdb(), "contacts", all_versions=True).count().execute()
    assert every == 3
    assert "nothing to compact" in run(ws, "compact").stdout


def test_table_summary_names_each_count(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", HEADER + "C1,phone,2026-10-01,60\nC2,phone,bad,1\n")
    result = run(ws, "import", str(f))
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "contacts.csv → contacts (batch 1): 2 read, 1 accepted, 1 rejected, 0 skipped" in text
    listing = run(ws, "rejects", "--format", "json")
    (reject,) = json.loads(listing.stdout)
    assert (reject["row"], reject["column"], reject["value"]) == (3, "offered_at", "bad")
    assert reject["raw"] == {"contact_id": "C2", "channel": "phone", "offered_at": "bad",
                             "talk_seconds": "1"}  # fmt: skip
