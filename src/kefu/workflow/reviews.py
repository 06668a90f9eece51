"""Review meetings (绩效面谈): one record per agent and period, draft → held → acknowledged.

The supervisor opens a review from the agent's published sheet (pre-filled
with the weakest indicators and the change against the previous period),
writes strengths, gaps and agreed measures, and marks it *held* (their
acknowledgement); the agent writes a self-assessment and requests and
acknowledges it. An acknowledged review is final.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu import audit
from kefu.errors import KefuError, NotFound, UsageError, keyed
from kefu.periods import Grain, Period
from kefu.store import notices
from kefu.users.roles import Forbidden, Principal, Role
from kefu.workflow.access import (
    agent_team,
    can_view_agent_record,
    is_own,
    leads_team,
    now_utc,
    require_reviewer,
    visible_records,
)
from kefu.workflow.models import ImprovementPlan, Review, ReviewState
from kefu.workspace import Workspace

#: Roles that open reviews (the supervisor of the agent's team, or the centre's managers).
SUPERVISOR_ROLES = frozenset({Role.admin, Role.manager, Role.supervisor})
#: Fields each side writes.
SUPERVISOR_FIELDS: tuple[str, ...] = ("strengths", "gaps", "measures")
AGENT_FIELDS: tuple[str, ...] = ("self_assessment", "requests")
MAX_TEXT = 10_000
WEAKEST = 3


def snapshot(review: Review) -> dict[str, Any]:
    """The review as the audit log and the API show it."""
    return {
        "id": review.id,
        "agent_id": review.agent_id,
        "period": review.period,
        "team": review.team,
        "state": review.state,
        "strengths": review.strengths,
        "gaps": review.gaps,
        "self_assessment": review.self_assessment,
        "measures": review.measures,
        "requests": review.requests,
        "held_at": _iso(review.held_at),
        "held_by": review.held_by,
        "acknowledged_at": _iso(review.acknowledged_at),
        "acknowledged_by": review.acknowledged_by,
    }


def summary(review: Review) -> dict[str, Any]:
    """The pre-filled sheet summary with every key present (older or empty records too)."""
    empty: dict[str, Any] = {"total": None, "grade": None, "pay_coefficient": None, "name": None,
             "weakest": [], "previous": None, "plan_required": False}  # fmt: skip
    return {**empty, **(review.prefill or {})}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _month(period: str) -> Period:
    try:
        p = Period.parse(period)
    except (ValueError, KefuError) as exc:
        raise keyed(
            UsageError(f"'{period}' is not a period (e.g. 2026-10)"), "trust.review.period"
        ) from exc
    if p.grain is not Grain.MONTH:
        raise keyed(UsageError("reviews are held per month (e.g. 2026-10)"), "trust.review.period")
    return p


def can_view(user: Principal, review: Review) -> bool:
    return can_view_agent_record(user, review.agent_id, review.team)


def can_write_supervisor_side(user: Principal, review: Review) -> bool:
    return leads_team(user, review.team)


def prefill(ws: Workspace, agent_id: str, period: Period) -> dict[str, Any]:
    """What the sheet says: total, grade, pay, weakest indicators, change vs. last period."""
    from kefu import scoring

    try:
        row = scoring.agent_result(ws, period, agent_id, published=True)
    except NotFound:
        raise keyed(
            KefuError(
                f"{agent_id} has no published result for {period.label}; "
                "a review is held on published results"
            ),
            "trust.review.unpublished", agent=agent_id, period=period.label,
        ) from None  # fmt: skip
    scored = [
        i for i in row.get("indicators", []) if i.get("share") is not None and i.get("weight")
    ]
    weakest = sorted(scored, key=lambda i: (i["share"], -i["weight"], i["indicator"]))[:WEAKEST]
    out: dict[str, Any] = {
        "total": row.get("total"),
        "grade": row.get("grade"),
        "pay_coefficient": row.get("pay_coefficient"),
        "name": row.get("name"),
        "weakest": [
            {k: i.get(k) for k in ("indicator", "value", "share", "points", "weight")}
            for i in weakest
        ],
        "previous": None,
        "plan_required": _plan_required(ws, row),
    }
    try:
        before = scoring.agent_result(ws, period.previous(), agent_id, published=True)
    except NotFound:
        return out
    out["previous"] = {
        "period": period.previous().label,
        "total": before.get("total"),
        "grade": before.get("grade"),
        "change": None
        if before.get("total") is None or row.get("total") is None
        else round(row["total"] - before["total"], 2),
    }
    return out


def _plan_required(ws: Workspace, row: Mapping[str, Any]) -> bool:
    from kefu.scoring.registry import load_version

    card = load_version(ws, row["scorecard"]["content_hash"])
    return row.get("grade") in card.applications.improvement_plan_grades


def get(s: Session, user: Principal, review_id: int) -> Review:
    if user.role in (Role.qa, Role.hr):
        raise Forbidden("your role does not give access to reviews")
    review = s.get(Review, review_id)
    if review is None or not can_view(user, review):
        raise NotFound("no such review")
    return review


def open_review(
    ws: Workspace, user: Principal, agent_id: str, period: str, *, now: datetime | None = None
) -> Review:
    """Open (draft) the review of ``agent_id`` for ``period`` from the published sheet."""
    require_reviewer(user)
    month = _month(period)
    team, _ = agent_team(ws, agent_id, month)
    user.ensure(user.can_view_agent(agent_id, team), "agent")
    filled = prefill(ws, agent_id, month)
    with ws.db.transaction() as s:
        existing = s.scalars(
            select(Review).where(Review.agent_id == agent_id, Review.period == month.label)
        ).first()
        if existing is not None:
            raise keyed(
                KefuError(f"the review of {agent_id} for {month.label} exists already"),
                "trust.review.exists", agent=agent_id, period=month.label,
            )  # fmt: skip
        moment = now_utc(now)
        review = Review(
            agent_id=agent_id,
            period=month.label,
            team=team,
            state=ReviewState.DRAFT,
            prefill=filled,
            strengths="",
            gaps=_gaps_text(filled),
            self_assessment="",
            measures="",
            requests="",
            created_at=moment,
            created_by=user.actor,
            updated_at=moment,
        )
        s.add(review)
        s.flush()
        audit.record(s, user.actor, "review.open", "review", review.id, after=snapshot(review))
    return review


def _gaps_text(filled: dict[str, Any]) -> str:
    # A starting point the supervisor edits: the indicators that cost most points.
    return "; ".join(f"{w['indicator']}" for w in filled.get("weakest", []))


def update(
    ws: Workspace, user: Principal, review_id: int, *, now: datetime | None = None, **fields: str
) -> Review:
    """Write fields of the review: the supervisor's side or the agent's, by role."""
    with ws.db.transaction() as s:
        review = get(s, user, review_id)
        _write(s, user, review, fields, now)
    return review


def _write(
    s: Session, user: Principal, review: Review, fields: dict[str, Any], now: datetime | None
) -> None:
    """Write ``fields`` of the side ``user`` may write (nothing given: nothing written)."""
    unknown = set(fields) - set(SUPERVISOR_FIELDS) - set(AGENT_FIELDS)
    if unknown:
        raise UsageError(f"a review has no field(s) {', '.join(sorted(unknown))}")
    if review.state == ReviewState.ACKNOWLEDGED:
        raise keyed(
            KefuError("the review is acknowledged and can no longer change"),
            "trust.review.final",
        )
    if not fields:
        return
    allowed: tuple[str, ...]
    if is_own(user, review.agent_id):
        allowed = AGENT_FIELDS
    elif can_write_supervisor_side(user, review):
        allowed = SUPERVISOR_FIELDS
    else:
        raise Forbidden("your role cannot change this review")
    refused = set(fields) - set(allowed)
    if refused:
        raise Forbidden(f"you cannot write {', '.join(sorted(refused))} of this review")
    before = snapshot(review)
    for name, value in fields.items():
        text = (value or "").strip()
        if len(text) > MAX_TEXT:
            raise keyed(
                UsageError(f"{name} is longer than {MAX_TEXT} characters"),
                "trust.too_long", field=name, limit=MAX_TEXT,
            )  # fmt: skip
        setattr(review, name, text)
    if snapshot(review) == before:
        return
    review.updated_at = now_utc(now)
    audit.record(
        s, user.actor, "review.update", "review", review.id, before=before,
        after=snapshot(review),
    )  # fmt: skip


def hold(
    ws: Workspace, user: Principal, review_id: int, *, now: datetime | None = None,
    **fields: str,
) -> Review:  # fmt: skip
    """The supervisor records that the meeting took place (draft → held).

    ``fields`` typed in the same form are written first, in the same transaction:
    nothing typed is lost, and a refusal writes nothing.
    """
    with ws.db.transaction() as s:
        review = get(s, user, review_id)
        if not can_write_supervisor_side(user, review):
            raise Forbidden("only the agent's supervisor or a manager holds the review")
        if review.state != ReviewState.DRAFT:
            raise keyed(
                KefuError(f"the review is {review.state}, not a draft"), "trust.review.not_draft"
            )
        _write(s, user, review, fields, now)
        if not (review.strengths or review.gaps) or not review.measures:
            raise keyed(
                UsageError("write the analysis (strengths or gaps) and the agreed measures first"),
                "trust.review.hold_needs_text",
            )
        if review.prefill.get("plan_required") and not _has_plan(s, review):
            raise keyed(
                KefuError(
                    f"grade {review.prefill.get('grade')} requires an improvement plan; "
                    "create it before holding the review"
                ),
                "trust.review.plan_first", grade=review.prefill.get("grade"),
            )  # fmt: skip
        before = snapshot(review)
        review.state = ReviewState.HELD
        review.held_at = review.updated_at = now_utc(now)
        review.held_by = user.actor
        audit.record(
            s, user.actor, "review.hold", "review", review.id, before=before,
            after=snapshot(review),
        )  # fmt: skip
        notices.emit(s, notices.EventKind.REVIEW_HELD, {"review_id": review.id,
                     "agent_id": review.agent_id, "period": review.period, "team": review.team},
                     team=review.team, actor=user.actor)  # fmt: skip
    return review


def _has_plan(s: Session, review: Review) -> bool:
    found = s.scalars(select(ImprovementPlan.id).where(ImprovementPlan.review_id == review.id))
    return found.first() is not None


def acknowledge(
    ws: Workspace, user: Principal, review_id: int, *, now: datetime | None = None,
    **fields: str,
) -> Review:  # fmt: skip
    """The agent acknowledges the held review (held → acknowledged).

    The self-assessment and requests typed in the same form are saved with it, in
    the same transaction (an acknowledged review no longer changes).
    """
    with ws.db.transaction() as s:
        review = get(s, user, review_id)
        if not is_own(user, review.agent_id):
            raise Forbidden("only the agent acknowledges their own review")
        if review.state != ReviewState.HELD:
            held = review.state == ReviewState.DRAFT
            raise keyed(
                KefuError(
                    "the review has not been held yet"
                    if held
                    else "the review is acknowledged already"
                ),
                "trust.review.not_held" if held else "trust.review.final",
            )
        _write(s, user, review, fields, now)
        before = snapshot(review)
        review.state = ReviewState.ACKNOWLEDGED
        review.acknowledged_at = review.updated_at = now_utc(now)
        review.acknowledged_by = user.actor
        audit.record(
            s, user.actor, "review.acknowledge", "review", review.id, before=before,
            after=snapshot(review),
        )  # fmt: skip
    return review


def list_reviews(
    ws: Workspace,
    user: Principal,
    *,
    period: str | None = None,
    state: str | None = None,
    agent_id: str | None = None,
) -> list[Review]:
    """The reviews ``user`` may see, newest period first."""
    where = []
    if period:
        where.append(Review.period == _month(period).label)
    if state:
        where.append(Review.state == ReviewState(state))
    if agent_id:
        where.append(Review.agent_id == agent_id)
    return visible_records(
        ws, user, Review, what="reviews", denied=frozenset({Role.qa, Role.hr}), where=where,
        order_by=[Review.period.desc(), Review.agent_id],
    )  # fmt: skip


def review_of(ws: Workspace, user: Principal, review_id: int) -> Review:
    with ws.db.session() as s:
        return get(s, user, review_id)
