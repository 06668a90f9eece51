"""The built-in profiles on samples of the public datasets committed in tests/data/datasets/.

The samples keep each export's real quirks (CRLF and BOMs, ``0:00:00`` for "did
not happen", malformed rows, PHANTOM calls, blank rows, ``?`` for empty, an event
log to collapse). The expected counts and figures are worked out from the sample
files themselves, as its README describes, not from what Kefu stores; the full
datasets are checked against their SOURCE.md in test_datasets.py when present.
"""

from __future__ import annotations

import collections
import csv
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kefu.ingest import import_file
from kefu.metrics import compute
from kefu.workspace import Workspace
from tests.conftest import DATASET_SAMPLES
from tests.ingest.helpers import rejects, stored
from tests.metrics.helpers import AS_OF

BANK = DATASET_SAMPLES / "anonymous-bank"
PWC = DATASET_SAMPLES / "pwc-call-centre"
CRM = DATASET_SAMPLES / "retail-banking-crm"


def _centre(ws: Workspace, period: str, indicator: str):  # type: ignore[no-untyped-def]
    (f,) = compute(ws, period, level="centre", indicators=[indicator], as_of=AS_OF)
    return f


def test_the_samples_are_documented_with_origin_and_licence():
    readme = (DATASET_SAMPLES / "README.md").read_text(encoding="utf-8")
    for folder in sorted(p for p in DATASET_SAMPLES.iterdir() if p.is_dir()):
        assert f"`{folder.name}/`" in readme, folder.name
        for f in folder.iterdir():
            assert f"`{f.name}`" in readme, f.name
    assert readme.count("Licence") >= 5


