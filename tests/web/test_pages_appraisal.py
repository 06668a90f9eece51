"""Appraisal pages and their JSON API: what each role sees, and the figures shown.

Expected totals come from the formula in :mod:`tests.web.appraisal_data`.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.appraisal_data import FCR, build, total_of
from tests.web.support import Web, make_web

HR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def test_team_ranking_orders_teams_by_mean_total(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    teams = client.get("/api/v1/teams?period=2026-10").json()
    assert [t["team"] for t in teams] == ["T2", "T1"]
    assert teams[0]["mean_total"] == pytest.approx(total_of(0.85))
    assert teams[1]["mean_total"] == pytest.approx((total_of(0.80) + total_of(0.70)) / 2)
    assert [t["rank"] for t in teams] == [1, 2]
    assert teams[1]["agents"] == 2


def test_overview_counts_grades_and_shows_run_status(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    body = client.get("/api/v1/overview?period=2026-10").json()
    # totals 80 (B: ≥ 70), 40 (D: < 60), 100 (S: ≥ 95)
    counts = {g["grade"]: g["agents"] for g in body["grades"]}
    assert counts == {"S": 1, "A": 0, "B": 1, "C": 0, "D": 1}
    assert body["run"]["status"] == "scored"
    assert body["scope_level"] == "centre"
    fcr = next(c for c in body["indicators"] if c["indicator"] == "fcr_rate")
    assert fcr["trend"]["months"] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09",
                                      "2026-10"]  # fmt: skip
    page = client.get("/?period=2026-10")
    assert page.status_code == 200
    assert 'id="grade-chart"' in page.text and "data-chart=" in page.text


def test_supervisor_sees_only_their_teams(app: Web) -> None:
    client = app.login("sup", Role.supervisor, teams=["T1"])
    teams = client.get("/api/v1/teams?period=2026-10").json()
    assert [t["team"] for t in teams] == ["T1"]
    assert client.get("/teams/T2?period=2026-10").status_code == 404
    foreign = client.get("/api/v1/agents/A3?period=2026-10")
    assert foreign.status_code == 404
    assert foreign.json()["error"]["code"] == "not_found"
    overview = client.get("/api/v1/overview?period=2026-10").json()
    assert (overview["scope_level"], overview["scope_key"]) == ("team", "T1")


def test_team_table_colours_cells_against_target(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    table = client.get("/api/v1/teams/T1?period=2026-10").json()
    assert [r["agent_id"] for r in table["rows"]] == ["A1", "A2"]  # by team rank
    col = [c["indicator"] for c in table["columns"]].index("fcr_rate")
    a1, a2 = (r["cells"][col] for r in table["rows"])
    # 0.80 and 0.70 lie between threshold 0.60 and target 0.85: partial points
    assert (a1["rating"], a2["rating"]) == ("between", "between")
    assert a1["text"] == "80.00%"
    html = client.get("/teams/T1?period=2026-10").text
    assert "rating-between" in html and 'href="/agents/A1?period=2026-10"' in html


def test_agent_sheet_shows_points_radar_and_trend(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    sheet = client.get("/api/v1/agents/A1?period=2026-10").json()
    assert sheet["total"] == pytest.approx(total_of(0.80))
    assert sheet["grade"] == "B"
    assert (sheet["rank_team"], sheet["rank_centre"]) == (1, 2)
    assert sheet["population"] == {"team": 2, "site": 3, "centre": 3}
    efficiency = next(d for d in sheet["dimensions"] if d["id"] == "efficiency")
    fcr = next(i for i in efficiency["indicators"] if i["indicator"] == "fcr_rate")
    assert fcr["points"] == pytest.approx(total_of(0.80))
    assert fcr["share"] == pytest.approx((0.80 - 0.60) / (0.85 - 0.60))
    # radar: share of the carried weight, vs the mean of T1 (A1 0.8, A2 0.4)
    index = sheet["radar"]["dimensions"].index(efficiency["name"])
    assert sheet["radar"]["agent"][index] == pytest.approx(80.0)
    assert sheet["radar"]["team"][index] == pytest.approx((80.0 + 40.0) / 2)
    trend = sheet["trend"]["values"]
    assert trend[:4] == [None] * 4  # no runs before 2026-09
    assert trend[4:] == pytest.approx([total_of(0.75), total_of(0.80)])
    assert sheet["team_mean_total"] == pytest.approx((total_of(0.80) + total_of(0.70)) / 2)
    html = client.get("/agents/A1?period=2026-10").text
    assert "/agents/A1/records?indicator=fcr_rate&amp;period=2026-10" in html
    pdf = client.get("/agents/A1/sheet.pdf?period=2026-10")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_records_drill_down_is_paginated_with_lineage(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    url = "/api/v1/agents/A1/records?indicator=fcr_rate&period=2026-10&per_page=2"
    first = client.get(url).json()
    assert (first["total"], first["pages"], len(first["records"])) == (3, 2, 2)
    second = client.get(url + "&page=2").json()
    assert len(second["records"]) == 1
    ids = {r["id"] for r in first["records"] + second["records"]}
    assert ids == {"C0", "C1", "C2"}
    record = second["records"][0]
    assert record["source_file"] == "calls-2026-10.csv"
    assert record["batch_id"] is not None and record["source_row"] is not None
    page = client.get("/agents/A1/records?indicator=fcr_rate&period=2026-10")
    assert page.status_code == 200 and "calls-2026-10.csv" in page.text


def test_agent_sees_only_their_own_sheet(app: Web) -> None:
    client = app.login("a1", Role.agent, agent_id="A1")
    assert client.get("/").headers["location"] == "/agents/A1"
    assert client.get("/agents/A1?period=2026-10").status_code == 200
    assert client.get("/agents/A2?period=2026-10").status_code == 404
    assert client.get("/api/v1/agents/A2/records?indicator=fcr_rate").status_code == 404
    assert client.get("/teams/T1").status_code == 403


def test_hr_sees_published_results_only(app: Web) -> None:
    client = app.login("hr", Role.hr, totp_secret=HR_SECRET)
    periods = [p["label"] for p in client.get("/api/v1/periods").json()]
    assert "2026-10" not in periods and "2026-09" in periods
    sheet = client.get("/api/v1/agents/A1").json()
    assert (sheet["period"], sheet["total"]) == ("2026-09", pytest.approx(total_of(0.75)))
    apps = client.get("/api/v1/applications").json()
    assert apps["period"] == "2026-09"
    by_agent = {a["agent_id"]: a for a in apps["agents"]}
    # 2026-09 totals 60 (C), 20 (D), 0 (D): all need an improvement plan
    assert {a: x["grade"] for a, x in by_agent.items()} == {"A1": "C", "A2": "D", "A3": "D"}
    assert all(x["improvement_plan_required"] for x in by_agent.values())
    page = client.get("/applications")
    assert page.status_code == 200 and 'id="applications"' in page.text


def test_publishing_through_the_api_opens_the_month_to_hr(app: Web) -> None:
    mgr = app.login("mgr", Role.manager)
    done = mgr.post("/api/v1/runs/2026-10/publish", headers={"X-CSRF-Token": app.csrf(mgr, "/")})
    assert done.status_code == 200 and done.json()["state"] == "published"
    again = mgr.post("/api/v1/runs/2026-10/publish", headers={"X-CSRF-Token": app.csrf(mgr, "/")})
    assert again.status_code == 400 and again.json()["error"]["code"] == "bad_request"
    hr = app.login("hr", Role.hr, totp_secret=HR_SECRET)
    assert "2026-10" in [p["label"] for p in hr.get("/api/v1/periods").json()]


def test_workbooks_hold_the_team_and_all_teams(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    one = client.get("/teams/T1/appraisal.xlsx?period=2026-10")
    assert one.status_code == 200
    assert "attachment" in one.headers["content-disposition"]
    names = openpyxl.load_workbook(io.BytesIO(one.content)).sheetnames
    assert "T1" in names and "T2" not in names
    both = client.get("/export/appraisal.xlsx?period=2026-10")
    names = openpyxl.load_workbook(io.BytesIO(both.content)).sheetnames
    assert {"T1", "T2"} <= set(names)


def test_upload_shows_summary_and_rejects_as_csv(app: Web) -> None:
    client = app.login("qa", Role.qa)
    token = app.csrf(client, "/imports")
    csv = (
        "工号,姓名,班组,职场,入职日期\nA9,赵六,T2,S1,2026-02-01\nA10,钱七,T2,S1,not-a-date\n"
    ).encode()
    response = client.post(
        "/api/v1/imports",
        files=[("files", ("新花名册.csv", csv, "text/csv"))],
        data={"table": "agents"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 202, response.text
    job = client.get(response.headers["location"]).json()
    assert job["state"] == "done"
    (summary,) = job["results"]
    assert (summary["accepted"], summary["rejected"]) == (1, 1)
    rejects = client.get(f"/api/v1/imports/{summary['batch']}/rejects").json()
    assert rejects["total"] == 1 and rejects["rejects"][0]["row"] == 3
    download = client.get(f"/imports/{summary['batch']}/rejects.csv")
    text = download.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "source_file,row,column,value,rule"
    assert "not-a-date" in text


def test_scorecard_issues_are_shown_with_their_key_path(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    token = app.csrf(client, "/scorecards")
    bad = "name: x\nversion: '2'\ndimensions: []\ngrades: {thresholds: {A: 50, B: 0}}\n"
    page = client.post("/scorecards", data={"content": bad, "csrf_token": token})
    assert page.status_code == 400
    assert 'id="scorecard-issues"' in page.text
    api = client.post("/api/v1/scorecards", json={"content": bad}, headers={"X-CSRF-Token": token})
    assert api.status_code == 422
    assert all("path" in i and i["message"] for i in api.json()["error"]["issues"])


def test_a_new_scorecard_version_can_be_made_active(app: Web) -> None:
    from kefu.scoring.registry import workspace_scorecards

    client = app.login("mgr", Role.manager)
    token = app.csrf(client, "/scorecards")
    text = workspace_scorecards(app.ws).default.source_text.replace(
        "target: 0.85, threshold: 0.6", "target: 0.9, threshold: 0.6"
    )
    text = text.replace("\nversion:", "\nversion: '2026.2'\n#", 1)
    created = client.post(
        "/api/v1/scorecards", json={"content": text, "activate": True},
        headers={"X-CSRF-Token": token},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.json()["active"] is True
    fcr = next(r for _, r in workspace_scorecards(app.ws).default.rules if r.id == "fcr_rate")
    assert fcr.target == 0.9


def test_pages_switch_to_english(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    token = app.csrf(client, "/")
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": token})
    page = client.get("/?period=2026-10")
    assert "Centre overview" in page.text and "Team ranking" in page.text


def test_qa_gets_the_start_page_not_results(app: Web) -> None:
    client = app.login("qa", Role.qa)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/periods").status_code == 403


def test_monitor_shows_the_latest_day_for_the_users_teams(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    report = client.get("/api/v1/monitor").json()
    # A1's contacts were offered on 5, 6 and 7 October: the latest day with data is the 7th
    assert report["day"] == "2026-10-07"
    a1 = next(r for r in report["rows"] if r["level"] == "agent" and r["key"] == "A1")
    assert a1["contacts_handled"] == 1
    assert client.get("/monitor").status_code == 200
    sup = app.login("sup", Role.supervisor, teams=["T2"])
    assert sup.get("/api/v1/monitor?team=T1").status_code == 404
    own = sup.get("/api/v1/monitor").json()
    assert {r["team"] for r in own["rows"]} <= {"T2"}


def test_records_of_a_channel_indicator_list_only_that_channel(app: Web) -> None:
    # A1's three October contacts are all phone calls.
    client = app.login("mgr", Role.manager)
    base = "/api/v1/agents/A1/records?period=2026-10&indicator="
    phone = client.get(base + "aht_avg.phone").json()
    chat = client.get(base + "aht_avg.chat").json()
    assert (phone["total"], phone["figure"]["sample"]) == (3, 3)
    assert (chat["total"], chat["figure"]["sample"], chat["figure"]["status"]) == (0, 0, "no_data")


def test_records_of_a_quarter_are_those_of_its_months(app: Web) -> None:
    from kefu import scoring
    from tests.scoring.helpers import FakeEngine, fig

    quarter = [fig("fcr_rate", v, key=a, period="2026-Q4") for a, v in FCR["2026-10"].items()]
    monthly = [fig("fcr_rate", v, key=a, period=m) for m, vs in FCR.items() for a, v in vs.items()]
    scoring.score_period(app.ws, "2026-Q4", actor="test", compute=FakeEngine(monthly + quarter))
    client = app.login("mgr", Role.manager)
    got = client.get("/api/v1/agents/A1/records?indicator=fcr_rate&period=2026-Q4")
    assert got.status_code == 200
    body = got.json()
    # The three October contacts of A1 are all of the quarter's records.
    assert (body["period"], body["total"]) == ("2026-Q4", 3)
    assert {r["id"] for r in body["records"]} == {"C0", "C1", "C2"}
