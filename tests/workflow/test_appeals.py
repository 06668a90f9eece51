from __future__ import annotations

from datetime import timedelta

import pytest

from kefu import scoring
from kefu.audit import AuditEntry
from kefu.errors import KefuError, NotFound
from kefu.periods import Period
from kefu.users.roles import Forbidden
from kefu.workflow import appeals
from kefu.workflow.models import AppealState
from kefu.workflow.records import read_record
from tests.workflow.helpers import A1, A2, HR, MGR, QA, SUP, centre, publish


@pytest.fixture
def published(any_ws):  # type: ignore[no-untyped-def]
    centre(any_ws)
    publish(any_ws)
    return any_ws


def test_upheld_appeal_corrects_record_and_revises_total_grade_and_pay(published) -> None:
    ws = published
    a = appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="录音复核: 话术完整",
                            requested={"compliance_score": 95})  # fmt: skip
    done = appeals.decide(ws, QA, a.id, uphold=True, reason="复核属实")
    assert done.state == AppealState.UPHELD
    # The record's new version carries the corrected score; the original is kept.
    assert read_record(ws, "qa_evaluations", "Q1")["compliance_score"] == 95
    con = ws.duckdb()
    versions = ws.facts.table(con, "qa_evaluations", all_versions=True)
    q1 = versions.filter(versions.evaluation_id == "Q1").to_pyarrow().to_pylist()
    assert sorted(r["compliance_score"] for r in q1) == [80, 95]
    # Mean (95 + 90) / 2 = 92.5 → share (92.5 − 70) / 25 = 0.9 → total 90, grade A, pay 1.2.
    new = scoring.agent_result(ws, "2026-10", "A1", published=True)
    assert new["total"] == pytest.approx(100 * (92.5 - 70) / 25)
    assert new["grade"] == "A"
    assert new["pay_coefficient"] == pytest.approx(1.2)
    mine = [c for c in done.changes if c["agent_id"] == "A1"]
    assert mine[0]["old"] == {"total": pytest.approx(100 * (85 - 70) / 25), "grade": "C",
                              "pay_coefficient": pytest.approx(0.8)}  # fmt: skip
    assert mine[0]["new"]["grade"] == "A"
    assert done.revision_run is not None
    assert [r["run_id"] for r in scoring.revisions(ws, "2026-10")] == [done.revision_run]


def test_rejected_appeal_changes_nothing(published) -> None:
    ws = published
    before = scoring.latest_run(ws, "2026-10")
    a = appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="不服",
                            requested={"compliance_score": 95})  # fmt: skip
    done = appeals.decide(ws, QA, a.id, uphold=False, reason="录音显示未按话术")
    assert done.state == AppealState.REJECTED and done.changes is None
    assert read_record(ws, "qa_evaluations", "Q1")["compliance_score"] == 80
    assert scoring.latest_run(ws, "2026-10").id == before.id
    assert scoring.agent_result(ws, "2026-10", "A1", published=True)["grade"] == "C"


def test_appeal_outside_the_window_is_refused(published) -> None:
    ws = published
    closes = appeals.window_closes(ws, Period.parse("2026-10"))
    with pytest.raises(KefuError, match="window"):
        appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="迟了",
                            now=closes + timedelta(seconds=1))  # fmt: skip
    # One second earlier is inside (the default window is 7 days after publication).
    ok = appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="及时", now=closes)
    assert ok.state == AppealState.OPEN
    published_at = appeals.first_publication(ws, Period.parse("2026-10"))
    assert closes - published_at == timedelta(days=7)


def test_appeal_before_publication_is_refused(any_ws) -> None:  # type: ignore[no-untyped-def]
    centre(any_ws)
    with pytest.raises(KefuError, match="not been published"):
        appeals.file_appeal(any_ws, A1, "qa_evaluations", "Q1", reason="x")


def test_agent_cannot_decide_own_appeal_or_see_anothers(published) -> None:
    ws = published
    a = appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="不服")
    with pytest.raises(Forbidden):
        appeals.decide(ws, A1, a.id, uphold=True, reason="我自己批准")
    with pytest.raises(NotFound):
        appeals.appeal_of(ws, A2, a.id)
    with pytest.raises(NotFound):
        appeals.decide(ws, A2, a.id, uphold=False, reason="x")
    assert appeals.list_appeals(ws, A2) == []
    # Nor can an agent appeal another agent's record: it looks missing.
    with pytest.raises(NotFound):
        appeals.file_appeal(ws, A2, "qa_evaluations", "Q1", reason="x")


