"""The authorisation matrix: one rule per route, checked for every role.

Every route registered in the app must have a rule here, or
``test_authz_matrix.py::test_every_route_has_a_rule`` fails. To add a page
or API route, add one line::

    ("GET", "/agents/{agent_id}"): Rule(VIEWERS, objects="agent"),

``allowed``: the roles that may use the route (``PUBLIC`` = no login needed);
others get 403, and without a login pages redirect to /login and the API
answers 401. ``objects`` names a kind of object in the path (see
``OBJECTS``): the route is tried with the role's *own* object and with a
*foreign* one; a foreign object must answer 404 except for the roles in
``sees_foreign`` (default: admin and manager). ``ok`` is the status of an
allowed request; ``overrides`` fixes single cells, ``{(role, "own"): 303}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kefu.users.roles import CENTRE_WIDE, Role
from tests.web.support import PASSWORD

PUBLIC: frozenset[Role] | None = None
ALL = frozenset(Role)
ADMIN = frozenset({Role.admin})
SIGNED_IN_ROLES = tuple(Role)


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[Role] | None
    ok: int = 200
    objects: str | None = None
    sees_foreign: frozenset[Role] = CENTRE_WIDE
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    overrides: Mapping[tuple[Role | None, str], int] = field(default_factory=dict)


def every_role(status: int, variant: str = "own") -> dict[tuple[Role | None, str], int]:
    return {(role, variant): status for role in Role}


# A choice for an upload refused for its ids (kefu.web.routes.imports.upload_again).
AGAIN = {"upload": "0" * 64, "file": "x.csv", "choice": "update", "source": "s"}
# An import wizard id no wizard has, and a batch id no import made.
NO_WIZARD = {"wizard_id": "0" * 32}
NO_BATCH = {"batch_id": "999999"}


# -- the objects the matrix puts in paths -------------------------------------------
# The matrix workspace holds agents A001 (team T1) and A002 (team T2); the agent
# user is A001, the supervisor leads T1. Each resolver returns the path parameters
# for (role, "own" | "other").

Resolver = Callable[[Any, Role | None, str], dict[str, str]]


def _agent(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    return {"agent_id": "A001" if variant == "own" else "A002"}


def _team(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    return {"team": "T1" if variant == "own" else "T2"}


def _token(ctx: Any, role: Role | None, variant: str) -> dict[str, str]:
    owner = ctx.username(role) if variant == "own" and role is not None else "outsider"
    return {"token_id": str(ctx.new_token(owner))}


OBJECTS: dict[str, Resolver] = {"agent": _agent, "team": _team, "token": _token}

# The appraisal routes (the matrix workspace has 2026-09 published, 2026-10 scored).
RESULTS = frozenset({Role.admin, Role.manager, Role.supervisor, Role.agent, Role.hr})
TEAMS = frozenset({Role.admin, Role.manager, Role.supervisor, Role.hr})
CENTRE = frozenset({Role.admin, Role.manager})
MONITOR = CENTRE | {Role.supervisor}
IMPORT_READ = frozenset({Role.admin, Role.manager, Role.qa, Role.supervisor})
UPLOAD = frozenset({Role.admin, Role.manager, Role.qa})
APPLICATIONS = CENTRE | {Role.hr}
PAY = frozenset({Role.manager, Role.hr})
# HR sees every agent's and team's *published* results.
HR_SEES = CENTRE | {Role.hr}
# Publishing twice is refused: the manager's request comes after the admin's.
PUBLISHED_TWICE = {(Role.manager, "own"): 400}


RULES: dict[tuple[str, str], Rule] = {
    # sign-in, language, documentation: no login needed
    ("GET", "/login"): Rule(PUBLIC, overrides=every_role(303)),
    ("POST", "/login"): Rule(PUBLIC, ok=401, body={"username": "nobody", "password": "x" * 12}),
    ("GET", "/login/totp"): Rule(PUBLIC, ok=303),
    ("POST", "/login/totp"): Rule(PUBLIC, ok=303, body={"code": "000000"}),
    ("POST", "/logout"): Rule(PUBLIC, ok=303),
    ("POST", "/lang"): Rule(PUBLIC, ok=303, body={"locale": "en"}),
    ("GET", "/api/docs"): Rule(PUBLIC),
    ("GET", "/api/v1/openapi.json"): Rule(PUBLIC),
    # the signed-in user's own pages
    # the centre overview; an agent is sent on to their own appraisal sheet
    ("GET", "/"): Rule(ALL, overrides={(Role.agent, "own"): 303}),
    ("GET", "/account"): Rule(ALL),
    ("POST", "/account/password"): Rule(
        ALL, ok=400, body={"current": "wrong password!", "new": PASSWORD, "confirm": PASSWORD}
    ),
    ("GET", "/account/2fa"): Rule(ALL),
    ("POST", "/account/tokens"): Rule(ALL, body={"name": "matrix"}),
    ("POST", "/account/tokens/{token_id}/revoke"): Rule(
        ALL, ok=303, objects="token", sees_foreign=frozenset()
    ),
    ("POST", "/account/sessions/end-others"): Rule(ALL, ok=400, body={"password": "not mine!"}),
    # no enrolment started (or already enrolled): back to the enrolment page
    ("POST", "/account/2fa"): Rule(ALL, ok=303, body={"code": "000000"}),
    ("POST", "/account/2fa/start"): Rule(ALL, ok=303),
    # user administration
    ("GET", "/admin/users"): Rule(ADMIN),
    ("POST", "/admin/users"): Rule(
        ADMIN, ok=303, body={"username": "newqa", "role": "qa", "password": PASSWORD}
    ),
    ("POST", "/admin/users/{username}/disable"): Rule(ADMIN, ok=303, params={"username": "target"}),
    ("POST", "/admin/users/{username}/enable"): Rule(ADMIN, ok=303, params={"username": "target"}),
    ("POST", "/admin/users/{username}/reset-2fa"): Rule(
        ADMIN, ok=303, params={"username": "target"}
    ),
    # JSON API
    ("GET", "/api/v1/me"): Rule(ALL),
    ("GET", "/api/v1/users"): Rule(ADMIN),
    ("POST", "/api/v1/users"): Rule(
        ADMIN, ok=201, body={"username": "apiqa", "role": "qa", "password": PASSWORD}
    ),
    ("GET", "/api/v1/users/{username}"): Rule(ADMIN, params={"username": "target"}),
    ("PATCH", "/api/v1/users/{username}"): Rule(
        ADMIN, params={"username": "target"}, body={"display_name": "目标"}
    ),
    ("GET", "/api/v1/tokens"): Rule(ALL),
    ("POST", "/api/v1/tokens"): Rule(ALL, ok=201, body={"name": "matrix"}),
    ("DELETE", "/api/v1/tokens/{token_id}"): Rule(
        ALL, ok=204, objects="token", sees_foreign=frozenset()
    ),
    # appraisal pages (kefu.web.routes.overview/teams/agents)
    ("POST", "/runs/score"): Rule(CENTRE, ok=303, body={"period": "2026-10"}),
    ("POST", "/runs/publish"): Rule(
        CENTRE, ok=303, body={"period": "2026-10"}, overrides=PUBLISHED_TWICE
    ),
    ("GET", "/teams/{team}"): Rule(TEAMS, objects="team", sees_foreign=HR_SEES),
    ("GET", "/teams/{team}/appraisal.xlsx"): Rule(TEAMS, objects="team", sees_foreign=HR_SEES),
    ("GET", "/export/appraisal.xlsx"): Rule(TEAMS),
    ("GET", "/agents/me"): Rule(frozenset({Role.agent}), ok=303),
    ("GET", "/agents/{agent_id}"): Rule(RESULTS, objects="agent", sees_foreign=HR_SEES),
    # without ?indicator= the visible sheet answers 400 (choose one), a foreign one 404
    ("GET", "/agents/{agent_id}/records"): Rule(
        RESULTS, ok=400, objects="agent", sees_foreign=HR_SEES
    ),
    # the records' downloads: like the page (choose an indicator, else 400)
    ("GET", "/agents/{agent_id}/records.csv"): Rule(
        RESULTS, ok=400, objects="agent", sees_foreign=HR_SEES
    ),
    ("GET", "/agents/{agent_id}/records.xlsx"): Rule(
        RESULTS, ok=400, objects="agent", sees_foreign=HR_SEES
    ),
    ("GET", "/agents/{agent_id}/sheet.pdf"): Rule(RESULTS, objects="agent", sees_foreign=HR_SEES),
    ("GET", "/monitor"): Rule(MONITOR),
    ("GET", "/monitor/day.csv"): Rule(MONITOR),
    ("GET", "/monitor/day.xlsx"): Rule(MONITOR),
    ("GET", "/imports"): Rule(IMPORT_READ),
    # a form without files: refused as a bad request once the role is admitted
    ("POST", "/imports"): Rule(UPLOAD, ok=400, body={"table": "agents"}),
    # a choice for an upload that is not kept: not found once the role is admitted
    ("POST", "/imports/again"): Rule(UPLOAD, ok=404, body=AGAIN),
    ("GET", "/imports/{batch_id}/rejects"): Rule(IMPORT_READ, params={"batch_id": "1"}),
    ("GET", "/imports/jobs/{job_id}"): Rule(IMPORT_READ, params={"job_id": "1"}),
    ("GET", "/imports/{batch_id}/rejects.csv"): Rule(IMPORT_READ, params={"batch_id": "1"}),
    # the wizard: a form without its file is a bad request; a wizard that is not the
    # user's (here: none at all) is not found once the role is admitted
    ("POST", "/imports/wizard"): Rule(UPLOAD, ok=400, body={}),
    ("GET", "/imports/wizard/{wizard_id}"): Rule(UPLOAD, ok=404, params=NO_WIZARD),
    ("POST", "/imports/wizard/{wizard_id}/choose"): Rule(
        UPLOAD, ok=404, params=NO_WIZARD, body={"choice": "map", "table": "contacts"}
    ),
    ("POST", "/imports/wizard/{wizard_id}/map"): Rule(UPLOAD, ok=404, params=NO_WIZARD, body={}),
    ("POST", "/imports/wizard/{wizard_id}/back"): Rule(UPLOAD, ok=404, params=NO_WIZARD, body={}),
    ("POST", "/imports/wizard/{wizard_id}/save"): Rule(
        UPLOAD, ok=404, params=NO_WIZARD, body={"name": "pbx"}
    ),
    ("POST", "/imports/wizard/{wizard_id}/import"): Rule(UPLOAD, ok=404, params=NO_WIZARD, body={}),
    # retracting: managers and admins; a batch that does not exist is not found
    ("GET", "/imports/{batch_id}/retract"): Rule(CENTRE, ok=404, params=NO_BATCH),
    ("POST", "/imports/{batch_id}/retract"): Rule(CENTRE, ok=404, params=NO_BATCH, body={}),
    ("GET", "/scorecards"): Rule(CENTRE),
    # an invalid scorecard is shown again with its issues
    ("POST", "/scorecards"): Rule(CENTRE, ok=400, body={"content": "name: x"}),
    ("GET", "/scorecards/{version_id}"): Rule(CENTRE, params={"version_id": "1"}),
    ("POST", "/scorecards/{version_id}/activate"): Rule(CENTRE, ok=303, params={"version_id": "1"}),
    ("GET", "/applications"): Rule(APPLICATIONS),
    # the pay export: manager and HR; the manager's default month (2026-10) is not published
    ("GET", "/applications/pay.xlsx"): Rule(PAY, overrides={(Role.manager, "own"): 409}),
    ("GET", "/applications/pay.csv"): Rule(PAY, overrides={(Role.manager, "own"): 409}),
    # appraisal API
    ("GET", "/api/v1/periods"): Rule(RESULTS),
    ("GET", "/api/v1/overview"): Rule(TEAMS),
    ("GET", "/api/v1/teams"): Rule(TEAMS),
    ("GET", "/api/v1/teams/{team}"): Rule(TEAMS, objects="team", sees_foreign=HR_SEES),
    ("GET", "/api/v1/agents/{agent_id}"): Rule(RESULTS, objects="agent", sees_foreign=HR_SEES),
    ("GET", "/api/v1/agents/{agent_id}/records"): Rule(
        RESULTS, ok=400, objects="agent", sees_foreign=HR_SEES
    ),
    ("GET", "/api/v1/runs/{period}"): Rule(RESULTS, params={"period": "2026-10"}),
    ("POST", "/api/v1/runs/{period}/score"): Rule(CENTRE, params={"period": "2026-10"}),
    ("POST", "/api/v1/runs/{period}/publish"): Rule(
        CENTRE, params={"period": "2026-10"}, overrides=PUBLISHED_TWICE
    ),
    ("GET", "/api/v1/monitor"): Rule(MONITOR),
    ("GET", "/api/v1/applications"): Rule(APPLICATIONS),
    ("GET", "/api/v1/imports"): Rule(IMPORT_READ),
    ("POST", "/api/v1/imports"): Rule(UPLOAD, ok=422, body={"table": "agents"}),
    ("GET", "/api/v1/imports/{batch_id}/rejects"): Rule(IMPORT_READ, params={"batch_id": "1"}),
    ("GET", "/api/v1/imports/jobs/{job_id}"): Rule(IMPORT_READ, params={"job_id": "1"}),
    ("GET", "/api/v1/scorecards"): Rule(CENTRE),
    ("GET", "/api/v1/scorecards/suggestions"): Rule(CENTRE),
    ("GET", "/api/v1/scorecards/{version_id}"): Rule(CENTRE, params={"version_id": "1"}),
    ("POST", "/api/v1/scorecards"): Rule(CENTRE, ok=422, body={"content": "name: x"}),
    ("POST", "/api/v1/scorecards/{version_id}/activate"): Rule(CENTRE, params={"version_id": "1"}),
}

# The workflow routes' rules live in their own module (merged here).
from tests.web.authz_workflow import WORKFLOW_OBJECTS, WORKFLOW_RULES  # noqa: E402

OBJECTS.update(WORKFLOW_OBJECTS)
RULES.update(WORKFLOW_RULES)

# The notification routes' rules likewise.
from tests.web.authz_notify import NOTIFY_OBJECTS, NOTIFY_RULES  # noqa: E402

OBJECTS.update(NOTIFY_OBJECTS)
RULES.update(NOTIFY_RULES)

# The what-if simulation (试算): the roles that edit scorecards (a draft with issues: 422).
RULES[("POST", "/api/v1/scorecards/simulate")] = Rule(
    CENTRE, ok=422, body={"yaml": "name: x", "periods": ["2026-10"]}
)

# The scorecard editor's routes likewise.
from tests.web.authz_editor import EDITOR_RULES  # noqa: E402

RULES.update(EDITOR_RULES)

# The admin's user actions, the applications export and the revisions page.
from tests.web.authz_admin import ADMIN_RULES  # noqa: E402

RULES.update(ADMIN_RULES)

# The agent search and its typeahead likewise.
from tests.web.authz_pickers import PICKER_RULES  # noqa: E402

RULES.update(PICKER_RULES)
