"""Appeal pages: my appeals, filing one, and deciding (the record's owning role)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import KefuError, NotFound, UsageError, keyed
from kefu.periods import Grain, Period
from kefu.timefmt import moment_text
from kefu.users.roles import Forbidden, Principal, Role
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.forms import error_text
from kefu.web.nav import NavItem
from kefu.web.params import IdPath
from kefu.web.templating import flash, render, request_locale
from kefu.web.views import pickers
from kefu.workflow import appeals
from kefu.workflow.access import today_local
from kefu.workflow.models import AppealState
from kefu.workflow.records import CORRECTABLE, read_record, record_month

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
Typed = Annotated[str, Form()]
Picked = Annotated[str | None, Query(max_length=100)]

nav = [
    NavItem(
        "nav.appeals", "/appeals",
        frozenset({Role.admin, Role.manager, Role.supervisor, Role.qa, Role.agent}),
    )
]  # fmt: skip


def _value(text: str) -> Any:
    """A form value as the import reads it: numbers stay text, the importer parses them."""
    text = text.strip()
    return None if text == "" else text


@router.get("/appeals")
def appeals_page(
    request: Request, ws: Ws, user: CurrentUser, at: Now, state: str | None = None,
    table: Picked = None, record_id: Picked = None, agent_id: Picked = None,
    period: Picked = None,
) -> Response:  # fmt: skip
    # table= and record_id= prefill the record (the drill-down's 申诉此记录 links with
    # them); agent_id= and period= list that agent's records of the table to pick from.
    form = {"table": table or "", "record_id": record_id or "", "agent_id": agent_id or "",
            "period": period or ""}  # fmt: skip
    return _appeals_page(request, ws, user, at, state, form)


def _appeals_page(
    request: Request, ws: Ws, user: Principal, at: datetime, state: str | None,
    form: dict[str, str], error: KefuError | None = None,
) -> Response:  # fmt: skip
    states = [s.value for s in AppealState]
    found = appeals.list_appeals(ws, user, state=state if state in states else None)
    can_file = user.role not in (Role.qa, Role.hr)
    picker = _record_picker(ws, user, at, form) if can_file else None
    if error is None and picker is not None:
        error = picker.error
    ctx = {
        "appeals": found,
        "state": state or "",
        "states": states,
        "tables": CORRECTABLE,
        "field_tables": {form["table"]: CORRECTABLE[form["table"]]}
        if form.get("table") in CORRECTABLE
        else CORRECTABLE,
        "can_file": can_file,
        "form": form,
        "error": error_text(request, user, error),
        "picker": picker,
    }
    return render(request, "workflow/appeals.html", ctx, user=user,
                  status_code=200 if error is None else 400)  # fmt: skip


@dataclass
class RecordPicker:
    """The appeal form's pickers: whose records, of which month and table, and the list."""

    agents: list[pickers.AgentChoice]
    months: list[pickers.MonthChoice]
    records: list[pickers.RecordChoice] | None  # None: not listed (nothing chosen yet)
    error: KefuError | None = None


def _record_picker(ws: Ws, user: Principal, at: datetime, form: dict[str, str]) -> RecordPicker:
    agents = pickers.agents_in_scope(ws, user, today_local(ws, at))
    months = pickers.scored_months(ws, user)
    if user.role is Role.agent and not form.get("agent_id"):
        form["agent_id"] = user.agent_id or ""
    if form.get("record_id") and not form.get("period"):
        _place(ws, form, {a.agent_id for a in agents})
    if not form.get("period") and not form.get("record_id"):
        form["period"] = pickers.default_month(months)
    picker = RecordPicker(agents, months, None)
    agent_id, period, table = (form.get(k, "").strip() for k in ("agent_id", "period", "table"))
    if not (agent_id and period and table in CORRECTABLE):
        return picker
    if agent_id not in {a.agent_id for a in agents}:
        picker.error = keyed(NotFound("no such agent"), "pick.error.no_agent", agent=agent_id)
        return picker
    try:
        month = Period.parse(period)
    except (ValueError, KefuError):
        month = None
    if month is None or month.grain is not Grain.MONTH:
        picker.error = keyed(UsageError("not a month"), "trust.review.period")
        return picker
    picker.records = pickers.appealable_records(ws, table, agent_id, month)
    return picker


