"""Appeals (申诉) on scored input records: open → upheld / rejected.

The agent (or their supervisor, or a manager, on their behalf) files an
appeal within the appeal window after the period's first publication. The
role that owns the record decides it (:data:`kefu.workflow.access.DECIDERS`);
nobody decides an appeal they filed or that concerns themselves. Upholding
writes the corrected record as its next version, re-scores the period and
publishes the revision; the appeal keeps old and new total, grade and pay
coefficient of every agent the correction moved.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu import audit
from kefu.errors import KefuError, NotFound, UsageError, keyed
from kefu.periods import Period
from kefu.scoring.models import RunState, ScoringRun
from kefu.store import notices
from kefu.timefmt import NUMERIC, format_moment
from kefu.users.roles import Forbidden, Principal, Role
from kefu.workflow import records
from kefu.workflow.access import (
    DECIDERS,
    agent_team,
    appeal_window_days,
    is_own,
    now_utc,
    visible_records,
)
from kefu.workflow.models import Appeal, AppealState
from kefu.workspace import Workspace

MAX_TEXT = 10_000
MAX_ATTACHMENTS = 10
CORRECTION_SOURCE_LABEL = "appeal-{id}"


def snapshot(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.id,
        "agent_id": appeal.agent_id,
        "team": appeal.team,
        "period": appeal.period,
        "table": appeal.table_name,
        "record_id": appeal.record_id,
        "record_source": appeal.record_source,
        "original": appeal.original,
        "requested": appeal.requested,
        "reason": appeal.reason,
        "attachments": appeal.attachments,
        "state": appeal.state,
        "filed_at": _iso(appeal.filed_at),
        "filed_by": appeal.filed_by,
        "decided_at": _iso(appeal.decided_at),
        "decided_by": appeal.decided_by,
        "decision_reason": appeal.decision_reason,
        "applied": appeal.applied,
        "correction_batch": appeal.correction_batch,
        "revision_run": appeal.revision_run,
        "changes": appeal.changes,
    }


def notice(appeal: Appeal) -> dict[str, Any]:
    """What a notification about the appeal may say: the appeal, and only its own
    agent's old and new result (a correction can move colleagues too)."""
    own = [c for c in appeal.changes or [] if c.get("agent_id") == appeal.agent_id]
    return {
        "appeal_id": appeal.id, "agent_id": appeal.agent_id, "team": appeal.team,
        "period": appeal.period, "table": appeal.table_name, "state": appeal.state,
        "filed_by": appeal.filed_by, "old": own[0].get("old") if own else None,
        "new": own[0].get("new") if own else None,
    }  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# -- who may see and decide ---------------------------------------------------------
def can_view(user: Principal, appeal: Appeal) -> bool:
    if user.role is Role.agent:
        return is_own(user, appeal.agent_id)
    if user.role in (Role.admin, Role.manager):
        return True
    if user.role is Role.qa:
        return Role.qa in DECIDERS[appeal.table_name]
    if user.role is Role.supervisor:
        return appeal.team is not None and appeal.team in user.teams
    return False


def can_decide(user: Principal, appeal: Appeal) -> bool:
    return (
        user.role in DECIDERS[appeal.table_name]
        and appeal.filed_by != user.actor
        and (user.agent_id is None or user.agent_id != appeal.agent_id)
    )


def get(s: Session, user: Principal, appeal_id: int) -> Appeal:
    if user.role is Role.hr:
        raise Forbidden("your role does not give access to appeals")
    appeal = s.get(Appeal, appeal_id)
    if appeal is None or not can_view(user, appeal):
        raise NotFound("no such appeal")
    return appeal


# -- the window -------------------------------------------------------------------------
def first_publication(ws: Workspace, period: Period) -> datetime | None:
    with ws.db.session() as s:
        run = s.scalars(
            select(ScoringRun)
            .where(ScoringRun.period == period.label, ScoringRun.state == RunState.PUBLISHED)
            .order_by(ScoringRun.id)
        ).first()
        return None if run is None else run.published_at


def window_closes(ws: Workspace, period: Period) -> datetime | None:
    """When appeals on ``period`` stop being accepted (None: not published yet)."""
    published = first_publication(ws, period)
    if published is None:
        return None
    return published + timedelta(days=appeal_window_days(ws))


