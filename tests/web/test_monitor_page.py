"""The daily monitor page and its downloads, on the day of :mod:`tests.web.monitor_data`.

Expected groups, order and words are worked out by hand in that module's table.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.monitor_data import DAY, build
from tests.web.support import Web, make_web


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _groups(html: str) -> list[tuple[str, str, list[str]]]:
    """(team, watch, the alert lines as text) of each alert group, in page order."""
    out = []
    for team, watch, body in re.findall(
        r'<div class="alert-group" data-team="([^"]*)" data-watch="([^"]*)">(.*?)</div>', html, re.S
    ):
        lines = [_text(li).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", body, re.S)]
        out.append((team, watch, lines))
    return out


def test_alerts_are_grouped_by_team_and_watch_worst_first_with_their_alert_line(app: Web) -> None:
    page = app.login("mgr", Role.manager).get(f"/monitor?date={DAY}").text
    assert _groups(page) == [
        # T1's overdue group is past by 5/3 at worst, its upheld group by 0: overdue first
        ("T1", "overdue_tickets", [
            "班组整体 ：超时工单 8 单，预警线 3 单",
            "张三 ：超时工单 5 单，预警线 3 单",
            "李四 ：超时工单 3 单，预警线 3 单",
        ]),
        ("T1", "new_upheld_complaints", ["李四 ：新增成立投诉 1 件，预警线 1 件"]),
        # a tie (4 against 3 for both): the team's own line first
        ("T2", "overdue_tickets", ["班组整体 ：超时工单 4 单，预警线 3 单",
                                   "王五 ：超时工单 4 单，预警线 3 单"]),
    ]  # fmt: skip
    assert "(共 6 条)" in _text(page)
    assert re.search(r"T1 · 超时工单 <span class=\"count-badge\">3 条</span>", page)


def test_alerts_read_in_english_on_an_english_page(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    token = app.csrf(client, "/")
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": token})
    page = client.get(f"/monitor?date={DAY}").text
    alerts = re.search(r'<section class="card" id="monitor-alerts">.*?</section>', page, re.S)
    assert alerts is not None
    text = _text(alerts.group(0))
    assert "Whole team : 8 overdue tickets, alert line 3" in text
    assert "1 new upheld complaints, alert line 1" in text
    # only the names (data) are Chinese
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("张三|李四|王五", "", text))


def test_names_link_to_the_agents_sheet(app: Web) -> None:
    page = app.login("mgr", Role.manager).get(f"/monitor?date={DAY}").text
    assert '<a href="/agents/A1">张三</a>' in page
    assert '<a href="/agents/A3">王五</a>' in page


def test_a_supervisor_sees_and_links_only_their_team(app: Web) -> None:
    page = app.login("sup", Role.supervisor, teams=["T2"]).get(f"/monitor?date={DAY}").text
    assert '<a href="/agents/A3">王五</a>' in page
    assert "张三" not in page and "/agents/A1" not in page
    assert [(t, w) for t, w, _ in _groups(page)] == [("T2", "overdue_tickets")]


def test_team_table_is_headed_team_and_breached_cells_are_marked(app: Web) -> None:
    page = app.login("mgr", Role.manager).get(f"/monitor?date={DAY}").text
    teams = re.search(r'<table[^>]*id="monitor-teams".*?</table>', page, re.S)
    assert teams is not None
    head = re.findall(r"<th [^>]*>(.*?)</th>", teams.group(0))
    assert head[0] == "团队" and "姓名" not in head
    # T1's overdue 8 is breached (marked and classed), its new complaints 1 is not watched
    row = re.search(r'<tr><td data-value="T1">T1</td>(.*?)</tr>', teams.group(0), re.S)
    assert row is not None
    cells = re.findall(r'<td class="([^"]*)" data-value="([^"]*)"', row.group(1))
    assert cells[-2:] == [("num breach", "8"), ("num", "1")]
    assert "⚠" in page and 'id="monitor-legend"' in page


def test_agents_are_folded_per_team_open_by_default(app: Web) -> None:
    page = app.login("mgr", Role.manager).get(f"/monitor?date={DAY}").text
    summaries = re.findall(
        r'<details class="monitor-team" open data-team="([^"]*)">\s*'
        r"<summary>(.*?)</summary>",
        page,
    )
    assert summaries == [("T1", "T1（2 人）"), ("T2", "T2（1 人）")]


def test_the_day_downloads_as_csv_with_chinese_headers(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    got = client.get(f"/monitor/day.csv?date={DAY}")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    head = rows[0]
    assert head[:4] == ["级别", "班组", "工号", "姓名"]
    assert head[-4:] == ["超时工单", "新增投诉", "新增成立投诉", "预警"]
    by_key = {(r[0], r[2] or r[1]): r for r in rows[1:]}
    assert set(by_key) == {("班组", "T1"), ("班组", "T2"), ("客服", "A1"), ("客服", "A2"),
                           ("客服", "A3")}  # fmt: skip
    a2 = by_key[("客服", "A2")]
    assert a2[-4:-1] == ["3", "1", "1"]  # its one complaint is new and upheld
    assert a2[-1] == "超时工单 3 单，预警线 3 单；新增成立投诉 1 件，预警线 1 件"


def test_the_day_downloads_as_xlsx_with_numbers_as_numbers(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    got = client.get(f"/monitor/day.xlsx?date={DAY}&team=T1")
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][3] == "姓名"
    a1 = next(r for r in rows if r[2] == "A1")
    assert a1[-4:-1] == [5, 0, 0] and isinstance(a1[-4], int)
    assert {r[2] for r in rows[1:]} == {None, "A1", "A2"}  # T1 only


def test_text_from_imported_data_is_neutralised_in_the_download(ws: Workspace) -> None:
    from datetime import date

    from tests.factories import add_records

    build(ws)
    add_records(ws, "agents", [{"agent_id": "A4", "name": "=HYPERLINK(\"x\")", "team": "T2",
                                "site": "S1", "hire_date": date(2026, 1, 1)}])  # fmt: skip
    client = make_web(ws).login("mgr", Role.manager)
    text = client.get(f"/monitor/day.csv?date={DAY}").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/monitor/day.xlsx?date={DAY}").content)
    ).active
    names = [r[3] for r in sheet.iter_rows(values_only=True)]
    assert '=HYPERLINK("x")' in names  # kept as text, not a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_same_day_downloaded_twice_is_the_same(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    first = client.get(f"/monitor/day.csv?date={DAY}").content
    assert client.get(f"/monitor/day.csv?date={DAY}").content == first


def test_a_teams_monitor_counts_as_the_whole_centres_does(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    whole = client.get(f"/api/v1/monitor?date={DAY}").json()
    one = client.get(f"/api/v1/monitor?date={DAY}&team=T1").json()
    t1 = [r for r in whole["rows"] if r["team"] == "T1"]
    assert sorted(one["rows"], key=lambda r: (r["level"], r["key"])) == sorted(
        t1, key=lambda r: (r["level"], r["key"])
    )
    # by hand: A1 5 overdue, A2 3, the team 8
    assert {r["key"]: r["overdue_tickets"] for r in one["rows"]} == {"A1": 5, "A2": 3, "T1": 8}


def test_a_large_centre_lists_only_the_agents_with_an_alert_until_a_team_is_chosen(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from kefu.web.routes import monitor as monitor_route
    from tests.factories import add_records

    build(ws)
    add_records(ws, "agents", [{"agent_id": "A4", "name": "赵六", "team": "T2",
                                "valid_from": date(2026, 1, 1)}])  # fmt: skip
    monkeypatch.setattr(monitor_route, "FULL_LIST_MAX", 3)  # the four agents are "many"
    client = make_web(ws).login("mgr", Role.manager)
    centre = client.get(f"/monitor?date={DAY}").text
    agents = centre[centre.index('id="monitor-agents"') :]
    assert "/agents/A1" in agents and "/agents/A3" in agents
    assert "赵六" not in agents  # no alert: not listed centre-wide
    assert "另有 1 名坐席未触发预警" in agents
    team = client.get(f"/monitor?date={DAY}&team=T2").text
    assert "赵六" in team[team.index('id="monitor-agents"') :]
    assert 'id="agents-not-listed"' not in team
