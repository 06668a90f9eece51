"""Numbers, periods and flags in URLs and bodies are checked before a route runs.

An id the store cannot hold (beyond 2^63−1), a period the appraisal cannot
read or a flag written as ``0`` answers 422 with the rule on the API and a 404
page on the web, never a server error or a silently coerced value.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import Web, add_user, make_web

BEYOND = str(2**63)  # one past the largest signed 64-bit integer
LARGEST = str(2**63 - 1)

API_ID_ROUTES = [
    ("GET", "/api/v1/appeals/{id}"),
    ("POST", "/api/v1/appeals/{id}/decision"),
    ("GET", "/api/v1/reviews/{id}"),
    ("PATCH", "/api/v1/reviews/{id}"),
    ("POST", "/api/v1/reviews/{id}/hold"),
    ("GET", "/api/v1/reviews/{id}/pdf"),
    ("GET", "/api/v1/plans/{id}"),
    ("POST", "/api/v1/plans/{id}/items"),
    ("PATCH", "/api/v1/plans/items/{id}"),
    ("GET", "/api/v1/imports/{id}/rejects"),
    ("GET", "/api/v1/scorecards/{id}"),
    ("POST", "/api/v1/scorecards/{id}/activate"),
    ("POST", "/api/v1/notifications/{id}/read"),
    ("DELETE", "/api/v1/tokens/{id}"),
]
PAGE_ID_ROUTES = [
    "/appeals/{id}",
    "/reviews/{id}",
    "/reviews/{id}/pdf",
    "/plans/{id}",
    "/imports/{id}/rejects",
    "/imports/{id}/rejects.csv",
    "/scorecards/{id}",
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """One workspace for the module: every request here is refused or finds nothing."""
    ws = Workspace.init(tmp_path_factory.mktemp("bounds") / "ws")
    web = make_web(ws)
    add_user(ws, "mgr", Role.manager)
    add_user(ws, "root", Role.admin, totp_secret=pyotp.random_base32())
    yield web
    ws.close()


@pytest.fixture(scope="module")
def api(shared: Web) -> TestClient:
    return shared.client(headers={"Authorization": f"Bearer {shared.token('mgr')}"})


@pytest.fixture(scope="module")
def admin_api(shared: Web) -> TestClient:
    return shared.client(headers={"Authorization": f"Bearer {shared.token('root')}"})


@pytest.fixture(scope="module")
def browser(shared: Web) -> TestClient:
    return shared.login("mgr")


@pytest.mark.parametrize(("method", "route"), API_ID_ROUTES)
@pytest.mark.parametrize("value", [BEYOND, "0"])
def test_api_id_out_of_range_is_422_with_the_rule(
    api: TestClient, method: str, route: str, value: str
) -> None:
    response = api.request(method, route.format(id=value), json={})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert (
        "9223372036854775807" in error["message"]
        or "greater than or equal to 1" in (error["message"])
    )


@pytest.mark.parametrize("route", ["/api/v1/appeals/{id}", "/api/v1/plans/{id}"])
def test_api_largest_id_is_simply_not_found(api: TestClient, route: str) -> None:
    response = api.get(route.format(id=LARGEST))
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("route", PAGE_ID_ROUTES)
@pytest.mark.parametrize("value", [BEYOND, "0", "abc"])
def test_page_with_impossible_id_is_a_404_page(browser: TestClient, route: str, value: str) -> None:
    response = browser.get(route.format(id=value))
    assert response.status_code == 404, response.text[:300]
    assert "text/html" in response.headers["content-type"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/imports?limit=" + BEYOND,
        "/api/v1/imports/1/rejects?page=" + BEYOND,
        "/api/v1/imports/1/rejects?per_page=" + BEYOND,
        "/api/v1/agents/A001/records?indicator=fcr&page=" + BEYOND,
        "/api/v1/audit?limit=" + BEYOND,
        "/api/v1/scorecards/suggestions?months=" + BEYOND,
    ],
)
def test_api_page_sizes_and_numbers_are_bounded(api: TestClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 422, response.text
    assert "less than or equal to" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/overview?period=2026-13",
        "/api/v1/teams?period=abc",
        "/api/v1/agents/A001?period=2026-10-05",
        "/api/v1/applications?period=20261",
        "/api/v1/runs/2026-Q5",
        "/api/v1/runs/x",
        "/api/v1/reviews?period=2026-Q4",
        "/api/v1/appeals?period=10-2026",
    ],
)
def test_api_period_must_be_a_month_quarter_or_year(api: TestClient, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "period" in message and "2026-10" in message, message


def test_api_post_run_with_bad_period_is_422(api: TestClient) -> None:
    response = api.post("/api/v1/runs/2026-00/score")
    assert response.status_code == 422, response.text
    assert "2026-Q4" in response.json()["error"]["message"]


def test_review_body_period_must_be_a_month(api: TestClient) -> None:
    response = api.post("/api/v1/reviews", json={"agent_id": "A001", "period": "2026-Q4x"})
    assert response.status_code == 422, response.text
    assert "2026-10" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/api/v1/appeals/1/decision", {"uphold": 0, "reason": "r"}, "uphold"),
        ("POST", "/api/v1/appeals/1/decision", {"uphold": "yes", "reason": "r"}, "uphold"),
        ("POST", "/api/v1/plans/1/items", {"description": "d", "due_on": 0}, "due_on"),
        ("POST", "/api/v1/plans/1/items", {"description": "d", "due_on": "0"}, "due_on"),
        ("PATCH", "/api/v1/plans/items/1", {"completed_on": 0}, "completed_on"),
        ("PATCH", "/api/v1/plans/items/1", {"reopen": 1}, "reopen"),
        ("POST", "/api/v1/plans", {"review_id": "1", "title": "t", "items": []}, "review_id"),
        ("POST", "/api/v1/plans", {"review_id": 2**63, "title": "t", "items": []}, "review_id"),
        ("POST", "/api/v1/tokens", {"name": "n", "expires_in_days": "30"}, "expires_in_days"),
    ],
)
def test_api_bodies_take_only_real_booleans_dates_and_ids(
    api: TestClient, method: str, path: str, body: dict[str, object], field: str
) -> None:
    response = api.request(method, path, json=body)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]


def test_api_user_flag_must_be_a_real_boolean(admin_api: TestClient) -> None:
    response = admin_api.patch("/api/v1/users/mgr", json={"disabled": 0})
    assert response.status_code == 422, response.text
    assert "disabled" in response.json()["error"]["message"]


def test_api_body_date_written_as_iso_text_is_accepted(api: TestClient) -> None:
    # Valid body: the plan simply does not exist.
    response = api.post("/api/v1/plans/1/items", json={"description": "d", "due_on": "2026-11-30"})
    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", "/api/v1/reviews/1", "GET, HEAD, PATCH"),
        ("DELETE", "/api/v1/appeals", "GET, HEAD, POST"),
        ("DELETE", "/api/v1/me", "GET, HEAD"),
        ("POST", "/static/app.css", "GET, HEAD"),
        ("PUT", "/login", "GET, HEAD, POST"),
        ("GET", "/logout", "POST"),
    ],
)
def test_every_405_names_all_allowed_methods(
    shared: Web, method: str, path: str, expected: str
) -> None:
    response = shared.client().request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == expected
