"""The built-in profiles import the full public datasets with the counts their SOURCE.md gives.

The datasets are not part of the repository; these tests run when they are present
(``KEFU_TEST_DATASETS``, see tests/conftest.py) and are skipped, saying where they were
looked for, otherwise. The same profiles are tested on committed samples in
test_dataset_samples.py.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

import pytest

from kefu.ingest import import_file
from kefu.workspace import Workspace
from tests.conftest import DATASETS
from tests.ingest.helpers import rejects

pytestmark = pytest.mark.skipif(
    not DATASETS.is_dir(),
    reason=f"the public datasets are not at {DATASETS}; set KEFU_TEST_DATASETS to their folder",
)


def _count(ws: Workspace, table: str, batch: int, where: Callable[[Any], Any] | None = None) -> int:
    t = ws.facts.table(ws.duckdb(), table)
    t = t.filter(t.batch_id == batch)
    if where is not None:
        t = t.filter(where(t))
    return int(t.count().execute())


def test_anonymous_bank_january(tmp_path):
    ws = Workspace.init(tmp_path / "ws", timezone="Asia/Jerusalem")
    path = DATASETS / "anonymous-bank" / "january_1999.tsv"
    r = import_file(ws, path, mapping="anonymous-bank")
    # SOURCE.md: 31,599 calls = 27,060 served + 4,299 abandoned + 240 phantom (skipped).
    assert (r.rows_read, r.skipped, r.rejected, r.accepted) == (31_599, 240, 0, 27_060 + 4_299)
    # Served calls whose service start is 0:00:00 ("did not happen") have no answer time.
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    unanswered_served = sum(
        1 for x in rows if x["outcome"] == "AGENT" and x["ser_start"] == "0:00:00"
    )
    assert (
        _count(ws, "contacts", r.batch, lambda t: t.answered_at.notnull())
        == 27_060 - unanswered_served
    )
    assert (
        _count(
            ws,
            "contacts",
            r.batch,
            lambda t: (t.answered_at < t.offered_at) | (t.ended_at < t.answered_at),
        )
        == 0
    )
    t = ws.facts.table(ws.duckdb(), "contacts")
    assert t.agent_id.nunique().execute() == 28  # SOURCE.md: distinct named agents in January


def test_anonymous_bank_october_rejects_the_two_malformed_rows(ws):
    r = import_file(ws, DATASETS / "anonymous-bank" / "october_1999.tsv", mapping="anonymous-bank")
    # SOURCE.md: 34,625 data rows, 2 malformed (file lines 7315 and 14247), 147 phantom.
    assert (r.rows_read, r.rejected, r.skipped) == (34_625, 2, 147)
    assert r.accepted == 30_861 + 3_615
    assert [(x.row, x.rule.split(":")[0]) for x in rejects(ws)] == [
        (7315, "field_count"), (14247, "field_count"),
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["call_center_dataset.csv", "call_center_dataset.xlsx"])
def test_pwc_calls_and_surveys(ws, name):
    path = DATASETS / "pwc-call-centre" / name
    calls = import_file(ws, path, mapping="pwc-call-centre")
    assert (calls.rows_read, calls.accepted, calls.rejected) == (5_000, 5_000, 0)
    assert _count(ws, "contacts", calls.batch, lambda t: t.answered_at.notnull()) == 4_054
    assert _count(ws, "contacts", calls.batch, lambda t: t.resolved) == 3_646
    surveys = import_file(ws, path, mapping="pwc-call-centre-surveys")
    assert (surveys.accepted, surveys.skipped) == (4_054, 946)


def test_pwc_csv_and_xlsx_hold_the_same_records(ws):
    first = import_file(ws, DATASETS / "pwc-call-centre" / "call_center_dataset.csv",
                        mapping="pwc-call-centre")  # fmt: skip
    second = import_file(ws, DATASETS / "pwc-call-centre" / "call_center_dataset.xlsx",
                         mapping="pwc-call-centre")  # fmt: skip
    assert (first.new, second.unchanged, second.changed) == (5_000, 5_000, 0)


def test_retail_banking_calls_and_complaints(ws):
    d = DATASETS / "retail-banking-crm"
    calls = import_file(ws, d / "crm_call_center_logs.csv", mapping="retail-banking-crm-calls")
    # 3,999 rows: 984 blank call rows and 19 PHANTOM calls are skipped.
    assert (calls.rows_read, calls.skipped, calls.accepted, calls.rejected) == (
        3_999, 984 + 19, 3_999 - 984 - 19, 0,
    )  # fmt: skip
    complaints = import_file(
        ws, d / "crm_events_cleaned.csv", mapping="retail-banking-crm-complaints"
    )
    assert (complaints.rows_read, complaints.accepted) == (23_419, 23_419)


def test_servicenow_final_states(ws):
    r = import_file(ws, DATASETS / "servicenow-incidents" / "incidents_final_state.csv",
                    mapping="servicenow-incidents")  # fmt: skip
    # SOURCE.md: 20,769 incidents, assigned_to is "?" for 716 of them.
    assert (r.rows_read, r.rejected, r.accepted) == (20_769, 716, 20_769 - 716)
    assert {x.rule for x in rejects(ws)} == {"missing: required agent_id is empty"}


def test_volvo_event_log_collapses_to_one_ticket_per_incident(ws):
    r = import_file(ws, DATASETS / "bpi2013-volvo-incidents" / "vinst_incidents_events.parquet",
                    mapping="bpi2013-volvo-incidents")  # fmt: skip
    # SOURCE.md: 65,533 events for 7,554 incidents.
    assert (r.rows_read, r.accepted, r.rejected) == (65_533, 7_554, 0)