def _place(ws: Ws, form: dict[str, str], in_scope: set[str]) -> None:
    """A record named by the drill-down's link: list it among its agent's records of its
    month, when that agent is one the user may pick (else the record stays alone)."""
    table, record_id = form.get("table", ""), form["record_id"].strip()
    if table not in CORRECTABLE:
        return
    try:
        record = read_record(ws, table, record_id)
    except KefuError:
        return
    agent_id = str(record.get("agent_id") or "")
    if agent_id in in_scope and (not form.get("agent_id") or form["agent_id"] == agent_id):
        form["agent_id"] = agent_id
        form["period"] = record_month(ws, table, record).label


@router.post("/appeals")
def file_appeal(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    table: Annotated[str, Form(max_length=40)],
    # Typed fields are checked by the workflow, so a refusal comes back with them filled.
    record_id: Typed = "",
    reason: Typed = "",
    field: Annotated[str, Form(max_length=40)] = "",
    value: Typed = "",
    attachment: Typed = "",
    # The pickers' choices, so a refused form lists the same records again.
    agent_id: Typed = "",
    period: Typed = "",
) -> Response:
    form = {"table": table, "record_id": record_id, "field": field, "value": value,
            "reason": reason, "attachment": attachment, "agent_id": agent_id[:100],
            "period": period[:20]}  # fmt: skip
    requested = {field: _value(value)} if field else {}
    try:
        if not record_id.strip():
            raise keyed(UsageError("name the record appealed"), "trust.appeal.record_needed")
        appeal = appeals.file_appeal(
            ws, user, table, record_id.strip(), reason=reason, requested=requested,
            attachments=[attachment] if attachment.strip() else [], now=at,
        )  # fmt: skip
    except Forbidden:
        raise
    except KefuError as exc:
        # A wrong record number reads like a missing one: the form comes back (400).
        return _appeals_page(request, ws, user, at, None, form, exc)
    response = RedirectResponse(f"/appeals/{appeal.id}", status_code=303)
    flash(request, response, "wf.appeal_filed")
    return response


@router.get("/appeals/{appeal_id}")
def appeal_page(request: Request, ws: Ws, user: CurrentUser, appeal_id: IdPath) -> Response:
    return _appeal_page(request, ws, user, appeal_id)


def _appeal_page(
    request: Request, ws: Ws, user: Principal, appeal_id: int,
    form: dict[str, str] | None = None, error: KefuError | None = None,
) -> Response:  # fmt: skip
    appeal = appeals.appeal_of(ws, user, appeal_id)
    locale = request_locale(request, user)
    ctx = {
        "appeal": appeal,
        # the record as stored (UTC) read in the workspace's time, as the drill-down shows it
        "original": {k: moment_text(v, ws.timezone, locale) for k, v in appeal.original.items()},
        "can_decide": appeal.state == AppealState.OPEN and appeals.can_decide(user, appeal),
        "fields": CORRECTABLE[appeal.table_name],
        "form": form or {},
        "error": error_text(request, user, error),
    }
    return render(request, "workflow/appeal.html", ctx, user=user,
                  status_code=200 if error is None else 400)  # fmt: skip


@router.post("/appeals/{appeal_id}/decision")
def decide_appeal(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    appeal_id: IdPath,
    decision: Annotated[str, Form(max_length=10)],
    reason: Typed = "",
    field: Annotated[str, Form(max_length=40)] = "",
    value: Typed = "",
) -> Response:
    if decision not in ("uphold", "reject"):
        raise UsageError("decide uphold or reject")
    correction = {field: _value(value)} if field else {}
    try:
        appeals.decide(ws, user, appeal_id, uphold=decision == "uphold", reason=reason,
                       correction=correction, now=at)  # fmt: skip
    except (Forbidden, NotFound):
        raise
    except KefuError as exc:
        form = {"decision": decision, "reason": reason, "field": field, "value": value}
        return _appeal_page(request, ws, user, appeal_id, form, exc)
    response = RedirectResponse(f"/appeals/{appeal_id}", status_code=303)
    flash(request, response, f"wf.appeal_{decision}")
    return response
