"""Reviews, appeals, plans, inbox and the audit trail through the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from kefu.periods import Period
from kefu.users.roles import Role
from kefu.workflow import appeals as appeal_service
from tests.web.support import Web
from tests.workflow.helpers import centre, publish

API = "/api/v1"


def _client(web: Web, username: str, role: Role | None, **fields: object) -> TestClient:
    client = web.login(username, role, **fields)
    client.headers["X-CSRF-Token"] = web.csrf(client, "/account")
    return client


@pytest.fixture
def centre_web(any_web: Web) -> Web:
    centre(any_web.ws)
    publish(any_web.ws)
    # A fixed day after the items below fall due. Publication happened at the real time of
    # the test run, which is later than this, so the clock is inside the appeal window.
    any_web.clock.now = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    return any_web


def test_review_acknowledgement_plan_and_completion_through_the_api(centre_web: Web) -> None:
    web = centre_web
    sup = _client(web, "sup", Role.supervisor, teams=["T1"])
    a1 = _client(web, "a1", Role.agent, agent_id="A1")
    r = sup.post(f"{API}/reviews", json={"agent_id": "A1", "period": "2026-10"})
    assert r.status_code == 201, r.text
    review = r.json()
    assert review["state"] == "draft" and review["prefill"]["grade"] == "C"
    rid = review["id"]
    assert (
        sup.patch(f"{API}/reviews/{rid}", json={"gaps": "话术", "measures": "复听"}).status_code
        == 200
    )
    # The agent cannot write the supervisor's side.
    assert a1.patch(f"{API}/reviews/{rid}", json={"measures": "x"}).status_code == 403
    # Grade C needs a plan before the meeting is held.
    assert sup.post(f"{API}/reviews/{rid}/hold").status_code == 400
    p = sup.post(
        f"{API}/plans",
        json={
            "review_id": rid,
            "title": "话术",
            "items": [
                {"description": "复听录音", "due_on": "2026-11-20"},
                {"description": "话术考试", "due_on": "2026-11-25"},
            ],
        },
    )
    assert p.status_code == 201, p.text
    assert sup.post(f"{API}/reviews/{rid}/hold").json()["state"] == "held"
    assert a1.patch(f"{API}/reviews/{rid}", json={"self_assessment": "同意"}).status_code == 200
    done = a1.post(f"{API}/reviews/{rid}/acknowledge").json()
    assert done["state"] == "acknowledged" and done["acknowledged_by"] == "a1"
    inbox = a1.get(f"{API}/inbox").json()
    assert {t["kind"] for t in inbox} >= {"plan_item", "appeal_window"}
    item = p.json()["items"][0]
    r = a1.patch(
        f"{API}/plans/items/{item['id']}", json={"completed_on": "2026-11-19", "evidence": "已复听"}
    )
    assert r.status_code == 200, r.text
    overdue = sup.get(f"{API}/plans/overdue").json()
    assert [o["item"]["description"] for o in overdue] == ["话术考试"]
    from kefu.metrics import compute

    fig = next(
        f
        for f in compute(web.ws, "2026-11", indicators=["improvement_completion_rate"])
        if f.key == "A1"
    )
    assert fig.value == pytest.approx(1 / 2)


def test_appeal_upheld_and_rejected_through_the_api(centre_web: Web) -> None:
    web = centre_web
    a1 = _client(web, "a1", Role.agent, agent_id="A1")
    a2 = _client(web, "a2", Role.agent, agent_id="A2")
    qa = _client(web, "qa", Role.qa)
    body = {
        "table": "qa_evaluations",
        "record_id": "Q1",
        "reason": "话术完整",
        "requested": {"compliance_score": 95},
        "attachments": ["录音 00:35 处已致歉"],
    }
    first = a1.post(f"{API}/appeals", json=body)
    assert first.status_code == 201, first.text
    aid = first.json()["id"]
    # Another agent sees nothing, and the agent cannot decide their own appeal.
    assert a2.get(f"{API}/appeals/{aid}").status_code == 404
    assert a2.get(f"{API}/appeals").json() == []
    assert (
        a1.post(f"{API}/appeals/{aid}/decision", json={"uphold": True, "reason": "x"}).status_code
        == 403
    )
    decided = qa.post(f"{API}/appeals/{aid}/decision", json={"uphold": True, "reason": "属实"})
    assert decided.status_code == 200, decided.text
    change = next(c for c in decided.json()["changes"] if c["agent_id"] == "A1")
    # (95 + 90) / 2 = 92.5 → 100 × (92.5 − 70) / 25 = 90 → A; before 85 → 60 → C.
    assert change["old"]["total"] == pytest.approx(60) and change["old"]["grade"] == "C"
    assert change["new"]["total"] == pytest.approx(90) and change["new"]["grade"] == "A"
    assert change["new"]["pay_coefficient"] == pytest.approx(1.2)
    second = a1.post(f"{API}/appeals", json={**body, "record_id": "Q2", "requested": {}})
    rejected = qa.post(
        f"{API}/appeals/{second.json()['id']}/decision", json={"uphold": False, "reason": "不成立"}
    )
    assert rejected.json()["state"] == "rejected" and rejected.json()["changes"] is None
    # Outside the window: refused.
    published = appeal_service.first_publication(web.ws, Period.parse("2026-10"))
    web.clock.now = published + timedelta(days=7, seconds=1)
    a1 = _client(web, "a1", None)
    late = a1.post(f"{API}/appeals", json={**body, "record_id": "Q2"})
    assert late.status_code == 400 and "window" in late.json()["error"]["message"]


def test_audit_trail_lists_exports_and_cannot_be_altered(centre_web: Web) -> None:
    web = centre_web
    mgr = _client(web, "mgr", Role.manager)
    a1 = _client(web, "a1", Role.agent, agent_id="A1")
    a1.post(f"{API}/appeals", json={"table": "qa_evaluations", "record_id": "Q1", "reason": "复核"})
    rows = mgr.get(f"{API}/audit", params={"action": "appeal"}).json()
    assert [(r["action"], r["actor"]) for r in rows] == [("appeal.file", "a1")]
    assert rows[0]["after"]["state"] == "open"
    assert a1.get(f"{API}/audit").status_code == 403
    csv = mgr.get(f"{API}/audit/export", params={"format": "csv", "action": "appeal"})
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    assert "appeal.file" in csv.content.decode("utf-8")
    xlsx = mgr.get(f"{API}/audit/export", params={"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    entry = rows[0]["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert mgr.request(method, f"{API}/audit/{entry}").status_code in (404, 405)
        assert mgr.request(method, f"{API}/audit").status_code == 405
    assert [r["id"] for r in mgr.get(f"{API}/audit", params={"action": "appeal"}).json()] == [entry]
