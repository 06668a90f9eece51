"""Managing user accounts and API tokens; every change is audited in its transaction.

Used by the CLI (``kefu users …``) and the admin API alike::

    with ws.db.transaction() as s:
        user = create_user(s, "li.lei", Role.supervisor, "secret-long-pass", actor="admin",
                           display_name="李雷", teams=["T1"])
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kefu.audit import record
from kefu.errors import NotFound, UsageError
from kefu.store.appdb import changed_rows, utcnow
from kefu.users.models import ApiToken, User, WebSession
from kefu.users.passwords import check_policy, hash_password
from kefu.users.roles import Principal, Role

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
LOCALES = ("zh-CN", "en")
TOKEN_PREFIX = "kefu_"
# A token acts for its user with one of these scopes: "read" is refused on every write.
TOKEN_SCOPES = ("read", "write")
# Validity of a token when none is given (the workspace setting api_token_days overrides).
DEFAULT_TOKEN_DAYS = 90


def _check_role_fields(role: Role, agent_id: str | None, teams: Sequence[str]) -> None:
    if role is Role.agent and not agent_id:
        raise UsageError("an agent account needs the agent's id (--agent-id)")
    if role is not Role.agent and agent_id:
        raise UsageError("only an agent account has an agent id")
    if role is Role.supervisor and not teams:
        raise UsageError("a supervisor account needs at least one team (--team)")
    if role is not Role.supervisor and teams:
        raise UsageError("only a supervisor account has teams")


class LastAdmin(UsageError):
    """The change would leave the centre without an active admin to manage users."""


def _keeps_an_admin(session: Session, user: User, *, role: Role, disabled: bool) -> None:
    """Refuse to disable or demote the last active admin: nobody could undo it on the web."""
    if user.role != Role.admin.value or user.disabled:
        return
    if role is Role.admin and not disabled:
        return
    others = session.scalar(
        select(func.count(User.id)).where(
            (User.role == Role.admin.value) & User.disabled.is_(False) & (User.id != user.id)
        )
    )
    if not others:
        raise LastAdmin(f"'{user.username}' is the last active admin; appoint another one first")


def generate_password() -> str:
    """A temporary password that meets the policy: four groups of five letters and digits.

    Letters that look alike (0/O, 1/l/I) are left out: it is read out or copied by hand.
    """
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise UsageError(f"unknown role '{value}' (one of {names})") from None


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user named '{username}'")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def create_user(
    session: Session,
    username: str,
    role: Role,
    password: str,
    *,
    actor: str,
    display_name: str | None = None,
    agent_id: str | None = None,
    teams: Sequence[str] = (),
    locale: str | None = None,
    ip: str | None = None,
) -> User:
    """Create a user after checking the name, the role's fields and the password policy."""
    if not USERNAME.match(username):
        raise UsageError(
            "a user name is 2–64 letters, digits or . _ @ - and starts with a letter or digit"
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UsageError(f"a user named '{username}' already exists")
    teams = sorted({t.strip() for t in teams if t.strip()})
    _check_role_fields(role, agent_id, teams)
    if locale is not None and locale not in LOCALES:
        raise UsageError(f"unknown language '{locale}' (zh-CN or en)")
    check_policy(password, username=username)
    user = User(
        username=username,
        display_name=display_name or username,
        role=role.value,
        agent_id=agent_id,
        teams=teams,
        password_hash=hash_password(password),
        disabled=False,
        totp_enabled=False,
        locale=locale,
        created_at=utcnow(),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", username, after=user.public(), ip=ip)
    return user


def update_user(
    session: Session,
    user: User,
    *,
    actor: str,
    display_name: str | None = None,
    role: Role | None = None,
    agent_id: str | None = None,
    teams: Sequence[str] | None = None,
    ip: str | None = None,
) -> User:
    """Change profile fields; a role or scope change ends the user's sessions."""
    before = user.public()
    new_role = role or Role(user.role)
    new_agent = agent_id if agent_id is not None else user.agent_id
    new_teams = sorted({t.strip() for t in teams if t.strip()}) if teams is not None else user.teams
    if role is not None and role is not Role(user.role):
        # Fields of the old role do not carry over to the new one.
        new_agent = agent_id if new_role is Role.agent else None
        new_teams = new_teams if new_role is Role.supervisor and teams is not None else []
    _check_role_fields(new_role, new_agent, new_teams)
    _keeps_an_admin(session, user, role=new_role, disabled=bool(user.disabled))
    if display_name is not None:
        user.display_name = display_name
    scope_changed = (new_role.value, new_agent, list(new_teams)) != (
        user.role,
        user.agent_id,
        list(user.teams or []),
    )
    user.role, user.agent_id, user.teams = new_role.value, new_agent, list(new_teams)
    if scope_changed:
        end_sessions(session, user)
    record(
        session,
        actor,
        "user.update",
        "user",
        user.username,
        before=before,
        after=user.public(),
        ip=ip,
    )
    return user


def set_password(
    session: Session, user: User, password: str, *, actor: str, ip: str | None = None
) -> None:
    """Set a new password and end every session of the user (ASVS 3.3.3)."""
    check_policy(password, username=user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions(session, user)
    # A token is a credential derived from the password: it ends with it.
    end_tokens(session, user, actor=actor, ip=ip)
    record(session, actor, "user.password", "user", user.username, ip=ip)


def set_disabled(
    session: Session, user: User, disabled: bool, *, actor: str, ip: str | None = None
) -> None:
    """Disable (ending all sessions and tokens' use) or re-enable a user.

    The last active admin cannot be disabled (:class:`LastAdmin`).
    """
    if disabled:
        _keeps_an_admin(session, user, role=Role(user.role), disabled=True)
    before = user.public()
    user.disabled = disabled
    if disabled:
        end_sessions(session, user)
        end_tokens(session, user, actor=actor, ip=ip)  # they stay ended when re-enabled
    action = "user.disable" if disabled else "user.enable"
    record(session, actor, action, "user", user.username, before=before, after=user.public(), ip=ip)


def reset_totp(session: Session, user: User, *, actor: str, ip: str | None = None) -> None:
    """Remove the second factor; the user enrols again at next login if their role needs it."""
    before = user.public()
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    end_sessions(session, user)
    record(
        session,
        actor,
        "user.reset_2fa",
        "user",
        user.username,
        before=before,
        after=user.public(),
        ip=ip,
    )


def start_totp(user: User) -> str | None:
    """A new secret to enrol with, replacing an unconfirmed one; None once 2FA is on.

    Nothing is audited: the secret does nothing until :func:`enable_totp` confirms it.
    """
    from kefu.users import totp  # pyotp and qrcode: only for enrolment, not every command

    if user.totp_enabled:
        return None
    user.totp_secret = totp.new_secret()
    user.totp_last_step = None
    return user.totp_secret


def enable_totp(
    session: Session, user: User, code: str, at: datetime, *, ip: str | None = None
) -> bool:
    """Turn on the second factor when ``code`` is right for the enrolment secret (audited).

    False, with nothing changed, when the code is wrong or used, or there is
    nothing to confirm (no secret, or 2FA already on).
    """
    from kefu.users import totp

    if user.totp_enabled or not user.totp_secret:
        return False
    step = totp.accept(user.totp_secret, code, at, user.totp_last_step)
    if step is None:
        return False
    before = user.public()
    user.totp_enabled = True
    user.totp_last_step = step
    record(session, user.username, "user.enable_2fa", "user", user.username,
           before=before, after=user.public(), ip=ip)  # fmt: skip
    return True


def record_login(
    session: Session,
    user: User,
    at: datetime,
    ip: str | None,
    second_factor: str | None = None,
) -> None:
    """Mark ``user`` signed in at ``at`` and audit it as ``login.success``.

    ``second_factor`` names how the login was completed past the password
    (``"totp"``, ``"totp-enrolled"``); it is kept in the audit row's ``after``.
    """
    user.last_login_at = at
    after = None if second_factor is None else {"second_factor": second_factor}
    record(session, user.username, "login.success", "user", user.username, after=after, ip=ip)


def set_locale(session: Session, user: User, locale: str, *, actor: str) -> None:
    if locale not in LOCALES:
        raise UsageError(f"unknown language '{locale}' (zh-CN or en)")
    if user.locale != locale:
        record(session, actor, "user.locale", "user", user.username,
               before={"locale": user.locale}, after={"locale": locale})  # fmt: skip
        user.locale = locale


def end_sessions(session: Session, user: User) -> int:
    """End every browser session of ``user``; returns how many were ended."""
    return changed_rows(session, delete(WebSession).where(WebSession.user_id == user.id))


def principal_of(user: User, *, via: str = "session") -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        agent_id=user.agent_id,
        teams=frozenset(user.teams or []),
        locale=user.locale,
        via=via,
    )


# -- API tokens -----------------------------------------------------------------


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session,
    user: User,
    name: str,
    *,
    actor: str,
    expires_in_days: int | None = None,
    scope: str = "write",
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the token text (shown once, stored hashed).

    Every token expires: after ``expires_in_days``, else :data:`DEFAULT_TOKEN_DAYS`.
    """
    name = name.strip()
    if not name or len(name) > 100:
        raise UsageError("a token needs a name of 1–100 characters (what it is for)")
    if expires_in_days is None:
        expires_in_days = DEFAULT_TOKEN_DAYS
    if expires_in_days < 1:
        raise UsageError("a token must be valid for at least one day")
    if scope not in TOKEN_SCOPES:
        raise UsageError(f"unknown token scope '{scope}' (read or write)")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
        scope=scope,
    )
    session.add(token)
    session.flush()
    record(
        session,
        actor,
        "token.create",
        "api_token",
        token.id,
        after={"user": user.username, "name": name, "prefix": token.prefix, "scope": scope},
        ip=ip,
    )
    return token, secret


def list_tokens(session: Session, user: User | None = None) -> list[tuple[ApiToken, str]]:
    """Tokens (with their owner's user name), newest first; all users' when ``user`` is None."""
    q = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
    if user is not None:
        q = q.where(ApiToken.user_id == user.id)
    return [(t, u) for t, u in session.execute(q.order_by(ApiToken.id.desc()))]


def revoke_token(
    session: Session, token_id: int, *, actor: str, owner: User | None = None, ip: str | None = None
) -> ApiToken:
    """Revoke token ``token_id`` (only among ``owner``'s tokens when given)."""
    token = session.get(ApiToken, token_id)
    if token is None or (owner is not None and token.user_id != owner.id):
        raise NotFound(f"no API token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(
            session,
            actor,
            "token.revoke",
            "api_token",
            token.id,
            after={"name": token.name, "prefix": token.prefix},
            ip=ip,
        )
    return token


def end_tokens(session: Session, user: User, *, actor: str, ip: str | None = None) -> int:
    """Revoke every live token of ``user``; returns how many were revoked."""
    live = session.scalars(
        select(ApiToken).where((ApiToken.user_id == user.id) & ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        revoke_token(session, token.id, actor=actor, ip=ip)
    return len(live)


def authenticate_token(session: Session, secret: str, now: datetime) -> User | None:
    """The active user owning ``secret``, or None (unknown, revoked, expired, disabled)."""
    found = token_of(session, secret, now)
    return found[1] if found is not None else None


def token_of(session: Session, secret: str, now: datetime) -> tuple[ApiToken, User] | None:
    """The live token ``secret`` and its active user, or None.

    None also for a token older than the user's last password change (it is
    revoked then; this covers a password set before that rule existed).
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    user = session.get(User, token.user_id)
    if user is None or user.disabled:
        return None
    if user.password_changed_at is not None and token.created_at < user.password_changed_at:
        return None
    # Record use at most once a minute: keeps API reads from writing on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token, user
