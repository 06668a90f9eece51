"""Fixtures: the platform stand-ins, users with addresses, one channel of each kind.

The *scenario* drives every event kind through Kefu's own functions (publish,
review, plan, appeal, import, a failing run, the daily digest) in a small
centre (``tests/workflow/helpers.centre``: agents A1 and A2 in team T1), then
runs the sender once. It is built once per module: the tests read what it did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from argon2 import PasswordHasher
from sqlalchemy import select

from kefu.notify import service
from kefu.notify.channels import ChannelSpec
from kefu.notify.models import Channel
from kefu.notify.routing import TOPICS
from kefu.notify.sender import Sender, Summary
from kefu.store.notices import EventKind
from kefu.users import service as users
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.notify.platforms import (
    DINGTALK_SECRET,
    FEISHU_SECRET,
    SMTP_PASSWORD,
    SMTP_USER,
    Mailbox,
    Platforms,
)

BASE_URL = "https://kefu.example.com"
# 2026-11-05 10:00 in Shanghai: the digest (hour 8) covers 2026-11-04.
CLOCK = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
GROUP = sorted(t for t in TOPICS if t != "appraisal_workbook")
PEOPLE = {
    # username: (role, agent_id, teams, address)
    "a1": (Role.agent, "A1", [], "a1@example.com"),
    "a2": (Role.agent, "A2", [], "a2@example.com"),
    "sup": (Role.supervisor, None, ["T1"], "sup@example.com"),
    "qa": (Role.qa, None, [], "qa@example.com"),
    "mgr": (Role.manager, None, [], "mgr@example.com"),
    "admin": (Role.admin, None, [], "admin@example.com"),
}


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "kefu.users.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def configure(ws: Workspace, **fields: Any) -> Workspace:
    """Change kefu.yaml and open the workspace again (as a restarted process would)."""
    path = ws.home / "kefu.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.update(fields)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ws.close()
    return Workspace.open(ws.home)


def add_people(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        for name, (role, agent_id, teams, address) in PEOPLE.items():
            user = users.create_user(s, name, role, "correct horse battery staple",
                                     actor="test", agent_id=agent_id, teams=teams)  # fmt: skip
            s.flush()
            service.set_address(s, user, address, "test")


def add_channels(ws: Workspace, platforms: Platforms, mailbox: Mailbox | None) -> None:
    robots = [
        ChannelSpec("wecom", "企业微信中心群", GROUP, webhook=platforms.wecom_webhook),
        ChannelSpec("dingtalk", "钉钉中心群", GROUP, webhook=platforms.dingtalk_webhook,
                    signing_secret=DINGTALK_SECRET),
        ChannelSpec("feishu", "飞书中心群", GROUP, webhook=platforms.feishu_webhook,
                    signing_secret=FEISHU_SECRET),
    ]  # fmt: skip
    for spec in robots:
        service.add_channel(ws, spec, "test")
    if mailbox is not None:
        mail = {"host": "127.0.0.1", "port": mailbox.port, "security": mailbox.security,
                "username": SMTP_USER, "password": SMTP_PASSWORD, "sender": "kefu@example.com",
                "sender_name": "Kefu 客服绩效", "ca_file": str(mailbox.cert)}  # fmt: skip
        service.add_channel(ws, ChannelSpec("email", "运营邮件组", GROUP,
                            recipients=["ops@example.com"], **mail), "test")  # fmt: skip
        service.add_channel(ws, ChannelSpec("email", "个人邮件", list(TOPICS), personal=True,
                            **mail), "test")  # fmt: skip


@pytest.fixture
def platforms() -> Iterator[Platforms]:
    p = Platforms()
    yield p
    p.close()


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[Mailbox]:
    box = Mailbox(tmp_path)
    yield box
    box.close()


def notify_ws(ws: Workspace, **settings: Any) -> Workspace:
    """``ws`` with a base URL, quick retries and the digest at 08:00."""
    notifications = {"backoff_seconds": 1, "timeout_seconds": 5, "monitor_digest_hour": 8,
                     **settings}  # fmt: skip
    return configure(ws, base_url=BASE_URL, notifications=notifications)


# -- the scenario ---------------------------------------------------------------------
@dataclass
class Scenario:
    ws: Workspace
    platforms: Platforms
    mailbox: Mailbox
    summary: Summary

    def events(self) -> dict[str, list[str]]:
        """kind → the event keys of that kind."""
        from kefu.store.notices import NotificationEvent

        out: dict[str, list[str]] = {}
        with self.ws.db.session() as s:
            for e in s.scalars(select(NotificationEvent).order_by(NotificationEvent.id)):
                out.setdefault(e.kind, []).append(e.key)
        return out

    def channel_kinds(self) -> dict[int, str]:
        with self.ws.db.session() as s:
            return {c.id: c.kind for c in s.scalars(select(Channel))}


def play(ws: Workspace) -> None:
    """Every event kind, through the functions people use."""
    from kefu import scoring
    from kefu.errors import KefuError
    from kefu.ingest import import_file
    from kefu.workflow import appeals, plans, reviews
    from tests.factories import add_records
    from tests.workflow.helpers import A1, QA, SUP, centre, publish

    centre(ws)
    # A complaint upheld against A1 on 2026-11-04: the day's monitor raises an alert.
    add_records(ws, "complaints", [{
        "complaint_id": "K1", "agent_id": "A1", "received_at": datetime(2026, 11, 4, 3),
        "status": "upheld", "attributed": True,
    }])  # fmt: skip
    publish(ws)  # scoring_finished, results_published (+ the workbook for managers)
    review = reviews.open_review(ws, SUP, "A1", "2026-10")
    reviews.update(ws, SUP, review.id, strengths="态度好", gaps="话术", measures="每周复听")
    plans.create_plan(ws, SUP, review.id, title="话术改进", items=[
        {"description": "复听 10 通录音", "due_on": "2026-11-07"},  # due within 3 days
        {"description": "通过话术考试", "due_on": "2026-11-03"},  # overdue on 2026-11-05
    ])  # fmt: skip
    reviews.hold(ws, SUP, review.id)  # review_held
    appeal = appeals.file_appeal(ws, A1, "qa_evaluations", "Q1", reason="录音复核: 话术完整",
                                 requested={"compliance_score": 95})  # fmt: skip
    appeals.decide(ws, QA, appeal.id, uphold=True, reason="复核属实")  # + revision events
    bad = ws.home / "complaints_bad.csv"
    bad.write_text("complaint_id,agent_id,received_at,status\nK9,A2,2026-10-09 10:00,upheld\n"
                   "K10,A2,not a time,upheld\n", encoding="utf-8")  # fmt: skip
    import_file(ws, bad, table="complaints", actor="mgr")  # import_rejects
    with pytest.raises(KefuError):
        scoring.score_period(ws, "2026-Q3", actor="mgr")  # scoring_failed


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    folder = tmp_path_factory.mktemp("scenario")
    platforms, mailbox = Platforms(), Mailbox(folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("kefu.users.passwords._hasher",
                   PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # fmt: skip
        ws = notify_ws(Workspace.init(folder / "ws"))
        add_people(ws)
        add_channels(ws, platforms, mailbox)
        play(ws)
        summary = Sender(ws, clock=lambda: CLOCK).run_once()
    yield Scenario(ws, platforms, mailbox, summary)
    ws.close()
    platforms.close()
    mailbox.close()


ALL_KINDS = sorted(str(k) for k in EventKind)
