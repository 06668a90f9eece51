"""Authorisation rules of the workflow routes (reviews, appeals, plans, inbox, audit).

Merged into :data:`tests.web.authz.RULES`. The objects are rows made directly
in the store for the matrix workspace: the "own" one belongs to agent A001 in
team T1 (the matrix's agent user and the supervisor's team), the "other" one
to A002 in team T2.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from kefu.users.roles import Role
from kefu.workflow.models import Appeal, ImprovementPlan, PlanItem, Review
from tests.web.authz import ALL, Rule

REVIEW_ROLES = frozenset({Role.admin, Role.manager, Role.supervisor, Role.agent})
REVIEWERS = frozenset({Role.admin, Role.manager, Role.supervisor})
APPEAL_ROLES = frozenset({Role.admin, Role.manager, Role.supervisor, Role.qa, Role.agent})
QA_DECIDERS = frozenset({Role.admin, Role.manager, Role.qa})
AUDITORS = frozenset({Role.admin, Role.manager})
AGENT = frozenset({Role.agent})

_months = itertools.count(1)
_NOW = datetime(2026, 11, 2, tzinfo=UTC)


def _who(variant: str) -> tuple[str, str]:
    return ("A001", "T1") if variant == "own" else ("A002", "T2")


def _add(ctx: Any, row: Any) -> int:
    with ctx.web.ws.db.transaction() as s:
        s.add(row)
        s.flush()
        return int(row.id)


def _review(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    agent, team = _who(variant)
    n = next(_months)  # one review per agent and period
    period = f"{2000 + n // 12}-{n % 12 + 1:02d}"
    review = Review(
        agent_id=agent,
        period=period,
        team=team,
        state="draft",
        prefill={},
        strengths="",
        gaps="",
        self_assessment="",
        measures="",
        requests="",
        created_at=_NOW,
        created_by="matrix",
        updated_at=_NOW,
    )
    return {"review_id": str(_add(ctx, review))}


def _appeal(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    agent, team = _who(variant)
    appeal = Appeal(
        agent_id=agent,
        team=team,
        period="2026-09",
        table_name="qa_evaluations",
        record_id="Q-MATRIX",
        record_source="qa",
        original={},
        requested={},
        reason="matrix",
        attachments=[],
        state="open",
        filed_at=_NOW,
        filed_by="matrix",
    )
    return {"appeal_id": str(_add(ctx, appeal))}


def _plan_row(ctx: Any, variant: str) -> tuple[int, int]:
    agent, team = _who(variant)
    plan_id = _add(
        ctx,
        ImprovementPlan(
            agent_id=agent,
            team=team,
            period="2026-09",
            title="matrix",
            created_at=_NOW,
            created_by="matrix",
        ),
    )
    item_id = _add(
        ctx,
        PlanItem(
            plan_id=plan_id,
            description="matrix",
            owner=agent,
            due_on=date(2026, 12, 1),
            evidence="",
            updated_at=_NOW,
        ),
    )
    return plan_id, item_id


def _plan(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    return {"plan_id": str(_plan_row(ctx, variant)[0])}


def _plan_item(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    return {"item_id": str(_plan_row(ctx, variant)[1])}


WORKFLOW_OBJECTS = {
    "review": _review,
    "appeal": _appeal,
    "plan": _plan,
    "plan_item": _plan_item,
}

# Roles outside a route's family get 403; a role inside it that cannot act on an object
# it can see also gets 403, one it cannot see 404 (the overrides).
_AGENT_OTHER_404 = {(Role.agent, "other"): 404}
_SUP_OTHER_404 = {(Role.supervisor, "other"): 404}
_NEW_REVIEW = {"agent_id": "A001", "period": "2026-08"}  # no published result: refused (400)
_PLAN = {"review_id": "999999", "title": "t", "description_1": "d", "due_on_1": "2026-12-01"}
_PLAN_API = {
    "review_id": 999999,
    "title": "t",
    "items": [{"description": "d", "due_on": "2026-12-01"}],
}
_APPEAL = {"table": "qa_evaluations", "record_id": "NO-SUCH", "reason": "r"}

WORKFLOW_RULES: dict[tuple[str, str], Rule] = {
    # pages
    ("GET", "/inbox"): Rule(ALL),
    ("GET", "/reviews"): Rule(REVIEW_ROLES),
    ("POST", "/reviews"): Rule(REVIEWERS, ok=400, body=_NEW_REVIEW),
    ("GET", "/reviews/{review_id}"): Rule(REVIEW_ROLES, objects="review"),
    ("POST", "/reviews/{review_id}"): Rule(REVIEW_ROLES, ok=303, objects="review", body={}),
    # an empty draft cannot be held yet (400)
    ("POST", "/reviews/{review_id}/hold"): Rule(
        REVIEWERS, ok=400, objects="review", overrides=_AGENT_OTHER_404
    ),
    # a draft cannot be acknowledged yet (400); only the agent acknowledges
    ("POST", "/reviews/{review_id}/acknowledge"): Rule(
        AGENT, ok=400, objects="review", sees_foreign=frozenset(), overrides=_SUP_OTHER_404
    ),
    # the matrix review has no published sheet behind it
    ("GET", "/reviews/{review_id}/pdf"): Rule(REVIEW_ROLES, ok=404, objects="review"),
    ("GET", "/plans"): Rule(REVIEW_ROLES),
    # a review that cannot be found: the plans page says so (400), never a bare 404
    ("POST", "/plans"): Rule(REVIEWERS, ok=400, body=_PLAN),
    ("GET", "/plans/{plan_id}"): Rule(REVIEW_ROLES, objects="plan"),
    ("POST", "/plans/{plan_id}/items"): Rule(
        REVIEWERS,
        ok=303,
        objects="plan",
        body={"description": "d", "due_on": "2026-12-01"},
        overrides=_AGENT_OTHER_404,
    ),
    ("POST", "/plans/items/{item_id}"): Rule(
        REVIEW_ROLES, ok=303, objects="plan_item", body={"evidence": "e"}
    ),
    ("GET", "/appeals"): Rule(APPEAL_ROLES),
    # a record that cannot be found: the form comes back with the reason (400)
    ("POST", "/appeals"): Rule(APPEAL_ROLES - {Role.qa}, ok=400, body=_APPEAL),
    ("GET", "/appeals/{appeal_id}"): Rule(APPEAL_ROLES, objects="appeal", sees_foreign=QA_DECIDERS),
    ("POST", "/appeals/{appeal_id}/decision"): Rule(
        QA_DECIDERS,
        ok=303,
        objects="appeal",
        sees_foreign=QA_DECIDERS,
        body={"decision": "reject", "reason": "r"},
        overrides={**_AGENT_OTHER_404, **_SUP_OTHER_404},
    ),
    ("GET", "/audit"): Rule(AUDITORS),
    ("GET", "/audit/export"): Rule(AUDITORS),
    # JSON API
    ("GET", "/api/v1/inbox"): Rule(ALL),
    ("GET", "/api/v1/reviews"): Rule(REVIEW_ROLES),
    ("POST", "/api/v1/reviews"): Rule(REVIEWERS, ok=400, body=_NEW_REVIEW),
    ("GET", "/api/v1/reviews/{review_id}"): Rule(REVIEW_ROLES, objects="review"),
    ("PATCH", "/api/v1/reviews/{review_id}"): Rule(REVIEW_ROLES, objects="review", body={}),
    ("POST", "/api/v1/reviews/{review_id}/hold"): Rule(
        REVIEWERS, ok=400, objects="review", overrides=_AGENT_OTHER_404
    ),
    ("POST", "/api/v1/reviews/{review_id}/acknowledge"): Rule(
        AGENT, ok=400, objects="review", sees_foreign=frozenset(), overrides=_SUP_OTHER_404
    ),
    ("GET", "/api/v1/reviews/{review_id}/pdf"): Rule(REVIEW_ROLES, ok=404, objects="review"),
    ("GET", "/api/v1/plans"): Rule(REVIEW_ROLES),
    ("GET", "/api/v1/plans/overdue"): Rule(REVIEW_ROLES),
    ("POST", "/api/v1/plans"): Rule(REVIEWERS, ok=404, body=_PLAN_API),
    ("GET", "/api/v1/plans/{plan_id}"): Rule(REVIEW_ROLES, objects="plan"),
    ("POST", "/api/v1/plans/{plan_id}/items"): Rule(
        REVIEWERS,
        ok=201,
        objects="plan",
        body={"description": "d", "due_on": "2026-12-01"},
        overrides=_AGENT_OTHER_404,
    ),
    ("PATCH", "/api/v1/plans/items/{item_id}"): Rule(
        REVIEW_ROLES, objects="plan_item", body={"evidence": "e"}
    ),
    ("GET", "/api/v1/appeals"): Rule(APPEAL_ROLES),
    ("POST", "/api/v1/appeals"): Rule(APPEAL_ROLES - {Role.qa}, ok=404, body=_APPEAL),
    ("GET", "/api/v1/appeals/{appeal_id}"): Rule(
        APPEAL_ROLES, objects="appeal", sees_foreign=QA_DECIDERS
    ),
    ("POST", "/api/v1/appeals/{appeal_id}/decision"): Rule(
        QA_DECIDERS,
        objects="appeal",
        sees_foreign=QA_DECIDERS,
        body={"uphold": False, "reason": "r"},
        overrides={**_AGENT_OTHER_404, **_SUP_OTHER_404},
    ),
    ("GET", "/api/v1/audit"): Rule(AUDITORS),
    ("GET", "/api/v1/audit/export"): Rule(AUDITORS),
}
