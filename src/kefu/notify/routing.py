"""Who is told what about an event: the rules that keep people's data with them.

Every event has two audiences:

* **group** — the channels (企业微信, 钉钉, 飞书 groups, fixed e-mail lists)
  subscribed to it whose scope covers it: a team's channel, its site's, the
  centre's. A group message carries aggregates and ids only (how many agents,
  a team's mean total, that appeal #12 was decided), never one agent's
  results, name or plan: a group chat's members are not known to Kefu.
* **personal** — the people the event is about or for, each told only what
  they may see in Kefu anyway: an agent their own result and their own
  appeal's old and new result; the deciders that an appeal waits; a team's
  supervisors their team's digest and plan items; managers the workbook.
  They get an in-app notice, and an e-mail where they have an address and an
  e-mail channel with ``personal`` on covers them.

Visibility follows publication: agents hear of results only from
``results_published`` (a published run), never from a scoring run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.notify.models import Channel, ScopeKind
from kefu.store.notices import EventKind, NotificationEvent
from kefu.users.models import User
from kefu.users.roles import Role
from kefu.workspace import Workspace

#: Sent with results_published to managers only, by e-mail with the workbook attached.
WORKBOOK = "appraisal_workbook"
#: Every topic a channel can subscribe to.
TOPICS: tuple[str, ...] = (*(str(k) for k in EventKind), WORKBOOK)
#: Topics that only exist as personal messages (no group form).
PERSONAL_ONLY = frozenset({WORKBOOK})


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    value: str | None = None

    @classmethod
    def of(cls, channel: Channel) -> Scope:
        return cls(ScopeKind(channel.scope_kind), channel.scope)


@dataclass
class Personal:
    """A message to one user about something they may see."""

    user: User
    topic: str
    context: dict[str, Any]
    path: str
    attachment: dict[str, Any] | None = None
    # The team the message is about (which team-scoped e-mail channels cover it).
    team: str | None = None


@dataclass
class Routed:
    topic: str
    path: str
    # The group message's context for a channel of this scope (None: not for that scope).
    group: Callable[[Scope], dict[str, Any] | None]
    personal: list[Personal] = field(default_factory=list)


class Directory:
    """The users (enabled), their addresses and the teams' sites, read once per event."""

    def __init__(self, ws: Workspace, s: Session, today: date) -> None:
        self.ws = ws
        self.today = today
        self.users = list(s.scalars(select(User).where(User.disabled.is_(False)).order_by(User.id)))

    @cached_property
    def by_agent(self) -> dict[str, User]:
        return {u.agent_id: u for u in self.users if u.role == Role.agent and u.agent_id}

    @cached_property
    def by_name(self) -> dict[str, User]:
        return {u.username: u for u in self.users}

    def with_role(self, *roles: Role) -> list[User]:
        return [u for u in self.users if u.role in {r.value for r in roles}]

    def supervisors(self, team: str | None) -> list[User]:
        if team is None:
            return []
        return [u for u in self.with_role(Role.supervisor) if team in (u.teams or [])]

    @cached_property
    def sites(self) -> dict[str, str]:
        """team → site, from the roster on the day the event is planned."""
        from kefu.scoring.inputs import roster_on

        try:
            roster = roster_on(self.ws, self.today)
        except Exception:  # no roster imported yet: no team has a site
            return {}
        return {w.team: w.site for w in roster.values() if w.team and w.site}

    def covers(self, scope: Scope, team: str | None) -> bool:
        """Does a channel of ``scope`` hear about ``team`` (None: a centre-wide event)?"""
        if scope.kind is ScopeKind.CENTRE:
            return True
        if team is None:
            return False
        if scope.kind is ScopeKind.TEAM:
            return team == scope.value
        return self.sites.get(team) == scope.value


def _team_event(
    d: Directory, team: str | None, context: dict[str, Any]
) -> Callable[[Scope], dict[str, Any] | None]:
    def group(scope: Scope) -> dict[str, Any] | None:
        return context if d.covers(scope, team) else None

    return group


