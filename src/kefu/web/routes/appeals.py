"""Appeal pages: my appeals, filing one, and deciding (the record's owning role)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kefu.errors import UsageError
from kefu.users.roles import Role
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.nav import NavItem
from kefu.web.params import IdPath
from kefu.web.templating import flash, render
from kefu.workflow import appeals
from kefu.workflow.models import AppealState
from kefu.workflow.records import CORRECTABLE

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
Long = Annotated[str, Form(max_length=appeals.MAX_TEXT)]

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
    states = [s.value for s in AppealState]
    found = appeals.list_appeals(ws, user, state=state if state in states else None)
    ctx = {
        "appeals": found,
        "state": state or "",
        "states": states,
        "tables": CORRECTABLE,
        "can_file": user.role not in (Role.qa, Role.hr),
        "form": {"table": table or "", "record_id": record_id or ""},
    }
    return render(request, "workflow/appeals.html", ctx, user=user)


@router.post("/appeals")
def file_appeal(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    table: Annotated[str, Form(max_length=40)],
    record_id: Annotated[str, Form(min_length=1, max_length=200)],
    reason: Annotated[str, Form(min_length=1, max_length=appeals.MAX_TEXT)],
    field: Annotated[str, Form(max_length=40)] = "",
    value: Annotated[str, Form(max_length=200)] = "",
    attachment: Long = "",
) -> Response:
    requested = {field: _value(value)} if field else {}
    appeal = appeals.file_appeal(
        ws, user, table, record_id.strip(), reason=reason, requested=requested,
        attachments=[attachment] if attachment.strip() else [], now=at,
    )  # fmt: skip
    response = RedirectResponse(f"/appeals/{appeal.id}", status_code=303)
    flash(request, response, "wf.appeal_filed")
    return response


@router.get("/appeals/{appeal_id}")
def appeal_page(request: Request, ws: Ws, user: CurrentUser, appeal_id: IdPath) -> Response:
    appeal = appeals.appeal_of(ws, user, appeal_id)
    ctx = {
        "appeal": appeal,
        "can_decide": appeal.state == AppealState.OPEN and appeals.can_decide(user, appeal),
        "fields": CORRECTABLE[appeal.table_name],
    }
    return render(request, "workflow/appeal.html", ctx, user=user)


@router.post("/appeals/{appeal_id}/decision")
def decide_appeal(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    appeal_id: IdPath,
    decision: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(min_length=1, max_length=appeals.MAX_TEXT)],
    field: Annotated[str, Form(max_length=40)] = "",
    value: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if decision not in ("uphold", "reject"):
        raise UsageError("decide uphold or reject")
    correction = {field: _value(value)} if field else {}
    appeals.decide(ws, user, appeal_id, uphold=decision == "uphold", reason=reason,
                   correction=correction, now=at)  # fmt: skip
    response = RedirectResponse(f"/appeals/{appeal_id}", status_code=303)
    flash(request, response, f"wf.appeal_{decision}")
    return response
