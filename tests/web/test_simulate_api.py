"""``POST /api/v1/scorecards/simulate``: the hand-worked centre of the simulation tests.

The indicator engine is the stand-in of :mod:`tests.scoring.simulation_data`
(the API has no engine to choose), so the answers are the ones worked there.
"""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from kefu.scoring import simulation
from kefu.scoring.models import ScorecardVersion, ScoringResult, ScoringRun
from kefu.users.roles import Role
from tests.scoring.simulation_data import BASE, OCT, build
from tests.web.support import Web, add_user, make_web

API = "/api/v1/scorecards/simulate"
CHANGED_WEIGHT = "name: 热线\nversion: '2'\n" + BASE.replace(
    "fcr_rate, weight: 60", "fcr_rate, weight: 40"
).replace("csat_rate, weight: 40", "csat_rate, weight: 60")


@pytest.fixture
def sim_web(ws, monkeypatch) -> Web:
    eng = build(ws)
    monkeypatch.setattr(simulation, "default_compute", lambda: eng)
    web = make_web(ws)
    add_user(ws, "mgr", Role.manager)
    add_user(ws, "admin1", Role.admin, totp_secret=pyotp.random_base32())
    add_user(ws, "sup", Role.supervisor, teams=["T1"])
    add_user(ws, "hr1", Role.hr, totp_secret=pyotp.random_base32())
    return web


def post(web: Web, user: str, body: dict, lang: str | None = None):  # type: ignore[no-untyped-def]
    client = web.client(headers={"Authorization": f"Bearer {web.token(user)}"})
    if lang:
        client.cookies.set("kefu_lang", lang)
    return client.post(API, json=body)


def test_a_manager_reads_the_movers_with_reasons_in_chinese(sim_web: Web) -> None:
    r = post(sim_web, "mgr", {"yaml": CHANGED_WEIGHT, "periods": [OCT]})
    assert r.status_code == 200, r.text
    data = r.json()
    rows = {row["agent_id"]: row for row in data["rows"]}
    # Worked in tests/scoring/simulation_data: A2 B → C, A4 C → B, B2 C → B.
    assert {a for a, row in rows.items() if row["grade_changed"]} == {"A2", "A4", "B2"}
    a2 = rows["A2"]
    assert (a2["current"]["grade"], a2["draft"]["grade"]) == ("B", "C")
    assert [x["indicator_id"] for x in a2["reasons"]] == ["fcr_rate", "csat_rate"]
    assert a2["reason_text"] == "等级由 B 变为 C：一次性解决率少得 20.0 分，客户满意度多得 5.0 分。"
    assert rows["A1"]["reason_text"] is None
    (summary,) = data["summary"]
    assert summary["grade_changes"] == 3
    assert summary["pay_sum_current"] == pytest.approx(6.6)
    assert summary["pay_sum_draft"] == pytest.approx(6.8)
    assert data["sensitivity"] is None


def test_the_reasons_are_in_english_for_an_english_reader(sim_web: Web) -> None:
    r = post(sim_web, "mgr", {"yaml": CHANGED_WEIGHT, "periods": [OCT]}, lang="en")
    rows = {row["agent_id"]: row for row in r.json()["rows"]}
    text = rows["A2"]["reason_text"]
    assert text.startswith("Grade B becomes C: ") and "loses 20.0 points" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_sensitivity_on_request(sim_web: Web) -> None:
    body = {"yaml": CHANGED_WEIGHT, "periods": [OCT], "sensitivity": True}
    data = post(sim_web, "admin1", body).json()
    by = {i["indicator_id"]: i for i in data["sensitivity"]["indicators"]}
    # Worked in tests/scoring/test_simulation.py: B2 crosses 70 with fcr 45 / csat 55.
    assert (by["fcr_rate"]["minus"], by["fcr_rate"]["plus"]) == (0, 1)
    assert {t["indicator_id"] for t in data["sensitivity"]["targets"]} == {"fcr_rate", "csat_rate"}


def test_an_invalid_draft_answers_422_with_its_issues(sim_web: Web) -> None:
    r = post(sim_web, "mgr", {"yaml": "name: x\n", "periods": [OCT]})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_scorecard" and error["issues"]


def test_a_quarter_or_a_malformed_month_is_refused(sim_web: Web) -> None:
    assert post(sim_web, "mgr", {"yaml": CHANGED_WEIGHT, "periods": ["2026-Q4"]}).status_code == 422
    assert post(sim_web, "mgr", {"yaml": CHANGED_WEIGHT, "periods": []}).status_code == 422


@pytest.mark.parametrize("user", ["sup", "hr1"])
def test_only_the_roles_that_edit_scorecards_may_simulate(sim_web: Web, user: str) -> None:
    assert post(sim_web, user, {"yaml": CHANGED_WEIGHT, "periods": [OCT]}).status_code == 403


def test_without_a_login_the_api_answers_401(sim_web: Web) -> None:
    r = sim_web.client().post(API, json={"yaml": CHANGED_WEIGHT, "periods": [OCT]})
    assert r.status_code == 401


def test_simulating_through_the_api_stores_nothing(sim_web: Web) -> None:
    ws = sim_web.ws

    def counts():  # type: ignore[no-untyped-def]
        with ws.db.session() as s:
            return [
                s.scalar(select(func.count()).select_from(t))
                for t in (ScoringRun, ScoringResult, ScorecardVersion)
            ]

    before = counts()
    first = post(sim_web, "mgr", {"yaml": CHANGED_WEIGHT, "periods": [OCT]}).json()
    second = post(sim_web, "mgr", {"yaml": CHANGED_WEIGHT, "periods": [OCT]}).json()
    assert counts() == before and first == second


def test_a_new_veto_is_the_reason_given(sim_web: Web) -> None:
    draft = "name: 热线\nversion: '3'\n" + BASE.replace(
        "veto:\n", "veto:\n  - {event: complaint, where: {severity: major}, cap_grade: C}\n"
    )
    zh = {
        r["agent_id"]: r
        for r in post(sim_web, "mgr", {"yaml": draft, "periods": [OCT]}).json()["rows"]
    }
    assert zh["A5"]["reason_text"] == "等级由 B 变为 C：新增一票否决（有责投诉），等级最高 C。"
    assert zh["A5"]["new_vetoes"] == [{"event": "complaint", "cap_grade": "C"}]
    en = post(sim_web, "mgr", {"yaml": draft, "periods": [OCT]}, lang="en").json()["rows"]
    (a5,) = [r for r in en if r["agent_id"] == "A5"]
    assert a5["reason_text"] == (
        "Grade B becomes C: a new veto (upheld complaint) caps the grade at C."
    )