def test_only_the_owning_role_decides_and_never_the_filer(published) -> None:
    ws = published
    a = appeals.file_appeal(ws, MGR, "qa_evaluations", "Q1", reason="代为申诉")
    with pytest.raises(Forbidden):
        appeals.decide(ws, SUP, a.id, uphold=False, reason="x")
    with pytest.raises(Forbidden):
        appeals.decide(ws, MGR, a.id, uphold=False, reason="x")  # filed it
    with pytest.raises(Forbidden):
        appeals.list_appeals(ws, HR)
    assert appeals.decide(ws, QA, a.id, uphold=False, reason="不成立").state == "rejected"
    with pytest.raises(KefuError, match="rejected already"):
        appeals.decide(ws, QA, a.id, uphold=True, reason="again")


def test_appeal_writes_are_audited_with_before_and_after(published) -> None:
    ws = published
    a = appeals.file_appeal(ws, SUP, "qa_evaluations", "Q1", reason="主管代为申诉",
                            requested={"compliance_score": 95})  # fmt: skip
    appeals.decide(ws, QA, a.id, uphold=True, reason="属实")
    with ws.db.session() as s:
        rows = s.query(AuditEntry).filter(AuditEntry.object_type == "appeal").all()
        actions = [(r.action, r.actor) for r in rows]
        assert actions == [("appeal.file", "sup"), ("appeal.uphold", "qa")]
        assert rows[1].before["state"] == "open" and rows[1].after["state"] == "upheld"
        assert rows[1].after["applied"] == {"compliance_score": 95}
        kinds = {r.action for r in s.query(AuditEntry).all()}
    assert {"score.revise", "score.publish"} <= kinds


def test_correction_outside_the_appealable_fields_is_refused(published) -> None:
    from kefu.errors import UsageError

    with pytest.raises(UsageError, match="can correct"):
        appeals.file_appeal(published, A1, "qa_evaluations", "Q1", reason="x",
                            requested={"agent_id": "A2"})  # fmt: skip


def test_complaint_appeal_is_decided_by_a_manager_not_qa(published) -> None:
    from datetime import datetime

    from tests.factories import add_records

    ws = published
    add_records(ws, "complaints", [
        {"complaint_id": "C1", "agent_id": "A1", "received_at": datetime(2026, 10, 9, 3),
         "cause": "attitude", "severity": "minor", "attributed": True, "status": "upheld"},
    ], source="feedback")  # fmt: skip
    a = appeals.file_appeal(ws, A1, "complaints", "C1", reason="客户投诉的是快递员",
                            requested={"attributed": False, "status": "overturned"})  # fmt: skip
    with pytest.raises(NotFound):
        appeals.appeal_of(ws, QA, a.id)  # QA sees QA appeals only
    done = appeals.decide(ws, MGR, a.id, uphold=True, reason="核实为派送问题")
    record = read_record(ws, "complaints", "C1")
    assert (record["attributed"], record["status"]) == (False, "overturned")
    assert record["source"] == "feedback"  # the same record, a new version
    assert done.applied == {"attributed": False, "status": "overturned"}


def test_a_decision_interrupted_after_the_correction_can_be_retried(published, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kefu import scoring

    ws = published
    a = appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="复核",
                            requested={"compliance_score": 95})  # fmt: skip
    real = scoring.score_period

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KefuError("scoring failed")

    monkeypatch.setattr(scoring, "score_period", broken)
    with pytest.raises(KefuError, match="scoring failed"):
        appeals.decide(ws, QA, a.id, uphold=True, reason="属实")
    assert appeals.appeal_of(ws, QA, a.id).state == AppealState.OPEN
    monkeypatch.setattr(scoring, "score_period", real)
    done = appeals.decide(ws, QA, a.id, uphold=True, reason="属实")
    assert done.state == AppealState.UPHELD
    assert scoring.agent_result(ws, "2026-10", "A1", published=True)["grade"] == "A"
