"""What waits for me: reviews to hold or acknowledge, appeals to decide, plan items due,
and deadlines (appeal windows closing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kefu.periods import Period
from kefu.users.roles import Principal, Role
from kefu.workflow import appeals, plans, reviews
from kefu.workflow.access import now_utc, today_local
from kefu.workflow.models import AppealState, ImprovementPlan, PlanItem, Review, ReviewState
from kefu.workspace import Workspace

#: Plan items due within this many days are shown before they are overdue.
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Task:
    kind: str  # review_hold | review_acknowledge | appeal_decide | plan_item | appeal_window
    object_type: str
    object_id: str
    agent_id: str | None
    title: str  # short, language-neutral description (ids, periods)
    href: str
    due: date | datetime | None = None
    overdue: bool = False
    #: When the task arose (an appeal's filing): shown as such, never as its deadline.
    since: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["due"] = None if self.due is None else self.due.isoformat()
        out["since"] = None if self.since is None else self.since.isoformat()
        return out


def inbox(ws: Workspace, user: Principal, *, now: datetime | None = None) -> list[Task]:
    """The tasks waiting for ``user``, overdue first, then by due date."""
    tasks: list[Task] = []
    today = today_local(ws, now)
    if user.role in (Role.admin, Role.manager, Role.supervisor, Role.agent):
        for r in reviews.list_reviews(ws, user):
            if r.state == ReviewState.DRAFT and _mine_to_hold(user, r):
                tasks.append(Task("review_hold", "review", str(r.id), r.agent_id,
                                  f"{r.agent_id} {r.period}", f"/reviews/{r.id}"))  # fmt: skip
            if r.state == ReviewState.HELD and reviews.is_own(user, r.agent_id):
                tasks.append(Task("review_acknowledge", "review", str(r.id), r.agent_id,
                                  r.period, f"/reviews/{r.id}"))  # fmt: skip
        for plan in plans.list_plans(ws, user):
            for item in plan.items:
                if item.completed_on is not None or not _mine_to_follow(user, plan, item):
                    continue
                if item.due_on - today > timedelta(days=DUE_SOON_DAYS):
                    continue
                tasks.append(
                    Task("plan_item", "improvement_plan_item", str(item.id), plan.agent_id,
                         f"{plan.agent_id}: {item.description[:80]}", f"/plans/{plan.id}",
                         item.due_on, item.due_on < today)
                )  # fmt: skip
    if user.role is not Role.hr:
        for a in appeals.list_appeals(ws, user, state=AppealState.OPEN):
            if appeals.can_decide(user, a):
                # Deciding has no deadline of its own: the filing time is when it arose.
                tasks.append(Task("appeal_decide", "appeal", str(a.id), a.agent_id,
                                  f"{a.table_name} {a.record_id}", f"/appeals/{a.id}",
                                  since=a.filed_at))  # fmt: skip
    if user.role is Role.agent:
        tasks.extend(_windows(ws, now))
    return sorted(tasks, key=_order)


def _mine_to_hold(user: Principal, review: Review) -> bool:
    # The team's supervisor holds the meeting; a manager only the reviews they opened.
    if user.role is Role.supervisor:
        return reviews.can_write_supervisor_side(user, review)
    return user.centre_wide and review.created_by == user.actor


def _mine_to_follow(user: Principal, plan: ImprovementPlan, item: PlanItem) -> bool:
    # Agents follow their own items, supervisors their teams'; centre-wide roles only the
    # items they own (a manager's inbox is not every agent's to-do list).
    if user.role in (Role.agent, Role.supervisor):
        return True
    return item.owner == user.actor


def _windows(ws: Workspace, now: datetime | None) -> list[Task]:
    """Appeal windows still open for the recently published months."""
    from kefu.scoring.runs import scored_periods

    moment = now_utc(now)
    out = []
    for label in scored_periods(ws)[:3]:
        closes = appeals.window_closes(ws, Period.parse(label))
        if closes is not None and moment <= closes:
            out.append(Task("appeal_window", "period", label, None, label, "/appeals", closes))
    return out


def _order(task: Task) -> tuple[int, str, str]:
    due = task.due
    key = "" if due is None else (due.date() if isinstance(due, datetime) else due).isoformat()
    return (0 if task.overdue else 1, key or "9999", task.object_id)
