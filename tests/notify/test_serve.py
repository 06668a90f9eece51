"""Inside ``kefu serve`` the sender runs on its own thread, started and stopped with the app."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from kefu.notify import service
from kefu.notify.channels import ChannelSpec
from kefu.store.notices import EventKind, emit
from kefu.web.app import create_app
from kefu.web.settings import WebSettings
from tests.notify.conftest import notify_ws


def test_the_server_delivers_notifications_in_the_background(ws, platforms) -> None:
    ws = notify_ws(ws, monitor_digest_hour=None, poll_seconds=0.05)
    spec = ChannelSpec("feishu", "飞书", ["scoring_failed"], webhook=platforms.feishu_webhook,
                       signing_secret="fe1shuS1gnS3cret")  # fmt: skip
    service.add_channel(ws, spec, "test")
    app = create_app(ws, settings=WebSettings(notify_sender=True))
    with TestClient(app) as client:  # runs the lifespan: the sender starts
        with ws.db.transaction() as s:
            emit(s, EventKind.SCORING_FAILED, {"period": "2026-10", "actor": "x", "error": "e"})
        deadline = time.monotonic() + 30
        while not platforms.of("feishu") and time.monotonic() < deadline:
            # The pages keep answering meanwhile: the sender is off the event loop.
            assert client.get("/login").status_code == 200
            time.sleep(0.05)
    assert len(platforms.of("feishu")) == 1
    assert "2026-10 评分失败" in platforms.of("feishu")[0].text


def test_without_the_option_the_app_sends_nothing(ws, platforms) -> None:
    ws = notify_ws(ws, monitor_digest_hour=None, poll_seconds=0.05)
    spec = ChannelSpec("wecom", "群", ["scoring_failed"], webhook=platforms.wecom_webhook)
    service.add_channel(ws, spec, "test")
    with TestClient(create_app(ws)):
        with ws.db.transaction() as s:
            emit(s, EventKind.SCORING_FAILED, {"period": "2026-10", "actor": "x", "error": "e"})
        time.sleep(0.5)
    assert platforms.received == []
