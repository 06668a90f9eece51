"""Scorecards ``/scorecards``: versions, YAML, new versions with inline issues,
target suggestions beside the current targets, and choosing the active version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kefu.scoring.registry import workspace_scorecards
from kefu.users.roles import Role
from kefu.web.deps import CentreUser, Ws
from kefu.web.nav import NavItem
from kefu.web.pages import render_page
from kefu.web.params import IdPath
from kefu.web.templating import flash
from kefu.web.views import operations

router = APIRouter()

nav = [NavItem("pages.nav.scorecards", "/scorecards", frozenset({Role.admin, Role.manager}))]


def _page(request: Request, ws: Ws, user: CentreUser, months: int = 6, **extra: object) -> Response:
    default = workspace_scorecards(ws).default
    ctx = {
        "versions": operations.list_versions(ws),
        "suggestions": operations.target_suggestions(ws, months),
        "months": months,
        "draft": default.source_text,
        **extra,
    }
    status = 400 if extra.get("issues") else 200
    return render_page(request, "pages/scorecards.html", ctx, user=user, status_code=status)


@router.get("/scorecards")
def scorecards_page(
    request: Request, ws: Ws, user: CentreUser, months: Annotated[int, Query(ge=1, le=36)] = 6
) -> Response:
    return _page(request, ws, user, months)


@router.post("/scorecards")
def add_version(
    request: Request,
    ws: Ws,
    user: CentreUser,
    content: Annotated[str, Form(max_length=200_000)],
    activate: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    created, issues = operations.add_version(ws, user, content)
    if created is None:
        return _page(request, ws, user, draft=content, issues=issues)
    if activate:
        operations.activate_version(ws, user, created.id)
    response = RedirectResponse(f"/scorecards/{created.id}", status_code=303)
    flash(request, response, "pages.scorecards.saved_done")
    return response


@router.get("/scorecards/{version_id}")
def version_page(request: Request, version_id: IdPath, ws: Ws, user: CentreUser) -> Response:
    v = operations.get_version(ws, version_id)
    info = operations.version_dict(v, operations.active_hashes(ws))
    ctx = {"version": info, "content": v.content}
    return render_page(request, "pages/scorecard.html", ctx, user=user)


@router.post("/scorecards/{version_id}/activate")
def activate(request: Request, version_id: IdPath, ws: Ws, user: CentreUser) -> Response:
    operations.activate_version(ws, user, version_id)
    response = RedirectResponse("/scorecards", status_code=303)
    flash(request, response, "pages.scorecards.activated")
    return response
