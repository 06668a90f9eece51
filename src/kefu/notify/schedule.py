"""Scheduled events: the daily monitor digest and the plan-item reminders.

Each is done once: the digest of a day writes the mark ``monitor_digest:<day>``
in the transaction that adds its events, and each reminder marks the plan
item and due date it announces (``plan_due:<item>:<date>``,
``plan_overdue:<item>:<date>``), so a second sender, a restart or a kill
between two passes adds nothing twice, and a moved due date is announced
anew.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kefu.notify.config import NotifySettings
from kefu.notify.models import Mark
from kefu.store import notices
from kefu.store.notices import EventKind
from kefu.workspace import Workspace

log = logging.getLogger(__name__)

#: How often (in a running sender) plan items are looked at.
PLAN_CHECK_EVERY = timedelta(minutes=10)


def _marked(ws: Workspace, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    with ws.db.session() as s:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            found |= set(s.scalars(select(Mark.key).where(Mark.key.in_(keys[start : start + 500]))))
        return found


def digest_alerts(alerts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One team's digest from the monitor's alerts: per watched figure and rule, the team's
    value (when the team crossed it) and how many agents crossed it — counts, no names."""
    teams: dict[str, dict[str, Any]] = {}
    for a in alerts:
        team = a["key"] if a["level"] == "team" else a.get("team")
        if not team:
            continue
        digest = teams.setdefault(team, {"alerts": {}, "agents": set()})
        limit = a["limit"]
        key = (a["watch"], a["rule"], repr(limit), a["severity"])
        entry = digest["alerts"].setdefault(key, {
            "watch": a["watch"], "rule": a["rule"], "limit": limit, "severity": a["severity"],
            "team_value": None, "agents": 0,
        })  # fmt: skip
        if a["level"] == "team":
            entry["team_value"] = a["value"]
        else:
            entry["agents"] += 1
            digest["agents"].add(a["key"])
    return {
        team: {
            "alerts": sorted(
                d["alerts"].values(), key=lambda e: (e["severity"] != "critical", e["watch"])
            ),
            "agents_alerted": len(d["agents"]),
        }
        for team, d in teams.items()
    }


class Schedule:
    def __init__(self, ws: Workspace, settings: NotifySettings) -> None:
        self.ws = ws
        self.settings = settings
        self._plans_checked: datetime | None = None
        self._digest_failed: datetime | None = None

    def run(self, now: datetime) -> int:
        return self.monitor_digest(now) + self.plan_reminders(now)

    # -- the daily monitor digest ---------------------------------------------------------
    def digest_day(self, now: datetime) -> date | None:
        """The day whose digest is due at ``now`` (None: not yet, or none configured)."""
        hour = self.settings.monitor_digest_hour
        if hour is None:
            return None
        local = now.astimezone(ZoneInfo(self.ws.timezone))
        if local.hour < hour:
            return None
        return local.date() if self.settings.monitor_digest_day == "today" else (
            local.date() - timedelta(days=1)
        )  # fmt: skip

    def monitor_digest(self, now: datetime) -> int:
        day = self.digest_day(now)
        if day is None:
            return 0
        mark = f"monitor_digest:{day.isoformat()}"
        if _marked(self.ws, [mark]):
            return 0
        from kefu.errors import KefuError
        from kefu.scoring.monitor import monitor

        if not self.ws.facts.committed_batches():
            digests: dict[str, dict[str, Any]] = {}  # nothing imported: nothing to tell
        else:
            if self._digest_failed is not None and now - self._digest_failed < PLAN_CHECK_EVERY:
                return 0
            try:
                digests = digest_alerts(monitor(self.ws, day.isoformat()).alerts)
            except KefuError as exc:  # no data for the day: nothing to tell, the day is done
                log.info("no monitor digest for %s: %s", day, exc.message)
                digests = {}
            except Exception:  # tried again a little later, not on every pass
                self._digest_failed = now
                raise
        try:
            with self.ws.db.transaction() as s:
                s.add(Mark(key=mark, at=now))
                s.flush()
                for team, digest in sorted(digests.items()):
                    notices.emit(
                        s, EventKind.MONITOR_DIGEST,
                        {"day": day.isoformat(), "team": team, **digest}, team=team,
                        dedupe=f"{mark}:{team}",
                    )  # fmt: skip
        except IntegrityError:  # another sender wrote this day's digest first
            return 0
        return len(digests)

    # -- plan items due soon and overdue -------------------------------------------------
    def plan_reminders(self, now: datetime) -> int:
        if self._plans_checked is not None and now - self._plans_checked < PLAN_CHECK_EVERY:
            return 0
        self._plans_checked = now
        from kefu.workflow.models import ImprovementPlan, PlanItem

        today = now.astimezone(ZoneInfo(self.ws.timezone)).date()
        horizon = today + timedelta(days=self.settings.plan_due_days)
        with self.ws.db.session() as s:
            rows = s.execute(
                select(PlanItem, ImprovementPlan)
                .join(ImprovementPlan, PlanItem.plan_id == ImprovementPlan.id)
                .where(PlanItem.completed_on.is_(None), PlanItem.due_on <= horizon)
                .order_by(PlanItem.due_on, PlanItem.id)
            ).all()
        wanted: dict[str, tuple[EventKind, Any, Any]] = {}
        for item, plan in rows:
            kind = EventKind.PLAN_OVERDUE if item.due_on < today else EventKind.PLAN_DUE
            prefix = "plan_overdue" if kind is EventKind.PLAN_OVERDUE else "plan_due"
            wanted[f"{prefix}:{item.id}:{item.due_on.isoformat()}"] = (kind, item, plan)
        fresh = {k: v for k, v in wanted.items() if k not in _marked(self.ws, list(wanted))}
        if not fresh:
            return 0
        groups: dict[tuple[EventKind, str | None], list[dict[str, Any]]] = defaultdict(list)
        for kind, item, plan in fresh.values():
            groups[(kind, plan.team)].append({
                "item_id": item.id, "plan_id": plan.id, "agent_id": plan.agent_id,
                "due_on": item.due_on.isoformat(), "description": item.description[:80],
                "owner": item.owner,
            })  # fmt: skip
        try:
            with self.ws.db.transaction() as s:
                for key in fresh:
                    s.add(Mark(key=key, at=now))
                s.flush()
                for (kind, team), items in sorted(
                    groups.items(), key=lambda g: (g[0][0], g[0][1] or "")
                ):
                    payload = {"day": today.isoformat(), "team": team, "items": items,
                               "days": self.settings.plan_due_days}  # fmt: skip
                    notices.emit(s, kind, payload, team=team)
        except IntegrityError:  # another sender announced them first
            return 0
        return len(groups)
