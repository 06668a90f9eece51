"""Every event reaches every channel kind, in the platform's format, telling each only
what they may know (the scenario of ``conftest.py``)."""

from __future__ import annotations

import io
import re
from email.message import EmailMessage

import openpyxl
from sqlalchemy import select

from kefu.notify.models import Delivery, DeliveryState, Notification
from kefu.users.models import User
from tests.notify.conftest import ALL_KINDS, BASE_URL, Scenario
from tests.notify.platforms import dingtalk_expected_sign, feishu_expected_sign

AGENT_DATA = re.compile(r"\bA[12]\b|坐席[一二]")


def _deliveries(sc: Scenario) -> list[Delivery]:
    with sc.ws.db.session() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.id)))


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(mail["Subject"]) + "\n" + body.get_content()


def test_every_event_reaches_every_channel_kind(scenario: Scenario) -> None:
    events = scenario.events()
    assert sorted(events) == ALL_KINDS
    kinds = scenario.channel_kinds()
    reached: dict[str, set[str]] = {}
    for d in _deliveries(scenario):
        assert d.state == DeliveryState.SENT, (d.topic, d.state, d.last_error)
        reached.setdefault(d.topic, set()).add(kinds[d.channel_id])
    for kind in ALL_KINDS:
        assert reached[kind] == {"wecom", "dingtalk", "feishu", "email"}, kind
    assert reached["appraisal_workbook"] == {"email"}
    assert scenario.summary.dead == scenario.summary.unconfirmed == 0


def test_each_sent_delivery_arrived_exactly_once_under_its_message_id(scenario: Scenario) -> None:
    robots = [r.message_id for r in scenario.platforms.received]
    mails = [str(m["Message-ID"]) for _, m in scenario.mailbox.messages]
    sent = _deliveries(scenario)
    assert sorted(robots) == sorted(d.message_id for d in sent if d.channel_id <= 3)
    assert sorted(mails) == sorted(
        f"<kefu.{d.message_id}@example.com>" for d in sent if d.channel_id > 3
    )
    assert len(set(robots)) == len(robots) and len(set(mails)) == len(mails)


def test_robot_requests_carry_the_documented_format_and_signatures(scenario: Scenario) -> None:
    p = scenario.platforms
    assert not p.refused
    for got in p.of("dingtalk"):
        timestamp, sign = got.query["timestamp"][0], got.query["sign"][0]
        assert len(timestamp) == 13  # milliseconds
        assert sign == __import__("urllib.parse").parse.unquote_plus(
            dingtalk_expected_sign(timestamp)
        )
        assert got.body["markdown"]["text"].startswith("#### ")
    for got in p.of("feishu"):
        assert len(got.body["timestamp"]) == 10  # seconds, as a string
        assert got.body["sign"] == feishu_expected_sign(got.body["timestamp"])
        assert list(got.body["content"]["post"]) == ["zh_cn"]
    for got in p.of("wecom"):
        assert got.body["markdown"]["content"].startswith("**")
    published = next(r for r in p.of("wecom") if "考核结果已发布" in r.text)
    assert f"[在 Kefu 中查看]({BASE_URL}/?period=2026-10)" in published.text
    assert "人数 2，平均分" in published.text


def test_group_messages_carry_aggregates_never_an_agents_data(scenario: Scenario) -> None:
    for got in scenario.platforms.received:
        assert not AGENT_DATA.search(got.text), got.text
    for mail in scenario.mailbox.to("ops@example.com"):
        assert not AGENT_DATA.search(_text(mail)), _text(mail)
    digest = next(r for r in scenario.platforms.of("feishu") if "每日监控" in r.text)
    assert "2026-11-04 · T1" in digest.text
    assert "【严重】新增成立投诉达到 1：1 名客服" in digest.text


def test_agents_hear_only_about_themselves(scenario: Scenario) -> None:
    a1 = [_text(m) for m in scenario.mailbox.to("a1@example.com")]
    a2 = [_text(m) for m in scenario.mailbox.to("a2@example.com")]
    assert a1 and a2
    assert not any(re.search(r"\bA2\b|坐席二", t) for t in a1)
    assert not any(re.search(r"\bA1\b|坐席一", t) for t in a2)
    # A1: the result (60 → 90 after the upheld appeal), the review, the plan items, the appeal.
    joined = "\n".join(a1)
    assert "您的 2026-10 考核结果已发布" in joined and "总分 60.0，等级 C" in joined
    assert "请确认您的 2026-10 绩效面谈记录" in joined
    assert "申诉 #1 已裁决：申诉成立" in joined and "总分 60.0 → 90.0" in joined
    assert "等级 C → A" in joined
    assert "复听 10 通录音（2026-11-07 到期）" in joined
    # A2's result did not change with A1's appeal: told once, of their own total only.
    assert [t.splitlines()[0] for t in a2] == ["您的 2026-10 考核结果已发布"]
    assert "总分 100.0，等级 S" in a2[0]


def test_in_app_notices_follow_the_same_rules(scenario: Scenario) -> None:
    with scenario.ws.db.session() as s:
        by_user = {u.username: u.id for u in s.scalars(select(User))}
        notes = list(s.scalars(select(Notification).order_by(Notification.id)))
    mine = {name: [n for n in notes if n.user_id == uid] for name, uid in by_user.items()}
    assert {n.topic for n in mine["a1"]} == {
        "results_published", "review_held", "appeal_decided", "plan_due", "plan_overdue",
    }  # fmt: skip
    assert {n.topic for n in mine["a2"]} == {"results_published"}
    # The deciders of QA appeals: QA and the managers (not the administrators).
    assert {n.topic for n in mine["qa"]} == {"appeal_filed"}
    assert "appeal_filed" in {n.topic for n in mine["mgr"]}
    assert "appeal_filed" not in {n.topic for n in mine["admin"]}
    assert {n.topic for n in mine["sup"]} >= {"monitor_digest", "plan_due", "plan_overdue"}
    assert {n.topic for n in mine["mgr"]} >= {"appraisal_workbook", "import_rejects",
                                               "scoring_failed"}  # fmt: skip
    assert all(n.link.startswith("/") and n.read_at is None for n in notes)
    # A scoring run (unpublished) never reaches an agent.
    assert not any(n.topic.startswith("scoring") for n in mine["a1"] + mine["a2"])


def test_managers_get_the_appraisal_workbook_attached(scenario: Scenario) -> None:
    mails = [m for m in scenario.mailbox.to("mgr@example.com") if "绩效考核表" in m["Subject"]]
    assert len(mails) == 2  # the publication and its revision
    attachment = next(mails[0].iter_attachments())
    assert attachment.get_filename() == "appraisal-2026-10-centre.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert {"A1", "A2"} <= cells
    assert not scenario.mailbox.to("ops@example.com") or all(
        not list(m.iter_attachments()) for m in scenario.mailbox.to("ops@example.com")
    )


def test_emails_have_text_and_html_and_a_stable_message_id(scenario: Scenario) -> None:
    _, mail = scenario.mailbox.messages[0]
    assert mail["From"] == "Kefu 客服绩效 <kefu@example.com>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert re.fullmatch(r"<kefu\.[0-9a-f-]{36}\.\d+@example\.com>", str(mail["Message-ID"]))
    assert mail.get_body(preferencelist=("html",)) is not None
    assert BASE_URL in _text(mail)