# -- filing --------------------------------------------------------------------------------
def _appealable(
    ws: Workspace, user: Principal, table: str, record_id: str, source: str | None
) -> tuple[dict[str, Any], str, Period, str | None]:
    """The record ``user`` may appeal, with its agent, month and the agent's team then."""
    if user.role in (Role.qa, Role.hr):
        raise Forbidden("appeals are filed by the agent, their supervisor or a manager")
    record = records.read_record(ws, table, record_id, source)
    agent_id = record.get("agent_id")
    month = records.record_month(ws, table, record)
    team, _ = agent_team(ws, agent_id, month) if agent_id else (None, None)
    if agent_id is None or not (
        is_own(user, agent_id)
        or (user.role is not Role.agent and user.can_view_agent(agent_id, team))
    ):
        # Another agent's record looks exactly like a missing one.
        raise keyed(NotFound(f"no {table} record '{record_id}'"), "trust.appeal.no_record",
                    record=record_id)  # fmt: skip
    return record, agent_id, month, team


def _reason_and_files(reason: str, attachments: list[str] | None) -> tuple[str, list[str]]:
    """The reason and attachment names as stored, refused when empty or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise keyed(UsageError("give the reason for the appeal"), "trust.appeal.reason")
    if len(reason) > MAX_TEXT:
        raise keyed(UsageError(f"the reason is longer than {MAX_TEXT} characters"),
                    "trust.too_long", limit=MAX_TEXT)  # fmt: skip
    files = [a.strip() for a in (attachments or []) if a and a.strip()]
    if len(files) > MAX_ATTACHMENTS or any(len(a) > MAX_TEXT for a in files):
        raise keyed(
            UsageError(f"at most {MAX_ATTACHMENTS} attachments of {MAX_TEXT} characters each"),
            "trust.too_long", limit=MAX_TEXT,
        )  # fmt: skip
    return reason, files


def _check_window(ws: Workspace, month: Period, moment: datetime) -> None:
    """Refuse an appeal on a month not yet published, or after its window closed."""
    closes = window_closes(ws, month)
    if closes is None:
        raise keyed(
            KefuError(
                f"{month.label} has not been published yet; appeals open when the results are"
            ),
            "trust.appeal.unpublished", period=month.label,
        )  # fmt: skip
    if moment > closes:
        raise keyed(
            KefuError(
                f"the appeal window for {month.label} closed on "
                f"{format_moment(closes, ws.timezone, NUMERIC)} "
                f"({appeal_window_days(ws)} days after publication)"
            ),
            "trust.appeal.closed", period=month.label, days=appeal_window_days(ws),
            closes=format_moment(closes, ws.timezone, NUMERIC),
        )  # fmt: skip


def file_appeal(
    ws: Workspace,
    user: Principal,
    table: str,
    record_id: str,
    *,
    reason: str,
    requested: dict[str, Any] | None = None,
    attachments: list[str] | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> Appeal:
    """File an appeal against ``table``'s record ``record_id``."""
    record, agent_id, month, team = _appealable(ws, user, table, record_id, source)
    reason, files = _reason_and_files(reason, attachments)
    wanted = records.check_correction(table, requested or {})
    moment = now_utc(now)
    _check_window(ws, month, moment)
    with ws.db.transaction() as s:
        pending = s.scalars(
            select(Appeal.id).where(
                Appeal.table_name == table,
                Appeal.record_id == str(record_id),
                Appeal.record_source == record["source"],
                Appeal.state == AppealState.OPEN,
            )
        ).first()
        if pending is not None:
            raise keyed(KefuError(f"appeal {pending} on this record is still open"),
                        "trust.appeal.pending", id=pending)  # fmt: skip
        appeal = Appeal(
            agent_id=agent_id,
            team=team,
            period=month.label,
            table_name=table,
            record_id=str(record_id),
            record_source=record["source"],
            original={k: records.plain(v) for k, v in record.items()},
            requested=wanted,
            reason=reason,
            attachments=files,
            state=AppealState.OPEN,
            filed_at=moment,
            filed_by=user.actor,
        )
        s.add(appeal)
        s.flush()
        audit.record(s, user.actor, "appeal.file", "appeal", appeal.id, after=snapshot(appeal))
        notices.emit(s, notices.EventKind.APPEAL_FILED, notice(appeal), team=team, actor=user.actor)
    return appeal


# -- deciding ----------------------------------------------------------------------------
def _decidable(s: Session, user: Principal, appeal_id: int) -> Appeal:
    appeal = get(s, user, appeal_id)
    if user.role not in DECIDERS[appeal.table_name]:
        raise Forbidden("your role does not decide appeals on these records")
    if not can_decide(user, appeal):
        raise Forbidden("an appeal is decided by someone other than its filer and its subject")
    if appeal.state != AppealState.OPEN:
        raise KefuError(f"appeal {appeal.id} is {appeal.state} already")
    return appeal


