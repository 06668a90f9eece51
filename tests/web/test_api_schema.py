"""Property-based run of the whole /api/v1 OpenAPI schema: no server errors, one error body.

Each operation of the generated schema gets a few Hypothesis examples
(schemathesis strategies) sent in-process as an admin with an API token.
"""

from __future__ import annotations

import pyotp
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import add_user, make_web

MAX_EXAMPLES = 12


def error_body_is_consistent(ctx, response, case) -> None:  # type: ignore[no-untyped-def]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message"}, body


def test_api_has_no_server_errors(ws: Workspace) -> None:
    web = make_web(ws)
    add_user(ws, "admin1", Role.admin, totp_secret=pyotp.random_base32())
    add_user(ws, "target", Role.agent, agent_id="A001")
    headers = {"Authorization": f"Bearer {web.token('admin1')}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, error_body_is_consistent]
            )

        check()
