"""Authorisation rules of the scorecard editor (merged into :data:`tests.web.authz.RULES`).

Managers and admins edit scorecards, as on ``/scorecards``; the page from a version
uses the matrix workspace's version 1 (its scorecard in use).
"""

from __future__ import annotations

from tests.web.authz import CENTRE, Rule

EDITOR_RULES = {
    ("GET", "/scorecards/edit"): Rule(CENTRE),
    ("GET", "/scorecards/{version_id}/edit"): Rule(CENTRE, params={"version_id": "1"}),
    # a draft with issues is still a 200: the issues are the answer
    ("POST", "/api/v1/scorecards/check"): Rule(CENTRE, body={"yaml": "name: x\n"}),
}
