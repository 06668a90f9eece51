"""Improvement plans (个人改进计划): items with owners, due dates, evidence and completion.

Each item is also written to the fact store as an ``improvement_items``
record (source ``kefu``), so its completion drives
``improvement_completion_rate`` of the period in which it falls due. The
record is queued in the same transaction as the change (kefu.store.outbox)
and written after it; one the fact store could not take then is written by
the next flush (the next plan change, or any scoring run).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from kefu import audit
from kefu.errors import KefuError, NotFound, UsageError, keyed
from kefu.ingest.outbox import flush
from kefu.store import outbox
from kefu.users.roles import Forbidden, Principal, Role
from kefu.workflow import reviews as review_service
from kefu.workflow.access import (
    can_view_agent_record,
    is_own,
    leads_team,
    now_utc,
    require_reviewer,
    today_local,
    visible_records,
)
from kefu.workflow.models import ImprovementPlan, PlanItem, Review
from kefu.workspace import Workspace

log = logging.getLogger(__name__)

FACT_SOURCE = "kefu"
MAX_TEXT = 10_000
MAX_ITEMS = 30


def item_snapshot(item: PlanItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "item_id": item.item_id,
        "description": item.description,
        "owner": item.owner,
        "due_on": item.due_on.isoformat(),
        "evidence": item.evidence,
        "completed_on": None if item.completed_on is None else item.completed_on.isoformat(),
    }


def snapshot(plan: ImprovementPlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "review_id": plan.review_id,
        "agent_id": plan.agent_id,
        "team": plan.team,
        "period": plan.period,
        "title": plan.title,
        "created_by": plan.created_by,
        "items": [item_snapshot(i) for i in plan.items],
    }


def can_view(user: Principal, plan: ImprovementPlan) -> bool:
    return can_view_agent_record(user, plan.agent_id, plan.team)


def can_manage(user: Principal, plan: ImprovementPlan) -> bool:
    """The supervisor's side: add and change items."""
    return leads_team(user, plan.team)


def get(s: Session, user: Principal, plan_id: int) -> ImprovementPlan:
    if user.role in (Role.qa, Role.hr):
        raise Forbidden("your role does not give access to improvement plans")
    plan = s.get(ImprovementPlan, plan_id)
    if plan is None or not can_view(user, plan):
        raise NotFound("no such improvement plan")
    return plan


def _item_fields(raw: dict[str, Any], default_owner: str) -> dict[str, Any]:
    description = str(raw.get("description") or "").strip()
    if not description:
        raise keyed(UsageError("every plan item needs a description"), "trust.plan.description")
    if len(description) > MAX_TEXT:
        raise keyed(
            UsageError(f"an item's description is longer than {MAX_TEXT} characters"),
            "trust.too_long", limit=MAX_TEXT,
        )  # fmt: skip
    due = raw.get("due_on")
    if isinstance(due, str):
        due = due.strip() or None  # left empty: no due date (said so below)
    if isinstance(due, str):
        try:
            due = date.fromisoformat(due.strip())
        except ValueError:
            raise keyed(UsageError(f"due_on '{due}' is not a date (YYYY-MM-DD)"),
                        "trust.plan.due_date", value=due) from None  # fmt: skip
    if not isinstance(due, date):
        raise keyed(
            UsageError("every plan item needs a due date (due_on)"), "trust.plan.due_needed"
        )
    owner = str(raw.get("owner") or default_owner).strip()[:100]
    return {"description": description, "due_on": due, "owner": owner}


def create_plan(
    ws: Workspace,
    user: Principal,
    review_id: int,
    *,
    title: str,
    items: list[dict[str, Any]],
    now: datetime | None = None,
) -> ImprovementPlan:
    """Create the plan agreed in review ``review_id``; its items go to the fact store."""
    require_reviewer(user)
    if not items:
        raise keyed(UsageError("a plan needs at least one item"), "trust.plan.no_item")
    if len(items) > MAX_ITEMS:
        raise UsageError(f"a plan has at most {MAX_ITEMS} items")
    title = (title or "").strip()
    if not title:
        raise keyed(UsageError("give the plan a title"), "trust.plan.title")
    moment = now_utc(now)
    with ws.db.transaction() as s:
        review: Review = review_service.get(s, user, review_id)
        if not review_service.can_write_supervisor_side(user, review):
            raise Forbidden("only the agent's supervisor or a manager creates the plan")
        fields = [_item_fields(i, review.agent_id) for i in items]
        plan = ImprovementPlan(
            review_id=review.id,
            agent_id=review.agent_id,
            team=review.team,
            period=review.period,
            title=title[:300],
            created_at=moment,
            created_by=user.actor,
        )
        s.add(plan)
        s.flush()
        for f in fields:
            s.add(PlanItem(plan_id=plan.id, evidence="", updated_at=moment, **f))
        s.flush()
        s.refresh(plan)
        audit.record(s, user.actor, "plan.create", "improvement_plan", plan.id,
                     after=snapshot(plan))  # fmt: skip
        for i in plan.items:
            _queue_fact(s, plan, i, user.actor)
    _flush_facts(ws, user.actor)
    return plan


