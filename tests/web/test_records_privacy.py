"""Customer numbers in the records drill-down: in full for the roles that follow contacts up,
masked (138****5678) for hr and for an agent."""

from __future__ import annotations

import pyotp
import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import contact, sh
from tests.web import appraisal_data
from tests.web.support import Web, add_user, make_web

NUMBER = "13812345678"
URL = "/api/v1/agents/A1/records?indicator=fcr_rate&period={period}"


@pytest.fixture
def app(ws: Workspace) -> Web:
    appraisal_data.build(ws)
    for month in (9, 10):
        add_records(
            ws,
            "contacts",
            [contact(f"P{month}", "A1", sh(2026, month, 20, 10), customer_id=NUMBER)],
            source_file=f"calls-2026-{month:02d}-b.csv",
        )
    return make_web(ws)


def _numbers(web: Web, username: str, period: str) -> set[str]:
    client = web.client(headers={"Authorization": f"Bearer {web.token(username)}"})
    response = client.get(URL.format(period=period))
    assert response.status_code == 200, response.text
    return {r["customer_id"] for r in response.json()["records"] if r.get("customer_id")}


@pytest.mark.parametrize(
    ("role", "fields"),
    [(Role.manager, {}), (Role.supervisor, {"teams": ["T1"]}), (Role.admin, {})],
)
def test_roles_that_follow_contacts_up_see_the_full_number(
    app: Web, role: Role, fields: dict[str, object]
) -> None:
    secret = pyotp.random_base32() if role is Role.admin else None
    add_user(app.ws, "u1", role, totp_secret=secret, **fields)  # type: ignore[arg-type]
    assert _numbers(app, "u1", "2026-10") == {NUMBER}


def test_hr_sees_the_number_masked(app: Web) -> None:
    add_user(app.ws, "hr1", Role.hr, totp_secret=pyotp.random_base32())
    assert _numbers(app, "hr1", "2026-09") == {"138****5678"}  # hr: published month only


def test_agent_sees_their_own_records_with_the_number_masked(app: Web) -> None:
    add_user(app.ws, "a1", Role.agent, agent_id="A1")
    assert _numbers(app, "a1", "2026-09") == {"138****5678"}


def test_records_page_masks_the_number_for_hr(app: Web) -> None:
    client = app.login("hr1", Role.hr, totp_secret=pyotp.random_base32())
    page = client.get("/agents/A1/records?indicator=fcr_rate&period=2026-09")
    assert page.status_code == 200, page.text[:300]
    assert "138****5678" in page.text and NUMBER not in page.text
