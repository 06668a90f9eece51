"""Month-on-month on the appraisal pages, and quarters scored and shown like months.

Expected changes are worked out by hand from :mod:`tests.web.appraisal_data`
(total = 100 × (fcr − 0.60) / 0.25; grades S ≥ 95, B ≥ 70, C ≥ 60, D below):

=====  ============  ===================  ============
agent  fcr 09 → 10   total 09 → 10        grade 09→10
=====  ============  ===================  ============
A1     75% → 80%     60 → 80 (▲20.00)     C→B
A2     65% → 70%     20 → 40 (▲20.00)     D→D
A3     60% → 85%      0 → 100 (▲100.00)   D→S
=====  ============  ===================  ============
"""

from __future__ import annotations

import pytest

from kefu import scoring
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import contact, sh
from tests.scoring.helpers import FakeEngine, fig
from tests.web.appraisal_data import FCR, build
from tests.web.support import Web, make_web


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def _score(ws: Workspace, month: str, fcr: dict[str, float]) -> None:
    """Score ``month`` from hand-made fcr figures (the months already scored keep theirs)."""
    figures = [fig("fcr_rate", v, key=a, period=m) for m, vs in FCR.items() for a, v in vs.items()]
    figures += [fig("fcr_rate", v, key=a, period=month) for a, v in fcr.items()]
    scoring.score_period(ws, month, actor="test", compute=FakeEngine(figures))


def _indicator(sheet: dict, indicator: str) -> dict:  # type: ignore[type-arg]
    return next(
        i for d in sheet["dimensions"] for i in d["indicators"] if i["indicator"] == indicator
    )