def _centre_event(context: dict[str, Any]) -> Callable[[Scope], dict[str, Any] | None]:
    def group(scope: Scope) -> dict[str, Any] | None:
        return context if scope.kind is ScopeKind.CENTRE else None

    return group


def _one(d: Directory, username: str | None) -> list[User]:
    found = d.by_name.get(username or "")
    return [found] if found is not None else []


# -- one rule per event kind -----------------------------------------------------------
def _monitor_digest(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    path = f"/monitor?date={p['day']}&team={p['team']}"
    context = {k: p[k] for k in ("day", "team", "alerts", "agents_alerted")}
    people = [Personal(u, e.kind, context, path) for u in d.supervisors(p["team"])]
    return Routed(e.kind, path, _team_event(d, p["team"], context), people)


def _grades(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(str(r.get("grade")) for r in rows if r.get("grade") is not None)
    best = {g: max(r["total"] for r in rows if str(r.get("grade")) == g) for g in counts}
    return [(g, counts[g]) for g in sorted(counts, key=lambda g: (-best[g], g))]


def _aggregate(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    totals = [float(r["total"]) for r in rows if r.get("total") is not None]
    return {
        "agents": len(rows),
        "mean_total": sum(totals) / len(totals) if totals else None,
        "grades": _grades(rows),
    }


def _results_published(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    from kefu.scoring.models import ScoringRun
    from kefu.scoring.runs import run_results

    p = e.payload
    rows = run_results(ws, int(p["run_id"]))
    with ws.db.session() as s:
        run = s.get(ScoringRun, int(p["run_id"]))
        changed = {str(c.get("agent_id")) for c in (run.changes or [])} if run else set()
    revision = int(p.get("revision") or 0)
    base = {"period": p["period"], "revision": revision, "changed": len(changed)}

    def group(scope: Scope) -> dict[str, Any] | None:
        if scope.kind is ScopeKind.CENTRE:
            mine = rows
        elif scope.kind is ScopeKind.TEAM:
            mine = [r for r in rows if r.get("team") == scope.value]
        else:
            mine = [r for r in rows if r.get("site") == scope.value]
        if not mine:
            return None
        return {**base, "scope": scope.value, **_aggregate(mine)}

    people = []
    for r in rows:
        agent = d.by_agent.get(str(r["agent_id"]))
        # A revision tells only the agents whose result it changed.
        if agent is None or (revision and str(r["agent_id"]) not in changed):
            continue
        own = {k: r.get(k) for k in ("total", "grade", "pay_coefficient")}
        path = f"/agents/{r['agent_id']}?period={p['period']}"
        people.append(Personal(agent, e.kind, {**base, **own}, path, team=r.get("team")))
    workbook = {"kind": WORKBOOK, "period": p["period"], "run_id": int(p["run_id"])}
    for manager in d.with_role(Role.manager):
        people.append(
            Personal(manager, WORKBOOK, {**base, "agents": len(rows)},
                     f"/export/appraisal.xlsx?period={p['period']}", attachment=workbook)
        )  # fmt: skip
    return Routed(e.kind, f"/?period={p['period']}", group, people)


def _review_held(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    path = f"/reviews/{p['review_id']}"
    context = {"review_id": p["review_id"], "period": p["period"], "team": p.get("team")}
    agent = d.by_agent.get(str(p["agent_id"]))
    people = [Personal(agent, e.kind, context, path)] if agent else []
    return Routed(e.kind, path, _team_event(d, p.get("team"), context), people)


def _deciders(d: Directory, table: str, filed_by: str, agent_id: str) -> list[User]:
    from kefu.workflow.access import DECIDERS

    roles = DECIDERS.get(table, frozenset())
    # Administrators may decide, but the record's owners (QA, managers) are the ones to ask.
    owners = [Role(r) for r in roles if r is not Role.admin] or [Role.admin]
    found = d.with_role(*owners) or d.with_role(Role.admin)
    return [u for u in found if u.username != filed_by and u.agent_id != agent_id]


def _appeal_filed(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    path = f"/appeals/{p['appeal_id']}"
    context = {k: p.get(k) for k in ("appeal_id", "table", "period", "team")}
    people = [
        Personal(u, e.kind, context, path)
        for u in _deciders(d, p["table"], p["filed_by"], p["agent_id"])
    ]
    return Routed(e.kind, path, _team_event(d, p.get("team"), context), people)


def _appeal_decided(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    path = f"/appeals/{p['appeal_id']}"
    context = {k: p.get(k) for k in ("appeal_id", "table", "period", "team", "state")}
    told: list[User] = []
    agent = d.by_agent.get(str(p["agent_id"]))
    if agent is not None:
        told.append(agent)
    # A supervisor or manager who filed on the agent's behalf hears of it too; they may
    # see the agent's results anyway.
    told += [u for u in _one(d, p.get("filed_by")) if u not in told and u.role != Role.agent]
    own = {**context, "old": p.get("old"), "new": p.get("new")}
    people = [Personal(u, e.kind, own, path) for u in told]
    return Routed(e.kind, path, _team_event(d, p.get("team"), context), people)


def _plan_items(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    team = p.get("team")
    items = p["items"]
    context = {"day": p["day"], "team": team, "count": len(items), "days": p.get("days")}
    people: list[Personal] = []
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_agent.setdefault(str(item["agent_id"]), []).append(item)
    for agent_id, own in by_agent.items():
        agent = d.by_agent.get(agent_id)
        if agent is not None:
            path = f"/plans/{own[0]['plan_id']}"
            people.append(Personal(agent, e.kind, {**context, "items": own}, path))
    for sup in d.supervisors(team):
        people.append(Personal(sup, e.kind, {**context, "items": items}, "/plans"))
    for item in items:
        # An item owned by someone else (a trainer, a manager) reaches its owner too.
        for owner in _one(d, item.get("owner")):
            if owner.role != Role.agent and all(x.user is not owner for x in people):
                people.append(Personal(owner, e.kind, {**context, "items": [item]}, "/plans"))
    return Routed(e.kind, "/plans", _team_event(d, team, context), people)


def _import_rejects(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    path = f"/imports/{p['batch_id']}/rejects"
    context = {k: p.get(k) for k in ("batch_id", "table", "file", "rows_read", "accepted",
                                     "rejected")}  # fmt: skip
    people = [Personal(u, e.kind, context, path) for u in _one(d, p.get("actor"))]
    return Routed(e.kind, path, _centre_event(context), people)


def _scoring(ws: Workspace, d: Directory, e: NotificationEvent) -> Routed:
    p = e.payload
    path = f"/?period={p['period']}"
    context = {k: p.get(k) for k in ("period", "run_id", "agents", "revision", "error")}
    # The person who started the run hears how it went; results reach agents only when
    # published (results_published), never from a run.
    people = [
        Personal(u, e.kind, context, path)
        for u in _one(d, p.get("actor"))
        if u.role in (Role.admin, Role.manager)
    ]
    return Routed(e.kind, path, _centre_event(context), people)


RULES: dict[str, Callable[[Workspace, Directory, NotificationEvent], Routed]] = {
    EventKind.MONITOR_DIGEST: _monitor_digest,
    EventKind.RESULTS_PUBLISHED: _results_published,
    EventKind.REVIEW_HELD: _review_held,
    EventKind.APPEAL_FILED: _appeal_filed,
    EventKind.APPEAL_DECIDED: _appeal_decided,
    EventKind.PLAN_DUE: _plan_items,
    EventKind.PLAN_OVERDUE: _plan_items,
    EventKind.IMPORT_REJECTS: _import_rejects,
    EventKind.SCORING_FINISHED: _scoring,
    EventKind.SCORING_FAILED: _scoring,
}


def route(ws: Workspace, d: Directory, event: NotificationEvent) -> Routed:
    return RULES[event.kind](ws, d, event)
