"""Authorisation rules of the agent search (merged into :data:`tests.web.authz.RULES`).

Every signed-in role may search; what each finds is scoped by role (an agent only
themself, a supervisor their teams, QA without links to sheets), which
tests/web/test_search.py checks role by role.
"""

from __future__ import annotations

from tests.web.authz import ALL, Rule

PICKER_RULES = {
    ("GET", "/search"): Rule(ALL),
    ("GET", "/api/v1/agents"): Rule(ALL),
}
