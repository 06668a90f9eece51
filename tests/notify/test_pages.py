"""The pages: unread count on 待办, the list (read when opened), the 通知 admin page."""

from __future__ import annotations

import re

from sqlalchemy import select

from kefu.notify import service
from kefu.notify.models import Channel, Notification
from kefu.store.notices import EventKind, emit
from kefu.users import service as users
from kefu.users.roles import Role
from tests.notify.conftest import notify_ws
from tests.notify.platforms import DINGTALK_SECRET, Platforms
from tests.web.support import make_web


def _notice(ws, username: str, title: str = "申诉 #1 已裁决：申诉成立", link: str = "/appeals/1"):  # type: ignore[no-untyped-def]
    with ws.db.transaction() as s:
        event = emit(s, EventKind.APPEAL_DECIDED, {"appeal_id": 1})
        s.flush()
        user_id = users.get_user(s, username).id
        note = Notification(user_id=user_id, event_id=event.id, topic="appeal_decided",
                            title=title, body="总分 60 → 90", link=link)  # fmt: skip
        s.add(note)
        s.flush()
        return note.id


def test_the_inbox_nav_item_counts_unread_notices_and_opening_one_reads_it(ws) -> None:
    web = make_web(ws)
    client = web.login("a1", role=Role.agent, agent_id="A1")
    first = _notice(ws, "a1")
    _notice(ws, "a1", "您的 2026-10 考核结果已发布", "/agents/A1?period=2026-10")
    page = client.get("/inbox")
    assert re.search(r'href="/inbox"[^>]*>待办 <span class="badge"[^>]*>2</span>', page.text)
    assert "未读 2 条" in page.text
    listing = client.get("/notifications")
    assert listing.status_code == 200 and "申诉 #1 已裁决：申诉成立" in listing.text
    token = web.csrf(client, "/notifications")
    opened = client.post(f"/notifications/{first}/open", data={"csrf_token": token})
    assert opened.status_code == 303 and opened.headers["location"] == "/appeals/1"
    assert '<span class="badge"' in client.get("/inbox").text
    assert "未读 1 条" in client.get("/notifications").text
    client.post("/notifications/read-all", data={"csrf_token": token})
    assert '<span class="badge"' not in client.get("/inbox").text


def test_another_users_notice_is_not_found(ws) -> None:
    web = make_web(ws)
    client = web.login("a1", role=Role.agent, agent_id="A1")
    web.login("a2", role=Role.agent, agent_id="A2")
    theirs = _notice(ws, "a2")
    token = web.csrf(client, "/notifications")
    assert (
        client.post(f"/notifications/{theirs}/open", data={"csrf_token": token}).status_code == 404
    )
    api = client.post(f"/api/v1/notifications/{theirs}/read", headers={"X-CSRF-Token": token})
    assert api.status_code == 404
    with ws.db.session() as s:
        assert s.get(Notification, theirs).read_at is None


def test_a_user_sets_their_own_notification_address(ws) -> None:
    web = make_web(ws)
    client = web.login("a1", role=Role.agent, agent_id="A1")
    token = web.csrf(client, "/notifications")
    bad = client.post("/notifications/address", data={"csrf_token": token, "email": "nope"})
    assert bad.status_code == 400 and "不是有效的邮件地址：nope" in bad.text
    ok = client.post(
        "/notifications/address", data={"csrf_token": token, "email": "a1@example.com"}
    )
    assert ok.status_code == 303
    with ws.db.session() as s:
        assert service.address_of(s, users.get_user(s, "a1").id) == "a1@example.com"


def test_the_admin_adds_a_channel_and_its_secret_is_never_shown(ws) -> None:
    platforms = Platforms()
    try:
        nws = notify_ws(ws, monitor_digest_hour=None)
        web = make_web(nws)
        client = web.login("admin", role=Role.admin, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        token = web.csrf(client, "/admin/notify")
        form = {"csrf_token": token, "kind": "dingtalk", "name": "钉钉武汉群", "scope_kind": "team",
                "scope": "T1", "locale": "zh-CN", "events": ["monitor_digest", "appeal_filed"],
                "webhook": platforms.dingtalk_webhook,
                "signing_secret": DINGTALK_SECRET}  # fmt: skip
        added = client.post("/admin/notify/channels", data=form)
        assert added.status_code == 303, added.text
        page = client.get("/admin/notify")
        assert "钉钉武汉群" in page.text and "班组 T1" in page.text
        assert DINGTALK_SECRET not in page.text and "access_token" not in page.text
        with nws.db.session() as s:
            (channel,) = s.scalars(select(Channel))
        assert channel.fingerprint in page.text
        tested = client.post(
            f"/admin/notify/channels/{channel.id}/test", data={"csrf_token": token}
        )
        assert tested.status_code == 303
        assert "Kefu 通知测试" in platforms.of("dingtalk")[0].text
        # A mistake comes back in the page's language, without the secrets typed in.
        wrong = client.post("/admin/notify/channels", data={**form, "webhook": "http://x.cn/hook"})
        assert wrong.status_code == 400
        assert "Webhook 地址必须以 https:// 开头" in wrong.text
        assert DINGTALK_SECRET not in wrong.text
        client.post("/lang", data={"csrf_token": token, "locale": "en", "next": "/admin/notify"})
        english = client.get("/admin/notify")
        assert "Notification settings" in english.text and "通知设置" not in english.text
    finally:
        platforms.close()


def test_pages_are_english_too(ws) -> None:
    web = make_web(ws)
    client = web.login("a1", role=Role.agent, agent_id="A1")
    token = web.csrf(client, "/notifications")
    client.post("/lang", data={"csrf_token": token, "locale": "en", "next": "/notifications"})
    page = client.get("/notifications")
    assert "My notifications" in page.text and "我的通知" not in page.text
