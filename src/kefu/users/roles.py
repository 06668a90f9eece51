"""Roles and the :class:`Principal`: who is asking, and what they may see.

Object rules (architecture.md): an agent sees only their own results, a
supervisor their own teams, QA the QA records and QA appeals, a manager or
admin the whole centre, HR published results and applications only. A
request for an object outside those rules is answered as if the object did
not exist (404), so a changed URL leaks nothing; a request for a whole page
family the role never has is a 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from kefu.errors import KefuError, NotFound


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    supervisor = "supervisor"
    qa = "qa"
    agent = "agent"
    hr = "hr"


#: Roles that must use two-factor authentication (forced enrolment at first login).
TOTP_REQUIRED = frozenset({Role.admin, Role.hr})
#: Roles that see every team of the centre.
CENTRE_WIDE = frozenset({Role.admin, Role.manager})


class Forbidden(KefuError):
    """The role may never use this function (HTTP 403)."""


class NotAuthenticated(KefuError):
    """No valid session or token (HTTP 401, or a redirect to the login page)."""


@dataclass(frozen=True)
class Principal:
    """The authenticated user of one request.

    >>> p = Principal(1, "li", "李主管", Role.supervisor, teams=frozenset({"T1"}))
    >>> p.can_view_agent("A9", "T1"), p.can_view_agent("A9", "T2")
    (True, False)
    """

    user_id: int
    username: str
    display_name: str
    role: Role
    agent_id: str | None = None
    teams: frozenset[str] = field(default_factory=frozenset)
    locale: str | None = None
    #: "session" (browser cookie) or "token" (API bearer token)
    via: str = "session"

    # -- role checks --------------------------------------------------------
    def has(self, *roles: Role | str) -> bool:
        return self.role in {Role(r) for r in roles}

    def require(self, *roles: Role | str) -> Principal:
        """Raise :class:`Forbidden` unless the principal has one of ``roles``."""
        if not self.has(*roles):
            raise Forbidden("your role does not give access to this function")
        return self

    @property
    def centre_wide(self) -> bool:
        return self.role in CENTRE_WIDE

    @property
    def actor(self) -> str:
        """The name written to the audit log."""
        return self.username

    # -- object checks ------------------------------------------------------
    def can_view_agent(self, agent_id: str, team: str | None, *, published: bool = True) -> bool:
        """May this principal see ``agent_id``'s results (``team`` = the agent's team)?

        ``published`` says whether the results in question are published; HR
        sees only published results. QA has no access to appraisal results.
        """
        if self.role in CENTRE_WIDE:
            return True
        if self.role is Role.supervisor:
            return team is not None and team in self.teams
        if self.role is Role.agent:
            return self.agent_id is not None and agent_id == self.agent_id
        if self.role is Role.hr:
            return published
        return False

    def sees_every_agent(self, *, published: bool = True) -> bool:
        """Does :meth:`can_view_agent` hold for every agent (no row needs checking)?"""
        return self.role in CENTRE_WIDE or (self.role is Role.hr and published)

    def can_view_team(self, team: str, *, published: bool = True) -> bool:
        if self.role in CENTRE_WIDE:
            return True
        if self.role is Role.supervisor:
            return team in self.teams
        if self.role is Role.hr:
            return published
        return False

    def visible_teams(self, all_teams: Iterable[str], *, published: bool = True) -> list[str]:
        """The teams of ``all_teams`` whose results this principal may see, in order."""
        return [t for t in all_teams if self.can_view_team(t, published=published)]

    def can_view_qa(self, agent_id: str | None = None, team: str | None = None) -> bool:
        """QA records (audits and QA appeals): QA and the centre-wide roles; the
        supervisor for their teams and the agent for their own records."""
        if self.role in CENTRE_WIDE or self.role is Role.qa:
            return True
        if agent_id is None:
            return False
        return self.role in (Role.supervisor, Role.agent) and self.can_view_agent(agent_id, team)

    def ensure(self, allowed: bool, what: str = "object") -> None:
        """The 404-on-foreign-object pattern: ``principal.ensure(principal.can_view_agent(a, t))``.

        Raises :class:`NotFound` so a foreign object looks exactly like a missing one.
        """
        if not allowed:
            raise NotFound(f"no such {what}")
