"""Account management in the application store (SQLite and PostgreSQL), all audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from kefu.audit import AuditEntry
from kefu.errors import NotFound, UsageError
from kefu.users import service, sessions
from kefu.users.models import User, WebSession
from kefu.users.roles import Role
from kefu.workspace import Workspace

PW = "correct horse battery staple"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _audit(ws: Workspace) -> list[AuditEntry]:
    with ws.db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_create_user_stores_a_hash_and_audits_without_secrets(any_ws: Workspace) -> None:
    with any_ws.db.transaction() as s:
        service.create_user(s, "li.lei", Role.supervisor, PW, actor="adm", teams=["T2", "T1", "T1"])
    with any_ws.db.session() as s:
        user = service.get_user(s, "li.lei")
        assert user.teams == ["T1", "T2"] and user.password_hash.startswith("$argon2id$")
    [entry] = _audit(any_ws)
    assert (entry.actor, entry.action, entry.object_id) == ("adm", "user.create", "li.lei")
    assert PW not in str(entry.after) and "password_hash" not in entry.after


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "x", "role": Role.qa}, "user name"),
        ({"username": "bad name", "role": Role.qa}, "user name"),
        ({"username": "ag", "role": Role.agent}, "agent's id"),
        ({"username": "sup", "role": Role.supervisor}, "at least one team"),
        ({"username": "mgr", "role": Role.manager, "teams": ["T1"]}, "only a supervisor"),
        ({"username": "mgr", "role": Role.manager, "agent_id": "A1"}, "only an agent"),
    ],
)
def test_create_user_refuses_inconsistent_accounts(ws: Workspace, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=message), ws.db.transaction() as s:
        service.create_user(s, password=PW, actor="t", **kwargs)


def test_duplicate_user_name_is_refused(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        service.create_user(s, "li", Role.qa, PW, actor="t")
    with pytest.raises(UsageError, match="already exists"), ws.db.transaction() as s:
        service.create_user(s, "li", Role.qa, PW, actor="t")


def test_unknown_role_and_user_are_clear_errors(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="one of admin, manager"):
        service.parse_role("boss")
    with pytest.raises(NotFound, match="no user named 'ghost'"), ws.db.session() as s:
        service.get_user(s, "ghost")


def _user_with_sessions(ws: Workspace, n: int = 2) -> None:
    with ws.db.transaction() as s:
        user = service.create_user(s, "li", Role.qa, PW, actor="t")
        for _ in range(n):
            sessions.start(s, user, sessions.STAGE_FULL, T0)


def _session_count(ws: Workspace) -> int:
    with ws.db.session() as s:
        return len(list(s.scalars(select(WebSession))))


@pytest.mark.parametrize(
    "change",
    [
        lambda s, u: service.set_disabled(s, u, True, actor="t"),
        lambda s, u: service.set_password(s, u, "another long passphrase", actor="t"),
        lambda s, u: service.reset_totp(s, u, actor="t"),
        lambda s, u: service.update_user(s, u, actor="t", role=Role.manager),
    ],
    ids=["disable", "password", "reset-2fa", "role"],
)
def test_security_changes_end_every_session(any_ws: Workspace, change) -> None:  # type: ignore[no-untyped-def]
    _user_with_sessions(any_ws)
    assert _session_count(any_ws) == 2
    with any_ws.db.transaction() as s:
        change(s, service.get_user(s, "li"))
    assert _session_count(any_ws) == 0


def test_display_name_change_keeps_sessions(ws: Workspace) -> None:
    _user_with_sessions(ws)
    with ws.db.transaction() as s:
        service.update_user(s, service.get_user(s, "li"), actor="t", display_name="李雷")
    assert _session_count(ws) == 2
    assert _audit(ws)[-1].after["display_name"] == "李雷"


def test_weak_new_password_changes_nothing(ws: Workspace) -> None:
    _user_with_sessions(ws)
    with pytest.raises(UsageError), ws.db.transaction() as s:
        service.set_password(s, service.get_user(s, "li"), "password1234", actor="t")
    assert _session_count(ws) == 2


def test_session_timeouts(ws: Workspace) -> None:
    timeouts = sessions.Timeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    with ws.db.transaction() as s:
        user = service.create_user(s, "li", Role.qa, PW, actor="t")
        _, sid = sessions.start(s, user, sessions.STAGE_FULL, T0)
    with ws.db.transaction() as s:
        assert sessions.lookup(s, sid, T0 + timedelta(minutes=29), timeouts) is not None
    with ws.db.transaction() as s:  # idle counted from the last request (minute 29)
        assert sessions.lookup(s, sid, T0 + timedelta(minutes=58), timeouts) is not None
    with ws.db.transaction() as s:
        assert sessions.lookup(s, sid, T0 + timedelta(minutes=88), timeouts) is None
    with ws.db.session() as s:  # and the expired row is gone
        assert s.scalars(select(WebSession)).first() is None


def test_expired_sessions_are_purged(ws: Workspace) -> None:
    timeouts = sessions.Timeouts()
    _user_with_sessions(ws, 3)
    with ws.db.transaction() as s:
        assert sessions.purge_expired(s, T0 + timedelta(hours=1), timeouts) == 3


def test_tokens_are_listed_per_owner_and_revoked_once(any_ws: Workspace) -> None:
    with any_ws.db.transaction() as s:
        li = service.create_user(s, "li", Role.qa, PW, actor="t")
        wang = service.create_user(s, "wang", Role.qa, PW, actor="t")
        token, secret = service.create_token(s, li, "etl", actor="t")
        service.create_token(s, wang, "bi", actor="t")
        token_id = token.id
    with any_ws.db.transaction() as s:
        assert [t.name for t, _ in service.list_tokens(s, service.get_user(s, "li"))] == ["etl"]
        assert len(service.list_tokens(s)) == 2
        with pytest.raises(NotFound):
            service.revoke_token(s, token_id, actor="t", owner=service.get_user(s, "wang"))
        service.revoke_token(s, token_id, actor="t")
        service.revoke_token(s, token_id, actor="t")  # idempotent, audited once
        assert service.authenticate_token(s, secret, T0) is None
    assert [e.action for e in _audit(any_ws)].count("token.revoke") == 1


def test_user_rows_never_hold_a_plain_password(ws: Workspace) -> None:
    with ws.db.transaction() as s:
        service.create_user(s, "li", Role.qa, PW, actor="t")
    with ws.db.session() as s:
        row = s.scalars(select(User)).one()
        assert PW not in repr(row.__dict__)


def test_record_login_stamps_the_user_and_writes_the_login_success_row(ws: Workspace) -> None:
    at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with ws.db.transaction() as s:
        user = service.create_user(s, "han", Role.supervisor, PW, actor="adm", teams=["T1"])
        service.record_login(s, user, at, "10.0.0.9")
        service.record_login(s, user, at, None, second_factor="totp")
    with ws.db.session() as s:
        rows = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "login.success")
                .order_by(AuditEntry.id)
            )
        )
        stamped = service.get_user(s, "han").last_login_at
    # A password-only login keeps no "after"; a second factor is named in it.
    assert [(r.actor, r.object_type, r.object_id, r.after, r.ip) for r in rows] == [
        ("han", "user", "han", None, "10.0.0.9"),
        ("han", "user", "han", {"second_factor": "totp"}, None),
    ]
    assert stamped is not None and stamped.replace(tzinfo=UTC) == at
