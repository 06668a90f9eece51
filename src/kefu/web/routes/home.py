"""The start page after login: who you are and the parts of Kefu your role opens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kefu.web.deps import CurrentUser
from kefu.web.nav import NavItem
from kefu.web.templating import render

router = APIRouter()

nav = [NavItem("nav.home", "/")]


@router.get("/")
def home(request: Request, user: CurrentUser) -> Response:
    sections = [
        item for item in request.app.state.nav if item.href != "/" and item.visible_to(user)
    ]
    return render(request, "home.html", {"sections": sections}, user=user)