def test_agent_sheet_shows_each_change_against_last_month(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    sheet = client.get("/api/v1/agents/A1?period=2026-10").json()
    total = sheet["total_change"]
    assert (total["previous_period"], total["text"], total["better"]) == ("2026-09", "▲20.00", True)
    assert total["difference"] == pytest.approx(20.0)
    assert (sheet["grade_change"]["text"], sheet["grade_change"]["better"]) == ("C→B", True)
    fcr = _indicator(sheet, "fcr_rate")
    # 75.00% → 80.00%: five percentage points up, and higher is better for FCR.
    assert (fcr["change"]["text"], fcr["change"]["before_text"]) == ("▲5.00", "75.00%")
    assert fcr["change"]["better"] is True
    # All 100 points ride on FCR: 60 → 80 points.
    assert fcr["points_change"]["text"] == "▲20.00"
    page = client.get("/agents/A1?period=2026-10").text
    assert 'id="total-change"' in page and "▲20.00" in page and "C→B" in page
    assert "mom-better" in page


def test_team_table_cells_show_the_change_and_the_grade_move(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    table = client.get("/api/v1/teams/T2?period=2026-10").json()
    (a3,) = table["rows"]
    assert a3["total_change"]["text"] == "▲100.00"
    assert a3["grade_change"]["text"] == "D→S"
    col = [c["indicator"] for c in table["columns"]].index("fcr_rate")
    assert a3["cells"][col]["change"]["text"] == "▲25.00"  # 60.00% → 85.00%
    t1 = client.get("/api/v1/teams/T1?period=2026-10").json()
    a2 = next(r for r in t1["rows"] if r["agent_id"] == "A2")
    assert a2["total_change"]["text"] == "▲20.00"
    assert (a2["grade_change"]["text"], a2["grade_change"]["better"]) == ("D→D", None)
    html = client.get("/teams/T1?period=2026-10").text
    assert "▲20.00" in html and "C→B" in html
    # An unchanged grade shows no arrow.
    assert "D→D" not in html


def test_team_ranking_shows_each_teams_mean_against_last_month(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    teams = {t["team"]: t for t in client.get("/api/v1/teams?period=2026-10").json()}
    # T1: (60 + 20) / 2 = 40 → (80 + 40) / 2 = 60; T2: 0 → 100.
    assert teams["T1"]["mean_change"]["text"] == "▲20.00"
    assert teams["T2"]["mean_change"]["text"] == "▲100.00"
    assert "▲100.00" in client.get("/?period=2026-10").text


def test_a_fall_is_marked_worse(app: Web) -> None:
    # November: A1 falls from 80% to 70% FCR (80 → 40 points, B → D).
    _score(app.ws, "2026-11", {"A1": 0.70, "A2": 0.70, "A3": 0.85})
    client = app.login("mgr", Role.manager)
    sheet = client.get("/api/v1/agents/A1?period=2026-11").json()
    assert (sheet["total_change"]["text"], sheet["total_change"]["better"]) == ("▼40.00", False)
    assert (sheet["grade_change"]["text"], sheet["grade_change"]["better"]) == ("B→D", False)
    fcr = _indicator(sheet, "fcr_rate")
    assert (fcr["change"]["text"], fcr["change"]["trend"]) == ("▼10.00", "down")
    a2 = _indicator(client.get("/api/v1/agents/A2?period=2026-11").json(), "fcr_rate")
    assert (a2["change"]["text"], a2["change"]["better"]) == ("±0.00", None)


def test_overview_cards_judge_a_two_sided_indicator_by_its_band(app: Web) -> None:
    # September: two phone calls of A1 of 300 s talk (AHT 300 s, inside the 180–420 s band);
    # October's three calls of 100 s (AHT 100 s, 80 s short of the band): worse, though lower.
    add_records(
        app.ws,
        "contacts",
        [contact(f"S{i}", "A1", sh(2026, 9, 10 + i, 10), talk_seconds=300.0) for i in range(2)],
        source_file="calls-2026-09.csv",
    )
    client = app.login("mgr", Role.manager)
    cards = {
        c["indicator"]: c
        for c in client.get("/api/v1/overview?period=2026-10").json()["indicators"]
    }
    aht = cards["aht_avg"]["change"]
    assert (aht["text"], aht["before_text"], aht["better"]) == ("▼200.0", "300.0秒", False)
    # Every call answered within 10 s in both months: 100.00% → 100.00%.
    frt = cards["frt_within_target"]["change"]
    assert (frt["text"], frt["better"]) == ("±0.00", None)
    page = client.get("/?period=2026-10").text
    assert "▼200.0" in page and "mom-worse" in page


def test_the_first_month_has_no_arrow(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    sheet = client.get("/api/v1/agents/A1?period=2026-09").json()
    assert sheet["total_change"] is None and sheet["grade_change"] is None
    assert _indicator(sheet, "fcr_rate")["change"] is None
    page = client.get("/agents/A1?period=2026-09").text
    assert "▲" not in page and "▼" not in page


def test_an_agent_never_sees_the_change_from_an_unpublished_month(app: Web) -> None:
    # November published, October (before it) only scored.
    _score(app.ws, "2026-11", {"A1": 0.85, "A2": 0.70, "A3": 0.85})
    scoring.publish(app.ws, "2026-11", actor="test")
    manager = app.login("mgr", Role.manager)
    # The manager compares with October's run: 80 → 100.
    assert (
        manager.get("/api/v1/agents/A1?period=2026-11").json()["total_change"]["text"] == "▲20.00"
    )
    agent = app.login("a1", Role.agent, agent_id="A1")
    sheet = agent.get("/api/v1/agents/A1?period=2026-11").json()
    assert sheet["total"] == pytest.approx(100.0)
    assert sheet["total_change"] is None and sheet["grade_change"] is None
    assert _indicator(sheet, "fcr_rate")["change"] is None
    page = agent.get("/agents/A1?period=2026-11").text
    assert "▲" not in page and "80.00" not in page


def test_an_agent_compares_with_the_published_month_not_its_pending_revision(app: Web) -> None:
    # October published; September re-scored after publication (A1 70% → 40 points), pending.
    scoring.publish(app.ws, "2026-10", actor="test")
    _score(app.ws, "2026-09", {"A1": 0.70, "A2": 0.65, "A3": 0.60})
    manager = app.login("mgr", Role.manager)
    assert (
        manager.get("/api/v1/agents/A1?period=2026-10").json()["total_change"]["text"] == "▲40.00"
    )
    agent = app.login("a1", Role.agent, agent_id="A1")
    # The published September (60 points) is what the agent has seen: 60 → 80.
    assert agent.get("/api/v1/agents/A1?period=2026-10").json()["total_change"]["text"] == "▲20.00"


def test_scoring_the_same_month_twice_moves_no_change(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    first = client.get("/api/v1/agents/A1?period=2026-10").json()
    _score(app.ws, "2026-10", FCR["2026-10"])
    again = client.get("/api/v1/agents/A1?period=2026-10").json()
    assert (again["total"], again["total_change"]) == (first["total"], first["total_change"])


def test_sparkline_months_are_labelled_with_their_values(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    page = client.get("/agents/A1?period=2026-10").text
    # The total's six months, September 60.00 and October 80.00 on hover.
    assert 'title="2026-09：60.00"' in page and 'title="2026-10：80.00"' in page
    assert 'title="2026-05：—"' in page
    assert ">10月<" in page


def test_a_quarter_is_offered_scored_and_shown(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    overview = client.get("/?period=2026-10").text
    assert 'id="score-cycle"' in overview and 'value="2026-Q4"' in overview
    token = app.csrf(client, "/?period=2026-10")
    done = client.post("/runs/score", data={"period": "2026-Q4", "csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/?period=2026-Q4"
    choices = client.get("/api/v1/periods").json()
    q4 = next(c for c in choices if c["label"] == "2026-Q4")
    assert (q4["grain"], q4["status"]) == ("quarter", "scored")
    # A quarter's total is the mean of its scored months: October only.
    sheet = client.get("/api/v1/agents/A1?period=2026-Q4").json()
    assert sheet["total"] == pytest.approx(80.0)
    # The quarter's sheet lists the month it holds.
    assert "2026-10 80.00" in client.get("/agents/A1?period=2026-Q4").text
    for path in ("/?period=2026-Q4", "/teams/T1?period=2026-Q4", "/agents/A1?period=2026-Q4"):
        got = client.get(path)
        assert got.status_code == 200, path
        assert "2026-Q4" in got.text


def test_the_quarter_before_gives_the_quarter_its_change(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    token = app.csrf(client, "/?period=2026-10")
    for quarter in ("2026-Q3", "2026-Q4"):
        client.post("/runs/score", data={"period": quarter, "csrf_token": token})
    # Q3 holds September only (60), Q4 October only (80).
    sheet = client.get("/api/v1/agents/A1?period=2026-Q4").json()
    assert (sheet["total_change"]["previous_period"], sheet["total_change"]["text"]) == (
        "2026-Q3",
        "▲20.00",
    )


def test_team_switcher_offers_only_the_viewers_teams(app: Web) -> None:
    manager = app.login("mgr", Role.manager)
    page = manager.get("/teams/T1?period=2026-10").text
    assert 'id="team-switch-select"' in page and ">T2</option>" in page
    moved = manager.get("/teams/T1?period=2026-10&to=T2")
    assert moved.status_code == 303
    assert moved.headers["location"].endswith("?period=2026-10")
    assert "T2" in manager.get(moved.headers["location"]).text
    supervisor = app.login("sup", Role.supervisor, teams=["T1"])
    own = supervisor.get("/teams/T1?period=2026-10").text
    assert 'id="team-switch-select"' not in own  # one team: nothing to switch to
    assert supervisor.get("/teams/T1?period=2026-10&to=T2").status_code == 404


def test_english_pages_carry_the_changes_without_chinese(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    token = app.csrf(client, "/")
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": token})
    page = client.get("/agents/A1?period=2026-10").text
    assert "Previous period 2026-09: 60.00" in page
    assert ">10/26<" in page
