"""Improvement plan pages: the plans I may see, overdue items, completion and evidence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kefu.errors import KefuError, NotFound, keyed
from kefu.periods import Period
from kefu.users.roles import Forbidden, Principal, Role
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.forms import error_text
from kefu.web.nav import NavItem
from kefu.web.params import IdPath
from kefu.web.templating import flash, render
from kefu.web.views import pickers
from kefu.workflow import plans, reviews
from kefu.workflow.access import agent_team, is_own, require_reviewer, today_local

router = APIRouter()
Now = Annotated[datetime, Depends(now)]
ITEM_ROWS = 5

nav = [
    NavItem(
        "nav.plans", "/plans", frozenset({Role.admin, Role.manager, Role.supervisor, Role.agent})
    )
]


def _to(request: Request, path: str, key: str) -> Response:
    response = RedirectResponse(path, status_code=303)
    flash(request, response, key)
    return response


@router.get("/plans")
def plans_page(request: Request, ws: Ws, user: CurrentUser, at: Now) -> Response:
    return _plans_page(request, ws, user, at)


def _plans_page(
    request: Request, ws: Ws, user: Principal, at: datetime, error: KefuError | None = None
) -> Response:
    ctx = {
        "plans": plans.list_plans(ws, user),
        "overdue": plans.overdue_items(ws, user, now=at),
        "today": today_local(ws, at),
        "error": error_text(request, user, error),
    }
    return render(request, "workflow/plans.html", ctx, user=user,
                  status_code=200 if error is None else 400)  # fmt: skip


@router.post("/plans")
async def create_plan(request: Request, ws: Ws, user: CurrentUser, at: Now) -> Response:
    # Item rows are numbered form fields (description_1, due_on_1, owner_1 …).
    require_reviewer(user)
    form = await request.form()
    review_id = _int(form.get("review_id"))
    items = []
    for n in range(1, ITEM_ROWS + 1):
        description = str(form.get(f"description_{n}") or "").strip()
        if description:
            items.append({"description": description, "due_on": str(form.get(f"due_on_{n}") or ""),
                          "owner": str(form.get(f"owner_{n}") or "")})  # fmt: skip
    typed = {k: str(v) for k, v in form.items() if isinstance(v, str)}

    def create() -> Response:
        try:
            plan = plans.create_plan(
                ws, user, review_id, title=str(form.get("title") or ""), items=items, now=at
            )
        except Forbidden:
            raise
        except NotFound:
            missing = keyed(NotFound("no such review"), "pick.error.no_review")
            return _plans_page(request, ws, user, at, error=missing)
        except KefuError as exc:
            # The review page comes back with the plan as typed, and why it was refused.
            from kefu.web.routes.reviews import _review_page

            review = reviews.review_of(ws, user, review_id)
            return _review_page(request, ws, user, review, plan_form=typed, plan_error=exc)
        return _to(request, f"/plans/{plan.id}", "wf.plan_created")

    # The form is read on the event loop; the store is written on a worker thread.
    return await run_in_threadpool(create)


def _int(value: object) -> int:
    from kefu.errors import UsageError

    try:
        return int(str(value))
    except ValueError:
        raise UsageError("the form names no review") from None


@router.get("/plans/{plan_id}")
def plan_page(request: Request, ws: Ws, user: CurrentUser, at: Now, plan_id: IdPath) -> Response:
    plan = plans.plan_of(ws, user, plan_id)
    manage = plans.can_manage(user, plan)
    _, name = agent_team(ws, plan.agent_id, Period.parse(plan.period))
    ctx = {
        "plan": plan,
        "manage": manage,
        "owners": pickers.plan_owners(ws, plan.agent_id, name, plan.team) if manage else [],
        "own": is_own(user, plan.agent_id),
        "today": today_local(ws, at),
    }
    return render(request, "workflow/plan.html", ctx, user=user)


@router.post("/plans/{plan_id}/items")
def add_item(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    plan_id: IdPath,
    description: Annotated[str, Form(min_length=1, max_length=plans.MAX_TEXT)],
    due_on: Annotated[date, Form()],
    owner: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    item = {"description": description, "due_on": due_on, "owner": owner}
    plans.add_item(ws, user, plan_id, item, now=at)
    return _to(request, f"/plans/{plan_id}", "wf.saved")


@router.post("/plans/items/{item_id}")
def update_item(
    request: Request,
    ws: Ws,
    user: CurrentUser,
    at: Now,
    item_id: IdPath,
    evidence: Annotated[str | None, Form(max_length=plans.MAX_TEXT)] = None,
    completed_on: Annotated[str, Form(max_length=10)] = "",
    reopen: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    item = plans.update_item(
        ws, user, item_id, evidence=evidence, completed_on=completed_on or None,
        reopen=reopen == "1", now=at,
    )  # fmt: skip
    return _to(request, f"/plans/{item.plan_id}", "wf.saved")
