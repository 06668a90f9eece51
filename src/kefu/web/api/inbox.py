"""``/api/v1/inbox``: what waits for the authenticated user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kefu.web.api.schemas import ERRORS
from kefu.web.deps import CurrentUser, Ws, now
from kefu.workflow import inbox as inbox_service

router = APIRouter(prefix="/inbox", tags=["inbox"], responses=ERRORS)


class TaskPublic(BaseModel):
    kind: str
    object_type: str
    object_id: str
    agent_id: str | None
    title: str
    href: str
    due: str | None
    overdue: bool
    since: str | None = None


@router.get("", response_model=list[TaskPublic], summary="Tasks waiting for me, overdue first")
def my_inbox(ws: Ws, user: CurrentUser, at: Annotated[datetime, Depends(now)]) -> list[TaskPublic]:
    return [TaskPublic(**t.as_dict()) for t in inbox_service.inbox(ws, user, now=at)]
