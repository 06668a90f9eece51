from __future__ import annotations

from datetime import date, datetime

import pytest

from kefu.audit import AuditEntry
from kefu.errors import KefuError, NotFound
from kefu.metrics import compute
from kefu.users.roles import Forbidden
from kefu.workflow import inbox, plans, reviews
from kefu.workflow.models import ReviewState
from tests.workflow.helpers import A1, A2, HR, QA, SUP, centre, publish

NOV_10 = datetime(2026, 11, 10, 4, 0)


@pytest.fixture
def published(any_ws):  # type: ignore[no-untyped-def]
    centre(any_ws)
    publish(any_ws)
    return any_ws


def _held_review(ws):  # type: ignore[no-untyped-def]
    r = reviews.open_review(ws, SUP, "A1", "2026-10")
    reviews.update(ws, SUP, r.id, strengths="态度好", gaps="话术", measures="每周复听")
    plans.create_plan(ws, SUP, r.id, title="话术改进", items=[
        {"description": "复听 10 通录音", "due_on": "2026-11-20"},
        {"description": "通过话术考试", "due_on": "2026-11-25", "owner": "sup"},
        {"description": "带教", "due_on": "2026-12-05"},
    ])  # fmt: skip
    return reviews.hold(ws, SUP, r.id, now=NOV_10)


def test_review_is_prefilled_from_the_published_sheet(published) -> None:
    r = reviews.open_review(published, SUP, "A1", "2026-10")
    assert r.state == ReviewState.DRAFT
    assert r.prefill["grade"] == "C"
    assert r.prefill["total"] == pytest.approx(100 * (85 - 70) / 25)
    assert [w["indicator"] for w in r.prefill["weakest"]] == ["compliance_score"]
    assert r.prefill["plan_required"] is True  # C is in improvement_plan_grades
    assert r.prefill["previous"] is None


def test_main_path_review_acknowledgement_plan_and_next_period_figure(published) -> None:
    ws = published
    held = _held_review(ws)
    assert held.state == ReviewState.HELD and held.held_by == "sup"
    reviews.update(ws, A1, held.id, self_assessment="需要加强", requests="希望参加培训")
    done = reviews.acknowledge(ws, A1, held.id, now=NOV_10)
    assert done.state == ReviewState.ACKNOWLEDGED and done.acknowledged_by == "a1"
    with pytest.raises(KefuError, match="acknowledged"):
        reviews.update(ws, SUP, held.id, measures="changed")
    plan = plans.list_plans(ws, A1)[0]
    first, second, _december = plan.items
    plans.update_item(ws, A1, first.id, evidence="已复听", completed_on="2026-11-18",
                      now=NOV_10.replace(day=19))  # fmt: skip
    plans.update_item(ws, SUP, second.id, completed_on=date(2026, 11, 27),
                      now=NOV_10.replace(day=28))  # fmt: skip
    # November: two items due; one completed by its due date → 1/2. December's item
    # is not counted in November.
    figures = compute(ws, "2026-11", indicators=["improvement_completion_rate"])
    mine = next(f for f in figures if f.key == "A1")
    assert mine.value == pytest.approx(1 / 2)
    assert (mine.numerator, mine.denominator) == (1, 2)


def test_review_needs_the_required_plan_before_it_is_held(published) -> None:
    r = reviews.open_review(published, SUP, "A1", "2026-10")
    reviews.update(published, SUP, r.id, gaps="话术", measures="复听")
    with pytest.raises(KefuError, match="requires an improvement plan"):
        reviews.hold(published, SUP, r.id)


def test_only_the_agent_acknowledges_and_only_after_the_meeting(published) -> None:
    r = reviews.open_review(published, SUP, "A1", "2026-10")
    with pytest.raises(KefuError, match="not been held"):
        reviews.acknowledge(published, A1, r.id)
    with pytest.raises(Forbidden):
        reviews.update(published, A1, r.id, measures="我来写")
    with pytest.raises(NotFound):
        reviews.review_of(published, A2, r.id)
    with pytest.raises(Forbidden):
        reviews.list_reviews(published, QA)
    with pytest.raises(Forbidden):
        plans.list_plans(published, HR)


def test_overdue_items_and_inbox(published) -> None:
    ws = published
    held = _held_review(ws)
    later = datetime(2026, 11, 22, 4, 0)
    overdue = plans.overdue_items(ws, A1, now=later)
    assert [i.description for _, i in overdue] == ["复听 10 通录音"]
    assert [i.description for _, i in plans.overdue_items(ws, SUP, now=later)] == ["复听 10 通录音"]
    agent_tasks = inbox.inbox(ws, A1, now=later)
    kinds = [t.kind for t in agent_tasks]
    assert kinds[0] == "plan_item" and agent_tasks[0].overdue
    assert "review_acknowledge" in kinds
    assert agent_tasks[kinds.index("review_acknowledge")].object_id == str(held.id)
    assert all(t.kind != "review_acknowledge" for t in inbox.inbox(ws, A2, now=later))


def test_review_and_plan_writes_are_audited(published) -> None:
    _held_review(published)
    with published.db.session() as s:
        actions = [e.action for e in s.query(AuditEntry).order_by(AuditEntry.id)]
    mine = [a for a in actions if a.split(".")[0] in ("review", "plan")]
    assert mine == ["review.open", "review.update", "plan.create", "review.hold"]
    # The plan's items reached the fact store through an audited import.
    assert "import.commit" in actions


def test_a_managers_inbox_is_not_every_agents_to_do_list(published) -> None:
    from tests.workflow.helpers import MGR

    _held_review(published)
    later = datetime(2026, 11, 22, 4, 0)
    assert [t.kind for t in inbox.inbox(published, MGR, now=later)] == []
    assert {t.kind for t in inbox.inbox(published, SUP, now=later)} == {"plan_item"}


def _completion(ws):  # type: ignore[no-untyped-def]
    figures = compute(ws, "2026-11", indicators=["improvement_completion_rate"])
    mine = next(f for f in figures if f.key == "A1")
    return (mine.numerator, mine.denominator)


def test_plan_items_the_fact_store_cannot_take_stay_queued_until_the_next_flush(
    published, monkeypatch, caplog
) -> None:
    from kefu.ingest import outbox, pipeline
    from kefu.scoring import score_period

    ws = published
    real = pipeline.import_records

    def unavailable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KefuError("the fact store is busy")

    monkeypatch.setattr(pipeline, "import_records", unavailable)
    held = _held_review(ws)  # creates the plan of three items
    # The plan is saved (no error for the supervisor to retry into a second plan)…
    plan = plans.list_plans(ws, A1)[0]
    assert len(plan.items) == 3 and held.state == ReviewState.HELD
    assert "not yet in the fact store" in caplog.text
    # …and its items wait in the queue, not in the figures.
    assert outbox.pending(ws) == 3
    assert _completion(ws) == (0, 0)
    plans.update_item(ws, A1, plan.items[0].id, completed_on="2026-11-18",
                      now=NOV_10.replace(day=19))  # fmt: skip
    assert outbox.pending(ws) == 4  # the item queued again, as it now is

    monkeypatch.setattr(pipeline, "import_records", real)
    score_period(ws, "2026-11", actor="test")  # a scoring run writes the queue first
    assert outbox.pending(ws) == 0
    # November: two items due, the first completed by its due date → 1 / 2.
    assert _completion(ws) == (1, 2)


def test_plan_items_reach_the_fact_store_with_the_change(published) -> None:
    from kefu.ingest import outbox

    _held_review(published)
    assert outbox.pending(published) == 0
    assert _completion(published) == (0, 2)
