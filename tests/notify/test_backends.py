"""The outbox on SQLite and PostgreSQL: planning, claiming and recording, once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from kefu.notify import planning, service
from kefu.notify.channels import ChannelSpec
from kefu.notify.models import Delivery
from kefu.notify.sender import Sender
from kefu.store.notices import EventKind, NotificationEvent, emit
from tests.notify.conftest import notify_ws

T0 = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)


def test_an_event_is_planned_once_and_delivered_once_on_each_backend(any_ws, platforms) -> None:
    ws = notify_ws(any_ws, monitor_digest_hour=None)
    spec = ChannelSpec("wecom", "群", ["import_rejects"], webhook=platforms.wecom_webhook)
    service.add_channel(ws, spec, "test")
    with ws.db.transaction() as s:
        emit(s, EventKind.IMPORT_REJECTS, {"batch_id": 3, "table": "contacts", "file": "c.csv",
             "rows_read": 2, "accepted": 1, "rejected": 1, "actor": "x"})  # fmt: skip
    (event_id,) = planning.pending_events(ws)
    assert planning.plan_event(ws, event_id, T0) is True
    assert planning.plan_event(ws, event_id, T0) is False  # a second planner finds it taken
    platforms.answers.append((429, {}))
    clock = [T0]
    sender = Sender(ws, clock=lambda: clock[0])
    assert sender.run_once().retried == 1
    clock[0] += timedelta(seconds=1)
    assert sender.run_once().sent == 1
    with ws.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 1
        assert s.get(NotificationEvent, event_id).state == "planned"
    (got,) = platforms.of("wecom")
    assert "导入完成，1 行被拒绝" in got.text


def test_a_rolled_back_change_leaves_no_event(ws) -> None:
    try:
        with ws.db.transaction() as s:
            emit(s, EventKind.REVIEW_HELD, {"review_id": 1})
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert planning.pending_events(ws) == []
