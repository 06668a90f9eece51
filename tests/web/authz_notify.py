"""Authorisation rules of the notification routes (merged into :data:`tests.web.authz.RULES`).

A notification is its user's only: another user's answers 404 whatever the
role. The administrator's pages (channels, dead letters) are admin-only.
"""

from __future__ import annotations

from typing import Any

from kefu.users.roles import Role
from tests.web.authz import ADMIN, ALL, Rule


def _notification(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    from kefu.notify.models import Notification
    from kefu.store.notices import EventKind, emit
    from kefu.users import service

    owner = ctx.username(role) if variant == "own" and role is not None else "outsider"
    with ctx.web.ws.db.transaction() as s:
        event = emit(s, EventKind.SCORING_FAILED, {"period": "2026-10", "error": "x"})
        s.flush()
        note = Notification(user_id=service.get_user(s, owner).id, event_id=event.id,
                            topic="scoring_failed", title="x", body="", link="/")  # fmt: skip
        s.add(note)
        s.flush()
        return {"notification_id": str(note.id)}


def _channel(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    from kefu.notify import service
    from kefu.notify.channels import ChannelSpec

    # Nothing listens on port 9 here: a test message fails at once.
    spec = ChannelSpec("email", "matrix", ["scoring_failed"], host="127.0.0.1", port=9,
                       security="none", sender="kefu@example.com",
                       recipients=["a@example.com"])  # fmt: skip
    return {"channel_id": str(service.add_channel(ctx.web.ws, spec, "matrix").id)}


def _delivery(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    from kefu.notify.models import Delivery
    from kefu.store.notices import EventKind, emit

    channel_id = int(_channel(ctx, role, variant)["channel_id"])
    with ctx.web.ws.db.transaction() as s:
        event = emit(s, EventKind.SCORING_FAILED, {"period": "2026-10", "error": "x"})
        s.flush()
        row = Delivery(event_id=event.id, channel_id=channel_id, topic="scoring_failed",
                       recipient="", state="dead", attempts=1, failures=1, resends=0,
                       message={"title": "x", "event_key": event.key})  # fmt: skip
        s.add(row)
        s.flush()
        return {"delivery_id": str(row.id)}


NOTIFY_OBJECTS = {"notification": _notification, "channel": _channel, "delivery": _delivery}
NOBODY_ELSE = frozenset[Role]()

NOTIFY_RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/notifications"): Rule(ALL),
    ("POST", "/notifications/{notification_id}/open"): Rule(
        ALL, ok=303, objects="notification", sees_foreign=NOBODY_ELSE
    ),
    ("POST", "/notifications/read-all"): Rule(ALL, ok=303),
    ("POST", "/notifications/address"): Rule(ALL, ok=303, body={"email": "me@example.com"}),
    ("GET", "/admin/notify"): Rule(ADMIN),
    # a channel without events is shown again with the problem
    ("POST", "/admin/notify/channels"): Rule(ADMIN, ok=400, body={"kind": "wecom", "name": "x"}),
    ("POST", "/admin/notify/channels/{channel_id}/events"): Rule(
        ADMIN, ok=303, objects="channel", sees_foreign=ALL, body={"events": "scoring_failed"}
    ),
    # the matrix's channel points nowhere: the page says the test message failed
    ("POST", "/admin/notify/channels/{channel_id}/test"): Rule(
        ADMIN, ok=400, objects="channel", sees_foreign=ALL
    ),
    ("POST", "/admin/notify/channels/{channel_id}/remove"): Rule(
        ADMIN, ok=303, objects="channel", sees_foreign=ALL
    ),
    ("POST", "/admin/notify/deliveries/{delivery_id}/resend"): Rule(
        ADMIN, ok=303, objects="delivery", sees_foreign=ALL
    ),
    ("GET", "/api/v1/notifications"): Rule(ALL),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Rule(
        ALL, objects="notification", sees_foreign=NOBODY_ELSE
    ),
}
