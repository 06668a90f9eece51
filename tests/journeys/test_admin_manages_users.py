"""The admin's user work: a supervisor forgot their password and takes over one more team."""

from __future__ import annotations

import pytest

from kefu import scoring
from kefu.users import service
from tests.journeys.conftest import PUBLISHED, Centre, Person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]


def test_admin_resets_a_password_and_changes_a_supervisors_teams(
    centre: Centre, desktop: Person, phone: Person
) -> None:
    with centre.ws.db.session() as s:
        before = list(service.get_user(s, "supervisor").teams)
    teams = sorted({str(r["team"]) for r in scoring.results(centre.ws, PUBLISHED)})
    extra = next(t for t in teams if t not in before)

    admin = desktop.page
    desktop.log_in("admin", landing="/admin/users")  # enrols TOTP on the way
    admin.goto("/admin/users")
    row = admin.locator('details.user-manage[data-user="supervisor"]')
    row.locator("summary").click()
    row.locator("input[name=teams]").fill("，".join([*before, extra]))
    with admin.expect_navigation():
        row.locator("form[action$='/role'] button[type=submit]").click()  # confirms
    assert "角色与范围已更改" in desktop.text()

    row = admin.locator('details.user-manage[data-user="supervisor"]')
    row.locator("summary").click()
    with admin.expect_navigation():
        row.locator("form[action$='/password'] button[type=submit]").click()  # generated
    temporary = admin.inner_text("#temp-password").strip()
    assert "此密码只显示这一次" in desktop.text()

    # The supervisor, on their phone, logs in with the temporary password.
    phone.log_in("supervisor", password=temporary)
    page = phone.page
    page.goto(f"/teams/{extra}?period={PUBLISHED}")
    assert extra in phone.text("h1")
    phone.no_sideways_scroll()
    with centre.ws.db.session() as s:
        assert service.get_user(s, "supervisor").teams == sorted([*before, extra])
