"""``/api/v1/notifications``: the authenticated user's in-app notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from kefu.notify import service
from kefu.notify.models import Notification
from kefu.web.api.schemas import ERRORS
from kefu.web.deps import DB, CurrentUser, now
from kefu.web.params import IdPath

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=ERRORS)


class NotificationPublic(BaseModel):
    id: int
    topic: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationsPublic(BaseModel):
    unread: int
    notifications: list[NotificationPublic]


def _public(n: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=n.id, topic=n.topic, title=n.title, body=n.body, link=n.link,
        created_at=n.created_at, read_at=n.read_at,
    )  # fmt: skip


@router.get("", response_model=NotificationsPublic, summary="My notifications, newest first")
def my_notifications(user: CurrentUser, db: DB) -> NotificationsPublic:
    return NotificationsPublic(
        unread=service.unread_count(db, user.user_id),
        notifications=[_public(n) for n in service.notices_of(db, user)],
    )


@router.post(
    "/{notification_id}/read", response_model=NotificationPublic, summary="Mark one as read"
)
def mark_read(
    notification_id: IdPath, user: CurrentUser, db: DB, at: Annotated[datetime, Depends(now)]
) -> NotificationPublic:
    service.open_notice(db, user, notification_id, at)
    found = db.get(Notification, notification_id)
    assert found is not None
    return _public(found)