def add_item(
    ws: Workspace, user: Principal, plan_id: int, item: dict[str, Any], *,
    now: datetime | None = None,
) -> PlanItem:  # fmt: skip
    with ws.db.transaction() as s:
        plan = get(s, user, plan_id)
        if not can_manage(user, plan):
            raise Forbidden("only the agent's supervisor or a manager changes the plan")
        if len(plan.items) >= MAX_ITEMS:
            raise UsageError(f"a plan has at most {MAX_ITEMS} items")
        added = PlanItem(
            plan_id=plan.id, evidence="", updated_at=now_utc(now),
            **_item_fields(item, plan.agent_id),
        )  # fmt: skip
        s.add(added)
        s.flush()
        audit.record(s, user.actor, "plan.item_add", "improvement_plan_item", added.id,
                     after=item_snapshot(added))  # fmt: skip
        _queue_fact(s, plan, added, user.actor)
    _flush_facts(ws, user.actor)
    return added


def update_item(
    ws: Workspace,
    user: Principal,
    item_id: int,
    *,
    evidence: str | None = None,
    completed_on: date | str | None = None,
    reopen: bool = False,
    due_on: date | str | None = None,
    now: datetime | None = None,
) -> PlanItem:
    """Record evidence and completion (agent or supervisor); move the due date (supervisor)."""
    today = today_local(ws, now)
    with ws.db.transaction() as s:
        if user.role in (Role.qa, Role.hr):
            raise Forbidden("your role does not give access to improvement plans")
        item = s.get(PlanItem, item_id)
        if item is None or not can_view(user, item.plan):
            raise NotFound("no such plan item")
        plan = item.plan
        manager = can_manage(user, plan)
        if not (manager or is_own(user, plan.agent_id)):
            raise Forbidden("your role cannot change this plan")
        before = item_snapshot(item)
        if evidence is not None:
            if len(evidence) > MAX_TEXT:
                raise UsageError(f"the evidence is longer than {MAX_TEXT} characters")
            item.evidence = evidence.strip()
        if completed_on is not None:
            done = _date(completed_on, "completed_on")
            if done > today:
                raise UsageError("completed_on cannot be in the future")
            item.completed_on = done
        if reopen:
            item.completed_on = None
        if due_on is not None:
            if not manager:
                raise Forbidden("only the supervisor moves a due date")
            if item.completed_on is not None:
                raise KefuError("a completed item keeps its due date")
            item.due_on = _date(due_on, "due_on")
        item.updated_at = now_utc(now)
        after = item_snapshot(item)
        if after == before:
            return item
        audit.record(s, user.actor, "plan.item_update", "improvement_plan_item", item.id,
                     before=before, after=after)  # fmt: skip
        _queue_fact(s, plan, item, user.actor)
    _flush_facts(ws, user.actor)
    return item


def _date(value: date | str, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{name} '{value}' is not a date (YYYY-MM-DD)") from None


def _queue_fact(s: Session, plan: ImprovementPlan, item: PlanItem, actor: str) -> None:
    record = {
        "item_id": item.item_id,
        "agent_id": plan.agent_id,
        "description": item.description,
        "due_on": item.due_on,
        "completed_on": item.completed_on,
    }
    outbox.queue(s, "improvement_items", FACT_SOURCE, item.item_id, record, actor)


def _flush_facts(ws: Workspace, actor: str) -> None:
    # The change is saved: failing it now would only invite a second, duplicate plan.
    # What could not be written stays queued for the next flush, before any scoring.
    try:
        flush(ws, actor)
    except KefuError as e:
        log.warning("plan items are saved but not yet in the fact store: %s", e)


def list_plans(
    ws: Workspace, user: Principal, *, agent_id: str | None = None
) -> list[ImprovementPlan]:
    """The improvement plans ``user`` may see, newest first."""
    where = [ImprovementPlan.agent_id == agent_id] if agent_id else []
    return visible_records(
        ws, user, ImprovementPlan, what="improvement plans", denied=frozenset({Role.qa, Role.hr}),
        where=where, order_by=[ImprovementPlan.id.desc()],
    )  # fmt: skip


def plan_of(ws: Workspace, user: Principal, plan_id: int) -> ImprovementPlan:
    with ws.db.session() as s:
        return get(s, user, plan_id)


def overdue_items(
    ws: Workspace, user: Principal, *, now: datetime | None = None
) -> list[tuple[ImprovementPlan, PlanItem]]:
    """Open items past their due date among the plans ``user`` may see."""
    today = today_local(ws, now)
    out = []
    for plan in list_plans(ws, user):
        for item in plan.items:
            if item.completed_on is None and item.due_on < today:
                out.append((plan, item))
    return sorted(out, key=lambda pi: (pi[1].due_on, pi[0].agent_id))
