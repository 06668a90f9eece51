"""Who may do what in the workflow, and the facts the checks need (an agent's team)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, select

from kefu.periods import Period
from kefu.users.roles import Forbidden, Principal, Role
from kefu.workflow.models import Appeal, ImprovementPlan, Review
from kefu.workspace import Workspace

#: The workflow records listed per role: each has the agent it is about and their team.
Record = TypeVar("Record", Review, Appeal, ImprovementPlan)

#: Roles that write the supervisor's side of reviews and plans (besides the team's supervisor).
REVIEWERS = frozenset({Role.admin, Role.manager, Role.supervisor})

#: The roles that own each appealable table and so decide its appeals (architecture.md:
#: QA decides QA evaluations; complaints and feedback belong to the centre's managers).
DECIDERS: dict[str, frozenset[Role]] = {
    "qa_evaluations": frozenset({Role.qa, Role.manager, Role.admin}),
    "operation_errors": frozenset({Role.qa, Role.manager, Role.admin}),
    "complaints": frozenset({Role.manager, Role.admin}),
    "surveys": frozenset({Role.manager, Role.admin}),
    "ratings": frozenset({Role.manager, Role.admin}),
}


def appeal_window_days(ws: Workspace) -> int:
    """Days after publication within which an appeal may be filed.

    A workspace setting, ``appeal_window_days`` in ``kefu.yaml`` (default 7),
    because it is the centre's policy for every scorecard alike.
    """
    return ws.settings.appeal_window_days


def now_utc(now: datetime | None = None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def today_local(ws: Workspace, now: datetime | None = None) -> date:
    return now_utc(now).astimezone(ZoneInfo(ws.timezone)).date()


def agent_team(ws: Workspace, agent_id: str, period: Period) -> tuple[str | None, str | None]:
    """(team, name) of ``agent_id`` on the last day of ``period`` (None when unknown)."""
    from kefu.scoring.inputs import roster_on

    who = roster_on(ws, period.end - timedelta(days=1)).get(agent_id)
    if who is None:
        return None, None
    return who.team, who.name


def require_reviewer(user: Principal) -> None:
    if user.role not in REVIEWERS:
        raise Forbidden("only supervisors and managers write reviews and plans")


def is_own(user: Principal, agent_id: str) -> bool:
    return user.role is Role.agent and user.agent_id == agent_id


def can_view_agent_record(user: Principal, agent_id: str, team: str | None) -> bool:
    """Reviews and plans: the agent's own, their supervisors', the centre's (not QA or HR)."""
    if user.role is Role.agent:
        return is_own(user, agent_id)
    if user.role in (Role.qa, Role.hr):
        return False
    return user.can_view_agent(agent_id, team)


def leads_team(user: Principal, team: str | None) -> bool:
    """The supervisor's side of a review or plan: managers, or the team's supervisor."""
    return user.role in (Role.admin, Role.manager) or (
        user.role is Role.supervisor and team is not None and team in user.teams
    )


def visible_records(
    ws: Workspace,
    user: Principal,
    model: type[Record],
    *,
    what: str,
    denied: frozenset[Role],
    where: Sequence[ColumnElement[bool]] = (),
    order_by: Sequence[Any] = (),
    qa_sees: ColumnElement[bool] | None = None,
) -> list[Record]:
    """The reviews, appeals or plans ``user`` may see: the one role-scoped list query.

    ``denied`` roles are refused (:class:`Forbidden`, naming ``what``); an agent
    sees their own, a supervisor their teams', QA what ``qa_sees`` selects (else
    nothing), managers and admins everything::

        visible_records(ws, user, Review, what="reviews", denied=frozenset({Role.qa, Role.hr}),
                        where=[Review.period == "2026-10"], order_by=[Review.agent_id])
    """
    if user.role in denied:
        raise Forbidden(f"your role does not give access to {what}")
    q = select(model).where(*where).order_by(*order_by)
    if user.role is Role.agent:
        q = q.where(model.agent_id == (user.agent_id or ""))
    elif user.role is Role.supervisor:
        q = q.where(model.team.in_(sorted(user.teams)))
    elif user.role is Role.qa and qa_sees is not None:
        q = q.where(qa_sees)
    elif user.role not in (Role.admin, Role.manager):
        q = q.where(false())
    with ws.db.session() as s:
        return list(s.scalars(q))