def decide(
    ws: Workspace,
    user: Principal,
    appeal_id: int,
    *,
    uphold: bool,
    reason: str,
    correction: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Uphold (correct, re-score, publish the revision) or reject an open appeal."""
    reason = (reason or "").strip()
    if not reason:
        raise keyed(UsageError("give the reason for the decision"), "trust.appeal.decision_reason")
    if len(reason) > MAX_TEXT:
        raise keyed(UsageError(f"the reason is longer than {MAX_TEXT} characters"),
                    "trust.too_long", limit=MAX_TEXT)  # fmt: skip
    with ws.db.session() as s:
        appeal = _decidable(s, user, appeal_id)
    if not uphold:
        return _close(ws, user, appeal_id, AppealState.REJECTED, reason, now=now)
    change = {**appeal.requested, **records.check_correction(appeal.table_name, correction or {})}
    if not change:
        raise keyed(UsageError("an upheld appeal needs the correction to make"),
                    "trust.appeal.correction_needed")  # fmt: skip
    # Compared with the record as appealed, not as it is now: a decision interrupted after
    # the correction was stored (e.g. scoring failed) can then simply be retried.
    if all(appeal.original.get(k) == v for k, v in change.items()):
        raise keyed(UsageError("the correction changes nothing in the record"),
                    "trust.appeal.correction_same")  # fmt: skip
    current = records.read_record(ws, appeal.table_name, appeal.record_id, appeal.record_source)
    from kefu import scoring
    from kefu.ingest import import_records

    result = import_records(
        ws,
        appeal.table_name,
        [records.corrected(appeal.table_name, current, change)],
        source=appeal.record_source,
        label=CORRECTION_SOURCE_LABEL.format(id=appeal.id),
        actor=user.actor,
    )
    if result.rejected:
        raise KefuError(f"the corrected record was refused: {result.message or 'invalid value'}")
    run = scoring.score_period(ws, appeal.period, actor=user.actor)
    if run.revision_of is not None:
        run = scoring.publish(ws, appeal.period, actor=user.actor)
    return _close(
        ws,
        user,
        appeal_id,
        AppealState.UPHELD,
        reason,
        now=now,
        applied={k: records.plain(v) for k, v in change.items()},
        batch=result.batch,
        run=run,
    )


def _close(
    ws: Workspace,
    user: Principal,
    appeal_id: int,
    state: AppealState,
    reason: str,
    *,
    now: datetime | None,
    applied: dict[str, Any] | None = None,
    batch: int | None = None,
    run: ScoringRun | None = None,
) -> Appeal:
    with ws.db.transaction() as s:
        appeal = _decidable(s, user, appeal_id)
        before = snapshot(appeal)
        appeal.state = state
        appeal.decided_at = now_utc(now)
        appeal.decided_by = user.actor
        appeal.decision_reason = reason
        if state == AppealState.UPHELD:
            appeal.applied = applied
            appeal.correction_batch = batch
            if run is not None:
                appeal.revision_run = run.id
                appeal.changes = [_brief(c) for c in (run.changes or [])]
        action = "appeal.uphold" if state == AppealState.UPHELD else "appeal.reject"
        audit.record(
            s, user.actor, action, "appeal", appeal.id, before=before, after=snapshot(appeal)
        )
        notices.emit(s, notices.EventKind.APPEAL_DECIDED, notice(appeal), team=appeal.team,
                     actor=user.actor)  # fmt: skip
    return appeal


def _brief(change: dict[str, Any]) -> dict[str, Any]:
    return {k: change.get(k) for k in ("agent_id", "name", "old", "new", "why")}


# -- reading ----------------------------------------------------------------------------------
def list_appeals(
    ws: Workspace,
    user: Principal,
    *,
    state: str | None = None,
    period: str | None = None,
    agent_id: str | None = None,
) -> list[Appeal]:
    """The appeals ``user`` may see, newest first (QA: those of the tables QA decides)."""
    where = []
    if state:
        where.append(Appeal.state == AppealState(state))
    if period:
        where.append(Appeal.period == Period.parse(period).label)
    if agent_id:
        where.append(Appeal.agent_id == agent_id)
    qa_tables = sorted(t for t, roles in DECIDERS.items() if Role.qa in roles)
    return visible_records(
        ws, user, Appeal, what="appeals", denied=frozenset({Role.hr}), where=where,
        order_by=[Appeal.id.desc()], qa_sees=Appeal.table_name.in_(qa_tables),
    )  # fmt: skip


def appeal_of(ws: Workspace, user: Principal, appeal_id: int) -> Appeal:
    with ws.db.session() as s:
        return get(s, user, appeal_id)
