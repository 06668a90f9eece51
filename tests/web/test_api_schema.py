"""Property-based runs of the whole /api/v1 OpenAPI schema.

Each operation of the generated schema gets a few Hypothesis examples
(schemathesis strategies) sent in-process with an API token: as an admin on an
empty workspace (no server errors, one error body), and as a manager on the
small scored workspace of :mod:`tests.web.appraisal_data`, where every answer
must also be a documented status code with a body matching its schema.
"""

from __future__ import annotations

import pyotp
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web import appraisal_data
from tests.web.support import add_user, make_web

MAX_EXAMPLES = 6
#: Operations that would end the run's own access: revoking the caller's token.
SKIPPED = frozenset({"DELETE /api/v1/tokens/{token_id}"})
#: The daily monitor recomputes a day per call; a few days suffice.
FEWER = {"GET /api/v1/monitor": 2}
#: Seconds per call; the first appraisal request of a workspace builds its caches.
CALL_TIMEOUT = 60


def error_body_is_consistent(ctx, response, case) -> None:  # type: ignore[no-untyped-def]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        # A refused scorecard also lists its issues (documented as ScorecardIssuesBody).
        assert set(body["error"]) - {"issues"} == {"code", "message"}, body


def test_api_has_no_server_errors(ws: Workspace) -> None:
    web = make_web(ws)
    add_user(ws, "admin1", Role.admin, totp_secret=pyotp.random_base32())
    add_user(ws, "target", Role.agent, agent_id="A001")
    headers = {"Authorization": f"Bearer {web.token('admin1')}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    operations = [op for op in operations if op.label not in SKIPPED]

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FEWER.get(operation.label, MAX_EXAMPLES),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(
                headers=headers,
                checks=[not_a_server_error, error_body_is_consistent],
                timeout=CALL_TIMEOUT,
            )

        check()


CONFORMANCE_EXAMPLES = 5


def test_api_answers_as_documented_for_a_manager(ws: Workspace) -> None:
    """Every answer is a documented status with a body matching its schema (OpenAPI 3.1)."""
    appraisal_data.build(ws)
    web = make_web(ws)
    add_user(ws, "mgr", Role.manager)
    headers = {"Authorization": f"Bearer {web.token('mgr')}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        response_schema_conformance,
        content_type_conformance,
        error_body_is_consistent,
    ]
    warm = web.client(headers=headers)
    for path in ("/api/v1/overview", "/api/v1/teams", "/api/v1/agents/A1"):
        assert warm.get(path).status_code == 200
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SKIPPED:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FEWER.get(operation.label, CONFORMANCE_EXAMPLES),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=checks, timeout=CALL_TIMEOUT)

        try:
            check()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # collect all operations' failures, then report them together
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
