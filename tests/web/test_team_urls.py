"""Teams are addressed by id in URLs, so a name with ``/`` (成都/一组) has a page."""

from __future__ import annotations

import pytest

from kefu.users.roles import Role
from kefu.web.team_ids import team_id, team_url
from kefu.workspace import Workspace
from tests.web import appraisal_data
from tests.web.support import Web, make_web

SLASHED = "成都/一组"


@pytest.fixture
def app(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Web:
    monkeypatch.setitem(appraisal_data.TEAMS, "A3", SLASHED)  # 王五 leads 成都/一组
    appraisal_data.build(ws)
    return make_web(ws)


def test_team_id_is_stable_and_url_safe() -> None:
    assert team_id(SLASHED) == team_id("成都/一组")
    assert team_id(SLASHED) != team_id("成都一组")
    assert team_url(SLASHED).count("/") == 2 and team_url(SLASHED).isascii()


def test_team_with_a_slash_has_a_page_linked_from_the_overview(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    overview = client.get("/?period=2026-10").text
    assert f'href="{team_url(SLASHED)}?period=2026-10"' in overview
    page = client.get(f"{team_url(SLASHED)}?period=2026-10")
    assert page.status_code == 200, page.text[:300]
    assert "王五" in page.text and "张三" not in page.text
    xlsx = client.get(f"{team_url(SLASHED)}/appraisal.xlsx?period=2026-10")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_agent_sheet_links_the_team_by_id(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    sheet = client.get("/agents/A3?period=2026-10").text
    assert f'href="{team_url(SLASHED)}?period=2026-10"' in sheet


def test_api_lists_team_ids_and_serves_the_team_by_id(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    ranking = client.get("/api/v1/teams?period=2026-10").json()
    ids = {t["team"]: t["team_id"] for t in ranking}
    assert ids[SLASHED] == team_id(SLASHED)
    table = client.get(f"/api/v1/teams/{ids[SLASHED]}?period=2026-10")
    assert table.status_code == 200, table.text
    assert [r["agent_id"] for r in table.json()["rows"]] == ["A3"]


def test_old_name_urls_still_work_and_foreign_ids_are_404(app: Web) -> None:
    client = app.login("sup", Role.supervisor, teams=["T1"])
    assert client.get("/teams/T1?period=2026-10").status_code == 200
    assert client.get(f"{team_url('T1')}?period=2026-10").status_code == 200
    assert client.get(f"{team_url(SLASHED)}?period=2026-10").status_code == 404
    assert client.get(f"/api/v1/teams/{team_id(SLASHED)}?period=2026-10").status_code == 404
