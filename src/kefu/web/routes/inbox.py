"""The inbox page: what waits for me, overdue first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kefu.notify.service import unread_count
from kefu.web.deps import CurrentUser, Ws, now
from kefu.web.nav import NavItem
from kefu.web.templating import render
from kefu.workflow import inbox as inbox_service

router = APIRouter()

nav = [NavItem("nav.inbox", "/inbox", badge=lambda s, user: unread_count(s, user.user_id))]


@router.get("/inbox")
def inbox_page(
    request: Request, ws: Ws, user: CurrentUser, at: Annotated[datetime, Depends(now)]
) -> Response:
    tasks = inbox_service.inbox(ws, user, now=at)
    with ws.db.session() as s:
        unread = unread_count(s, user.user_id)
    return render(request, "workflow/inbox.html", {"tasks": tasks, "unread": unread}, user=user)
