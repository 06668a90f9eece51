"""What the pickers offer: the agents, months, plan owners and records a user may choose.

Forms used to ask for a typed 工号, period, owner or record number; a typo
lost the form. Each picker lists only what the user may act on, so the same
scope rules hold for the search page, the typeahead API and the forms::

    agents_in_scope(ws, supervisor, day)     # the agents of their teams
    find_agents(ws, manager, "张", day)      # name or 工号, best matches first
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kefu.periods import Grain, Period
from kefu.scoring.inputs import roster_on
from kefu.store.tables import TABLES
from kefu.users.models import User
from kefu.users.roles import Principal, Role
from kefu.web.views.appraisal import period_choices
from kefu.workflow import records
from kefu.workspace import Workspace

#: Roles that find any agent of the centre (QA coaches and HR look people up too).
SEES_EVERY_AGENT = frozenset({Role.admin, Role.manager, Role.qa, Role.hr})
#: Roles whose search result opens the agent's appraisal sheet (QA sees no results).
OPENS_SHEET = frozenset({Role.admin, Role.manager, Role.supervisor, Role.hr})
#: Roles, besides the team's supervisors, that may own an improvement-plan item.
PLAN_OWNER_ROLES = frozenset({Role.manager, Role.qa})
#: The typeahead answers at most this many agents.
TYPEAHEAD_LIMIT = 20
#: The search page lists at most this many.
PAGE_LIMIT = 100
#: Records offered per appeal picker (newest first).
RECORD_LIMIT = 200


@dataclass(frozen=True)
class AgentChoice:
    agent_id: str
    name: str
    team: str | None

    @property
    def label(self) -> str:
        """``name · 工号`` as every picker shows it."""
        return f"{self.name} · {self.agent_id}" if self.name else self.agent_id

    def public(self) -> dict[str, Any]:
        return {"agent_id": self.agent_id, "name": self.name, "team": self.team}


def sees_agent(user: Principal, agent_id: str, team: str | None) -> bool:
    """Search scope: supervisors their teams, an agent only themself, the others all."""
    if user.role in SEES_EVERY_AGENT:
        return True
    if user.role is Role.supervisor:
        return team is not None and team in user.teams
    return user.role is Role.agent and user.agent_id == agent_id


def agents_in_scope(ws: Workspace, user: Principal, day: date) -> list[AgentChoice]:
    """The agents on the roster of ``day`` that ``user`` may pick, by team then 工号."""
    found = [
        AgentChoice(a.agent_id, a.name or "", a.team)
        for a in roster_on(ws, day).values()
        if sees_agent(user, a.agent_id, a.team)
    ]
    return sorted(found, key=lambda a: (a.team or "", a.agent_id))


def find_agents(
    ws: Workspace, user: Principal, query: str, day: date, *, limit: int = TYPEAHEAD_LIMIT
) -> tuple[list[AgentChoice], int]:
    """Agents in scope whose 工号 or name contains ``query`` (case-insensitive).

    Returns at most ``limit`` of them, an exact 工号 first, then 工号 prefixes,
    then the rest, and how many matched in all.
    """
    wanted = query.strip().casefold()
    if not wanted:
        return [], 0
    hits = [
        a
        for a in agents_in_scope(ws, user, day)
        if wanted in a.agent_id.casefold() or wanted in a.name.casefold()
    ]

    def rank(a: AgentChoice) -> tuple[int, str, str]:
        aid = a.agent_id.casefold()
        return (0 if aid == wanted else 1 if aid.startswith(wanted) else 2, a.team or "", aid)

    hits.sort(key=rank)
    return hits[:limit], len(hits)


def exact_agent(ws: Workspace, user: Principal, query: str, day: date) -> AgentChoice | None:
    """The one agent in scope whose 工号 is exactly ``query`` (case-insensitive)."""
    wanted = query.strip().casefold()
    exact = [a for a in agents_in_scope(ws, user, day) if a.agent_id.casefold() == wanted]
    return exact[0] if len(exact) == 1 else None


# -- periods -------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthChoice:
    label: str
    status: str  # kefu.web.views.models.RunStatus value


def scored_months(ws: Workspace, user: Principal) -> list[MonthChoice]:
    """The scored months ``user`` may see, newest first, with their run status."""
    return [
        MonthChoice(p.label, str(p.status))
        for p in period_choices(ws, user)
        if p.grain == str(Grain.MONTH)
    ]


def default_month(months: list[MonthChoice]) -> str:
    """The newest published month (reviews and appeals need one), else the newest."""
    published = [m.label for m in months if m.status.startswith("published")]
    return published[0] if published else (months[0].label if months else "")


# -- plan owners ---------------------------------------------------------------------
@dataclass(frozen=True)
class OwnerChoice:
    value: str  # what the item stores: the agent's 工号 or a user name
    name: str
    role: str  # a Role value, or "agent" for the plan's own agent


def plan_owners(
    ws: Workspace, agent_id: str, agent_name: str | None, team: str | None
) -> list[OwnerChoice]:
    """Who may own an item of ``agent_id``'s plan: the agent (the default), the team's
    supervisors, then the centre's managers and QA coaches (enabled accounts only)."""
    out = [OwnerChoice(agent_id, agent_name or agent_id, str(Role.agent))]
    with ws.db.session() as s:
        enabled = select(User).where(User.disabled.is_(False)).order_by(User.username)
        users = list(s.scalars(enabled))
    leads = [u for u in users if u.role == Role.supervisor and team in (u.teams or [])]
    others = [u for u in users if u.role in PLAN_OWNER_ROLES]
    out += [OwnerChoice(u.username, u.display_name, u.role) for u in leads + others]
    return out


# -- appealable records --------------------------------------------------------------
@dataclass(frozen=True)
class RecordChoice:
    record_id: str
    day: date
    #: The correctable fields as stored, e.g. (("compliance_score", 80.0),); the page
    #: names each field in its language (wizard.column.<table>.<field>).
    fields: tuple[tuple[str, Any], ...]


def appealable_records(
    ws: Workspace, table: str, agent_id: str, month: Period
) -> list[RecordChoice]:
    """``agent_id``'s current records of ``table`` that fall in ``month`` (local days),
    newest first. The caller has checked that the user may see the agent."""
    spec = TABLES[table]
    key, column = spec.key[0], spec.period_column
    con = ws.duckdb()
    t = ws.facts.table(con, table)
    # A day's margin each side in UTC; the local day decides below (metrics.md).
    start = datetime.combine(month.start - timedelta(days=1), datetime.min.time())
    end = datetime.combine(month.end + timedelta(days=1), datetime.min.time())
    found = t.filter((t.agent_id == agent_id) & (t[column] >= start) & (t[column] < end))
    wanted = [key, column, *records.CORRECTABLE[table]]
    rows = found.select(*dict.fromkeys(wanted)).to_pyarrow().to_pylist()
    out = []
    for row in rows:
        day = _local_day(ws, row[column])
        if month.start <= day < month.end:
            fields = tuple(
                (f, row[f]) for f in records.CORRECTABLE[table]
                if f != "agent_id" and row.get(f) is not None
            )  # fmt: skip
            out.append(RecordChoice(str(row[key]), day, fields))
    out.sort(key=lambda r: (r.day, r.record_id), reverse=True)
    return out[:RECORD_LIMIT]


def _local_day(ws: Workspace, value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(ws.timezone)).date()
    return value
