"""Appeal pages: my appeals, filing one, and deciding (the record's owning role)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import KefuError, NotFound, UsageError, keyed
from kefu.timefmt import moment_text
from kefu.users.roles import Forbidden, Principal, Role
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.forms import error_text
from kefu.web.nav import NavItem
from kefu.web.params import IdPath
from kefu.web.templating import flash, render, request_locale
from kefu.workflow import appeals
from kefu.workflow.models import AppealState
from kefu.workflow.records import CORRECTABLE

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
Typed = Annotated[str, Form()]

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
    request: Request, ws: Ws, user: CurrentUser, state: str | None = None,
    table: str | None = None, record_id: str | None = None,
) -> Response:  # fmt: skip
    return _appeals_page(request, ws, user, state, {"table": table or "",
                                                    "record_id": record_id or ""})  # fmt: skip


def _appeals_page(
    request: Request, ws: Ws, user: Principal, state: str | None, form: dict[str, str],
    error: KefuError | None = None,
) -> Response:  # fmt: skip
    states = [s.value for s in AppealState]
    found = appeals.list_appeals(ws, user, state=state if state in states else None)
    ctx = {
        "appeals": found,
        "state": state or "",
        "states": states,
        "tables": CORRECTABLE,
        "can_file": user.role not in (Role.qa, Role.hr),
        "form": form,
        "error": error_text(request, user, error),
    }
    status = 200 if error is None else 404 if isinstance(error, NotFound) else 400
    return render(request, "workflow/appeals.html", ctx, user=user, status_code=status)


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
) -> Response:
    form = {"table": table, "record_id": record_id, "field": field, "value": value,
            "reason": reason, "attachment": attachment}  # fmt: skip
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
        return _appeals_page(request, ws, user, None, form, exc)
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