@pytest.fixture
def jerusalem(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", timezone="Asia/Jerusalem")
    yield ws
    ws.close()


def test_anonymous_bank_january_sample(jerusalem: Workspace) -> None:
    r = import_file(jerusalem, BANK / "january_1999_sample.tsv", mapping="anonymous-bank")
    # 200 rows: 171 AGENT, 28 HANG, 1 PHANTOM (skipped); CRLF line ends.
    assert (r.rows_read, r.skipped, r.rejected, r.accepted) == (200, 1, 0, 199)
    contacts = stored(jerusalem, "contacts")
    assert sum(c["answered_at"] is not None for c in contacts) == 171
    assert not [c for c in contacts if c["answered_at"] and c["answered_at"] < c["offered_at"]]
    assert len({c["agent_id"] for c in contacts if c["agent_id"]}) == 24
    # Served calls of named agents of 10 s or less: 4 of 166.
    short = _centre(jerusalem, "1999-01", "short_contact_rate")
    assert (short.numerator, short.denominator) == (4, 166)


def test_anonymous_bank_october_sample_rejects_the_two_malformed_rows(jerusalem: Workspace):
    r = import_file(jerusalem, BANK / "october_1999_sample.tsv", mapping="anonymous-bank")
    # 170 rows: the malformed file lines 7315 and 14247 are sample lines 47 and 159.
    assert (r.rows_read, r.rejected, r.skipped, r.accepted) == (170, 2, 3, 165)
    assert [(x.row, x.rule.split(":")[0]) for x in rejects(jerusalem)] == [
        (47, "field_count"), (159, "field_count"),
    ]  # fmt: skip
    contacts = stored(jerusalem, "contacts")
    assert sum(c["answered_at"] is not None for c in contacts) == 144
    assert len({c["agent_id"] for c in contacts if c["agent_id"]}) == 26
    short = _centre(jerusalem, "1999-10", "short_contact_rate")
    assert (short.numerator, short.denominator) == (6, 140)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", ["call_center_sample.csv", "call_center_sample.xlsx"])
def test_pwc_calls_and_surveys_sample(ws: Workspace, name: str) -> None:
    calls = import_file(ws, PWC / name, mapping="pwc-call-centre")
    assert (calls.rows_read, calls.accepted, calls.rejected) == (12, 12, 0)
    contacts = stored(ws, "contacts")
    assert sum(c["answered_at"] is not None for c in contacts) == 9
    assert sum(bool(c["resolved"]) for c in contacts) == 6
    # Speed of answer 25 + 61 + 118 + 12 + 47 + 90 + 10 + 33 + 125 = 521 s over 9 calls;
    # talk 190 + 342 + 65 + 418 + 260 + 151 + 30 + 420 + 225 = 2101 s.
    frt = _centre(ws, "2021-01", "frt_avg")
    assert (frt.numerator, frt.denominator) == (pytest.approx(521), 9)
    aht = _centre(ws, "2021-01", "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(2101), 9)
    fcr = _centre(ws, "2021-01", "fcr_rate")
    assert (fcr.numerator, fcr.denominator, fcr.provisional) == (6, 9, True)
    surveys = import_file(ws, PWC / name, mapping="pwc-call-centre-surveys")
    assert (surveys.accepted, surveys.skipped) == (9, 3)
    csat = _centre(ws, "2021-01", "csat_rate")
    assert (csat.numerator, csat.denominator) == (4, 9)


def test_pwc_csv_and_xlsx_samples_hold_the_same_records(ws: Workspace) -> None:
    first = import_file(ws, PWC / "call_center_sample.csv", mapping="pwc-call-centre")
    second = import_file(ws, PWC / "call_center_sample.xlsx", mapping="pwc-call-centre")
    assert (first.new, second.unchanged, second.changed) == (12, 12, 0)


def test_retail_banking_calls_and_complaints_sample(ws: Workspace) -> None:
    calls = import_file(ws, CRM / "crm_call_center_logs_sample.csv",
                        mapping="retail-banking-crm-calls")  # fmt: skip
    # 11 rows: 3 blank call rows and 1 PHANTOM skipped; the call over midnight is kept.
    assert (calls.rows_read, calls.skipped, calls.accepted, calls.rejected) == (11, 4, 7, 0)
    contacts = {c["contact_id"]: c for c in stored(ws, "contacts")}
    assert sum(c["answered_at"] is not None for c in contacts.values()) == 6
    assert contacts["40008"]["ended_at"] > contacts["40008"]["answered_at"]
    # Named agents' calls: 270 + 70 + 720 + 300 + 549 s; C00000101 calls again (same type)
    # within 48 h, so 40001 is not resolved at first contact: 4 of 5.
    aht = _centre(ws, "2017-03", "aht_avg")
    assert (aht.numerator, aht.denominator) == (pytest.approx(1909), 5)
    fcr = _centre(ws, "2017-03", "fcr_rate")
    assert (fcr.numerator, fcr.denominator) == (4, 5)
    complaints = import_file(ws, CRM / "crm_events_sample.csv",
                             mapping="retail-banking-crm-complaints")  # fmt: skip
    assert (complaints.rows_read, complaints.accepted) == (8, 8)
    statuses = collections.Counter(c["status"] for c in stored(ws, "complaints"))
    assert statuses == {"upheld": 3, "rejected": 3, "open": 2}


def test_servicenow_final_states_sample(ws: Workspace) -> None:
    path = DATASET_SAMPLES / "servicenow-incidents" / "incidents_final_state_sample.csv"
    r = import_file(ws, path, mapping="servicenow-incidents")
    raw = _read_csv(path)
    unassigned = sum(x["assigned_to"] == "?" for x in raw)
    assert (r.rows_read, r.rejected, r.accepted) == (151, unassigned, 151 - unassigned) == (
        151, 66, 85,
    )  # fmt: skip
    assert {x.rule for x in rejects(ws)} == {"missing: required agent_id is empty"}
    # Due 24 h after opening (no due time in the export): closed by then, 18 of 85.
    on_time = _centre(ws, "2016-03", "ticket_ontime_rate")
    assert (on_time.numerator, on_time.denominator) == (18, 85)


def test_volvo_event_log_sample_collapses_to_one_ticket_per_incident(ws: Workspace) -> None:
    path = DATASET_SAMPLES / "bpi2013-volvo-incidents" / "vinst_incidents_events_sample.parquet"
    r = import_file(ws, path, mapping="bpi2013-volvo-incidents")
    assert (r.rows_read, r.accepted, r.rejected) == (335, 40, 0)
    events = pq.read_table(path).to_pylist()
    latest: dict[str, tuple[datetime, int, str]] = {}
    completed = set()
    for i, e in enumerate(events):
        at = datetime.fromisoformat(e["Change Date+Time"])
        sr = e["SR Number"]
        # The latest change wins; of changes at the same time, the later row.
        latest[sr] = max(latest.get(sr, (at, i, "")), (at, i, e["Resource"]))
        if e["Status"] == "Completed":
            completed.add(e["SR Number"])
    tickets = {t["ticket_id"]: t for t in stored(ws, "tickets")}
    assert {k: t["agent_id"] for k, t in tickets.items()} == {k: v[2] for k, v in latest.items()}
    assert {k for k, t in tickets.items() if t["closed_at"] is not None} == completed
    assert len(completed) == 36
