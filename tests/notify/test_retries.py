"""Retries with exponential backoff, dead letters, unconfirmed sends, resends, recovery."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from kefu.notify import service
from kefu.notify.channels import ChannelError, ChannelSpec
from kefu.notify.models import Channel, Delivery
from kefu.notify.secrets import key_path
from kefu.notify.sender import HOST, Sender
from kefu.store.notices import EventKind, emit
from kefu.workspace import Workspace
from tests.notify.conftest import notify_ws
from tests.notify.platforms import DINGTALK_SECRET, SMTP_USER, Mailbox, Platforms

T0 = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
RATE_LIMITED = (200, {"errcode": 45009, "errmsg": "api freq out of limit"})


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def nws(ws: Workspace) -> Workspace:
    return notify_ws(ws, max_attempts=3, monitor_digest_hour=None)


def _wecom(ws: Workspace, platforms: Platforms) -> Channel:
    spec = ChannelSpec("wecom", "群", ["scoring_failed"], webhook=platforms.wecom_webhook)
    return service.add_channel(ws, spec, "test")


def _event(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        emit(s, EventKind.SCORING_FAILED, {"period": "2026-10", "actor": "x", "error": "boom"})


def _only(ws: Workspace) -> Delivery:
    with ws.db.session() as s:
        (row,) = s.scalars(select(Delivery))
        return row


def test_a_rate_limited_message_is_retried_after_the_backoff(nws, platforms) -> None:
    _wecom(nws, platforms)
    _event(nws)
    platforms.answers.append(RATE_LIMITED)
    clock = Clock()
    sender = Sender(nws, clock=clock)
    assert sender.run_once().retried == 1
    row = _only(nws)
    assert (row.state, row.failures, row.next_attempt_at) == (
        "pending",
        1,
        T0 + timedelta(seconds=1),
    )
    assert "45009" in row.last_error
    assert sender.run_once().sent == 0  # not due yet
    clock.now += timedelta(seconds=1)
    assert sender.run_once().sent == 1
    assert len(platforms.of("wecom")) == 1 and _only(nws).state == "sent"


def test_backoff_doubles_and_the_last_refusal_goes_to_the_dead_letters(nws, platforms) -> None:
    _wecom(nws, platforms)
    _event(nws)
    platforms.answers.extend([(500, {}), RATE_LIMITED, RATE_LIMITED])
    clock = Clock()
    sender = Sender(nws, clock=clock)
    waits = []
    for _ in range(3):
        sender.run_once()
        row = _only(nws)
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at
    assert waits[:2] == [timedelta(seconds=1), timedelta(seconds=2)]
    row = _only(nws)
    assert (row.state, row.failures, row.attempts) == ("dead", 3, 3)
    assert [r.id for r in service.attention(nws)] == [row.id]
    service.resend(nws, row.id, "admin")
    clock.now = datetime.now(UTC)  # a resend is due at once
    assert sender.run_once().sent == 1
    row = _only(nws)
    assert (row.state, row.resends) == ("sent", 1)
    assert len(platforms.of("wecom")) == 1


def test_a_wrong_signature_is_dead_at_once(nws, platforms) -> None:
    spec = ChannelSpec("dingtalk", "钉钉", ["scoring_failed"], webhook=platforms.dingtalk_webhook,
                       signing_secret="SEC-not-the-robots-secret")  # fmt: skip
    service.add_channel(nws, spec, "test")
    _event(nws)
    assert Sender(nws, clock=Clock()).run_once().dead == 1
    row = _only(nws)
    assert row.failures == 1 and "310000" in row.last_error
    assert platforms.refused and not platforms.received


def test_no_answer_after_the_whole_request_is_unconfirmed_and_never_sent_again_by_itself(
    nws, platforms
) -> None:
    _wecom(nws, platforms)
    _event(nws)
    platforms.answers.append("drop")  # the platform acts, the answer is lost
    clock = Clock()
    sender = Sender(nws, clock=clock)
    assert sender.run_once().unconfirmed == 1
    clock.now += timedelta(hours=2)
    sender.run_once()
    row = _only(nws)
    assert row.state == "unconfirmed" and len(platforms.of("wecom")) == 1
    assert [r.state for r in service.attention(nws)] == ["unconfirmed"]
    # The administrator resends: the same message id, so the receiver can tell.
    service.resend(nws, row.id, "admin")
    clock.now = datetime.now(UTC)
    sender.run_once()
    first, second = platforms.of("wecom")
    assert first.message_id == second.message_id == row.message_id


def test_an_unreachable_platform_is_retried(nws, platforms) -> None:
    spec = ChannelSpec("wecom", "群", ["scoring_failed"],
                       webhook="http://127.0.0.1:9/cgi-bin/webhook/send?key=x")  # fmt: skip
    service.add_channel(nws, spec, "test")
    _event(nws)
    assert Sender(nws, clock=Clock()).run_once().retried == 1
    assert _only(nws).state == "pending"


def test_an_interrupted_claim_is_sent_again_and_an_interrupted_commit_is_unconfirmed(
    nws, platforms
) -> None:
    _wecom(nws, platforms)
    _event(nws)
    _event(nws)
    clock = Clock()
    sender = Sender(nws, clock=clock)
    from kefu.notify import planning

    planning.plan_pending(nws, T0)
    dead_pid = _dead_pid()
    with nws.db.transaction() as s:
        first, second = s.scalars(select(Delivery).order_by(Delivery.id))
        for row, state in ((first, "sending"), (second, "committing")):
            s.execute(update(Delivery).where(Delivery.id == row.id).values(
                state=state, attempts=1, claim="c", claimed_by=f"{HOST}:{dead_pid}",
                lease_until=T0 + timedelta(hours=1)))  # fmt: skip
    summary = sender.run_once()
    assert (summary.recovered, summary.sent, summary.unconfirmed) == (2, 1, 1)
    with nws.db.session() as s:
        states = [r.state for r in s.scalars(select(Delivery).order_by(Delivery.id))]
    assert states == ["sent", "unconfirmed"]
    assert len(platforms.of("wecom")) == 1


def test_a_claim_of_a_live_sender_is_left_alone_until_its_lease_ends(nws, platforms) -> None:
    _wecom(nws, platforms)
    _event(nws)
    from kefu.notify import planning

    planning.plan_pending(nws, T0)
    with nws.db.transaction() as s:
        s.execute(update(Delivery).values(state="sending", claim="c", claimed_by="otherhost:1",
                                          lease_until=T0 + timedelta(minutes=1)))  # fmt: skip
    clock = Clock()
    sender = Sender(nws, clock=clock)
    assert sender.run_once().sent == 0
    clock.now += timedelta(minutes=1)
    assert sender.run_once().sent == 1


def _dead_pid() -> int:
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_removing_a_channel_dead_letters_what_it_still_had_to_send(nws, platforms) -> None:
    channel = _wecom(nws, platforms)
    _event(nws)
    from kefu.notify import planning

    planning.plan_pending(nws, T0)
    service.remove_channel(nws, channel.id, "admin")
    row = _only(nws)
    assert (row.state, row.last_error) == ("dead", "the channel was removed")
    with pytest.raises(ChannelError):
        service.resend(nws, row.id, "admin")


def test_a_wrong_smtp_password_is_a_permanent_refusal(nws, tmp_path) -> None:
    box = Mailbox(tmp_path)
    try:
        spec = ChannelSpec("email", "邮件", ["scoring_failed"], host="127.0.0.1", port=box.port,
                           username=SMTP_USER, password="wrong", sender="kefu@example.com",
                           recipients=["ops@example.com"], ca_file=str(box.cert))  # fmt: skip
        service.add_channel(nws, spec, "test")
        _event(nws)
        assert Sender(nws, clock=Clock()).run_once().dead == 1
        assert "535" in _only(nws).last_error and not box.messages
    finally:
        box.close()


def test_implicit_tls_smtp_delivers(nws, tmp_path) -> None:
    from tests.notify.platforms import SMTP_PASSWORD

    box = Mailbox(tmp_path, security="tls")
    try:
        spec = ChannelSpec("email", "邮件", ["scoring_failed"], host="127.0.0.1", port=box.port,
                           security="tls", username=SMTP_USER, password=SMTP_PASSWORD,
                           sender="kefu@example.com", recipients=["ops@example.com"],
                           ca_file=str(box.cert), locale="en")  # fmt: skip
        service.add_channel(nws, spec, "test")
        _event(nws)
        assert Sender(nws, clock=Clock()).run_once().sent == 1
        (mail,) = box.to("ops@example.com")
        assert mail["Subject"] == "2026-10 scoring failed"
    finally:
        box.close()


# -- secrets ---------------------------------------------------------------------------
def test_secrets_are_encrypted_at_rest_and_never_listed(nws, platforms) -> None:
    spec = ChannelSpec("dingtalk", "钉钉", ["scoring_failed"], webhook=platforms.dingtalk_webhook,
                       signing_secret=DINGTALK_SECRET)  # fmt: skip
    channel = service.add_channel(nws, spec, "test")
    mode = stat.S_IMODE(os.stat(key_path(nws)).st_mode)
    assert mode == 0o600
    with nws.db.engine.connect() as conn:
        dump = "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM notify_channels"))
        dump += "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM audit_log"))
    assert DINGTALK_SECRET not in dump and "d1ngta1kt0ken" not in dump
    from kefu.notify.channels import public

    shown = str(public(service.list_channels(nws)[0]))
    assert DINGTALK_SECRET not in shown and "access_token" not in shown
    assert channel.fingerprint.endswith("…a0ken"[-5:]) or "…" in channel.fingerprint


def test_channels_refuse_plain_http_webhooks_and_unknown_events(nws) -> None:
    wecom = "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    with pytest.raises(ChannelError, match="https"):
        service.add_channel(nws, ChannelSpec("wecom", "x", ["scoring_failed"],
                            webhook=f"http://{wecom}"), "t")  # fmt: skip
    with pytest.raises(ChannelError, match="unknown event"):
        service.add_channel(nws, ChannelSpec("wecom", "x", ["payday"],
                            webhook=f"https://{wecom}"), "t")  # fmt: skip
    with pytest.raises(ChannelError, match="e-mail only"):
        feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/x"
        service.add_channel(nws, ChannelSpec("feishu", "x", ["appraisal_workbook"],
                            webhook=feishu), "t")  # fmt: skip
