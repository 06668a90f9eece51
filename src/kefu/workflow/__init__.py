"""Workflow after scoring: reviews, appeals, improvement plans, the inbox, the audit trail.

Every service is a plain function taking the workspace, the acting
:class:`~kefu.users.roles.Principal` and data; it checks the role *and* the
object, writes, and records the write in the audit log in the same
transaction::

    from kefu.workflow import reviews, appeals, plans, inbox
    r = reviews.open_review(ws, supervisor, "A1", "2026-10")
    a = appeals.file_appeal(ws, agent, "qa_evaluations", "Q1", reason="...",
                            requested={"compliance_score": 95})
    appeals.decide(ws, qa_user, a.id, uphold=True, reason="recording re-checked")
"""

from __future__ import annotations

from kefu.workflow.models import (
    Appeal,
    AppealState,
    ImprovementPlan,
    PlanItem,
    Review,
    ReviewState,
)

__all__ = ["Appeal", "AppealState", "ImprovementPlan", "PlanItem", "Review", "ReviewState"]
