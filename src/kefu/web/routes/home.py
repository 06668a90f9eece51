"""The start page after login: who you are and the parts of Kefu your role opens.

QA's start page also shows the work waiting for them (kefu.workflow.qa_desk).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kefu.users.roles import Role
from kefu.web.deps import CurrentUser, get_ws
from kefu.web.nav import NavItem
from kefu.web.templating import render
from kefu.workflow.qa_desk import qa_desk

router = APIRouter()

nav = [NavItem("nav.home", "/")]


@router.get("/")
def home(request: Request, user: CurrentUser) -> Response:
    # Also called by the overview for the roles without one: (request, user) only.
    sections = [
        item for item in request.app.state.nav if item.href != "/" and item.visible_to(user)
    ]
    desk = qa_desk(get_ws(request), user) if user.role is Role.qa else None
    return render(request, "home.html", {"sections": sections, "desk": desk}, user=user)
