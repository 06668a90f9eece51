"""Authorisation rules of the admin's user actions, the applications export and revisions
(merged into :data:`tests.web.authz.RULES`)."""

from __future__ import annotations

from kefu.users.roles import Role
from tests.web.authz import ADMIN, APPLICATIONS, PAY, Rule

ADMIN_RULES: dict[tuple[str, str], Rule] = {
    # a generated temporary password is shown on the answer itself
    ("POST", "/admin/users/{username}/password"): Rule(ADMIN, params={"username": "target"}),
    ("POST", "/admin/users/{username}/role"): Rule(
        ADMIN, ok=303, params={"username": "target"}, body={"role": "qa"}
    ),
    # the applications export: like the pay export, manager and HR, published months only
    # (the manager's default month, 2026-10, is not published)
    ("GET", "/applications/applications.xlsx"): Rule(PAY, overrides={(Role.manager, "own"): 409}),
    ("GET", "/applications/applications.csv"): Rule(PAY, overrides={(Role.manager, "own"): 409}),
    # revisions: those who publish and HR
    ("GET", "/revisions"): Rule(APPLICATIONS, params={}),
    ("GET", "/revisions.xlsx"): Rule(APPLICATIONS),
    ("GET", "/revisions.csv"): Rule(APPLICATIONS),
}
