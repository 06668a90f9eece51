"""The revisions of a published month as the user may see them (HR: published ones only).

A revision still being prepared (scored, not yet published) shows figures the agents
have not been shown; HR, who sees published results only, does not see it either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kefu.periods import Grain
from kefu.reports.revisions import revision_lines
from kefu.scoring.models import RunState
from kefu.scoring.runs import revisions
from kefu.users.roles import Principal, Role
from kefu.web.views.appraisal import parse_period, period_choices, published_only
from kefu.workspace import Workspace

#: Who sees revisions: those who publish (admin, manager) and HR, who pays from them.
REVISION_ROLES = (Role.admin, Role.manager, Role.hr)


@dataclass
class RevisionsView:
    period: str
    revisions: list[dict[str, Any]]  # one per revision, newest first, with its lines
    lines: list[dict[str, Any]]  # every changed agent of every revision, oldest first


def month_choices(ws: Workspace, user: Principal) -> list[Any]:
    return [c for c in period_choices(ws, user) if c.grain == str(Grain.MONTH)]


def revisions_view(
    ws: Workspace, user: Principal, period: str, locale: str, when: Callable[[datetime | None], str]
) -> RevisionsView:
    user.require(*REVISION_ROLES)
    label = parse_period(period).label
    revs = revisions(ws, label)
    if published_only(user):
        revs = [r for r in revs if r["state"] == RunState.PUBLISHED]
    lines = revision_lines(revs, locale, when)
    grouped = [
        {**r, "lines": [x for x in lines if x["run_id"] == r["run_id"]]} for r in reversed(revs)
    ]
    return RevisionsView(period=label, revisions=grouped, lines=lines)
