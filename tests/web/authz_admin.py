"""Authorisation rules of the admin's user actions, the applications export and revisions
(merged into :data:`tests.web.authz.RULES`)."""

from __future__ import annotations

from tests.web.authz import ADMIN, Rule

ADMIN_RULES: dict[tuple[str, str], Rule] = {
    # a generated temporary password is shown on the answer itself
    ("POST", "/admin/users/{username}/password"): Rule(ADMIN, params={"username": "target"}),
    ("POST", "/admin/users/{username}/role"): Rule(
        ADMIN, ok=303, params={"username": "target"}, body={"role": "qa"}
    ),
}
