"""Enrolling in two-factor sign-in: a secret to scan, then one right code turns it on (audited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from kefu.audit import AuditEntry
from kefu.users import service
from kefu.users.roles import Role
from kefu.workspace import Workspace

PW = "correct horse battery staple"
T0 = datetime(2026, 11, 2, 9, 0, 10, tzinfo=UTC)


def _enrolling(ws: Workspace) -> str:
    """User ``li`` with an enrolment secret started; returns the secret."""
    with ws.db.transaction() as s:
        user = service.create_user(s, "li", Role.supervisor, PW, actor="adm", teams=["T1"])
        secret = service.start_totp(user)
    assert secret is not None
    return secret


def _enable(ws: Workspace, code: str, at: datetime = T0) -> bool:
    with ws.db.transaction() as s:
        return service.enable_totp(s, service.get_user(s, "li"), code, at, ip="10.0.0.7")


def _actions(ws: Workspace) -> list[AuditEntry]:
    with ws.db.session() as s:
        q = select(AuditEntry).where(AuditEntry.action == "user.enable_2fa")
        return list(s.scalars(q))


def test_the_right_code_enables_totp_and_is_audited_by_the_user(ws: Workspace) -> None:
    secret = _enrolling(ws)
    assert _enable(ws, pyotp.TOTP(secret).at(T0))
    with ws.db.session() as s:
        user = service.get_user(s, "li")
        assert user.totp_enabled and user.totp_last_step == pyotp.TOTP(secret).timecode(T0)
    [entry] = _actions(ws)
    assert (entry.actor, entry.object_type, entry.object_id, entry.ip) == (
        "li", "user", "li", "10.0.0.7",
    )  # fmt: skip
    assert entry.before["totp_enabled"] is False and entry.after["totp_enabled"] is True
    # The audit trail never holds the secret.
    assert secret not in str(entry.before) + str(entry.after)


def test_a_wrong_code_changes_nothing_and_audits_nothing(ws: Workspace) -> None:
    secret = _enrolling(ws)
    wrong = pyotp.TOTP(secret).at(T0 - timedelta(minutes=5))
    assert not _enable(ws, wrong)
    with ws.db.session() as s:
        user = service.get_user(s, "li")
        assert not user.totp_enabled and user.totp_last_step is None
    assert _actions(ws) == []


def test_enabling_twice_moves_nothing_the_second_time(ws: Workspace) -> None:
    secret = _enrolling(ws)
    assert _enable(ws, pyotp.TOTP(secret).at(T0))
    later = T0 + timedelta(seconds=60)
    assert not _enable(ws, pyotp.TOTP(secret).at(later), later)
    assert len(_actions(ws)) == 1


def test_starting_again_replaces_an_unconfirmed_secret_but_not_an_enabled_one(
    ws: Workspace,
) -> None:
    first = _enrolling(ws)
    with ws.db.transaction() as s:
        second = service.start_totp(service.get_user(s, "li"))
    assert second is not None and second != first
    assert not _enable(ws, pyotp.TOTP(first).at(T0))  # the replaced secret no longer counts
    assert _enable(ws, pyotp.TOTP(second).at(T0))
    with ws.db.transaction() as s:
        assert service.start_totp(service.get_user(s, "li")) is None
    with ws.db.session() as s:
        assert service.get_user(s, "li").totp_secret == second
