"""Workflow pages in-process: appeal forms, the audit page and its export, the review print-out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from kefu.users.roles import Role
from kefu.workflow import plans, reviews
from tests.web.support import Web
from tests.workflow.helpers import SUP, centre, publish


@pytest.fixture
def centre_web(web: Web) -> Web:
    centre(web.ws)
    publish(web.ws)
    web.clock.now = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
    return web


def _form(web: Web, client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": web.csrf(client, "/inbox")})


def test_appeal_filed_and_upheld_through_the_forms(centre_web: Web) -> None:
    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    r = _form(web, agent, "/appeals", {"table": "qa_evaluations", "record_id": "Q1",
                                       "reason": "话术完整", "field": "compliance_score",
                                       "value": "95", "attachment": "录音文字"})  # fmt: skip
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    page = agent.get(url).text
    assert "处理中" in page and "decision-form" not in page  # the agent does not decide
    qa = web.login("qa", Role.qa)
    assert "decision-form" in qa.get(url).text
    r = _form(web, qa, url + "/decision", {"decision": "uphold", "reason": "属实"})
    assert r.status_code == 303, r.text
    page = agent.get(url).text
    assert 'id="appeal-state">成立<' in page
    # The revision on the page: 60.00 → 90.00, C → A, 0.80 → 1.20.
    changes = page[page.index('id="changes"') :]
    for text in ("60.00", "90.00", "<td>C</td>", "<td>A</td>", "0.80", "1.20"):
        assert text in changes


def test_audit_page_and_export_for_managers_only(centre_web: Web) -> None:
    web = centre_web
    mgr = web.login("mgr", Role.manager)
    page = mgr.get("/audit", params={"action": "score"})
    assert page.status_code == 200 and "发布绩效" in page.text  # score.publish, said as people do
    export = mgr.get("/audit/export", params={"format": "csv", "action": "score"})
    assert export.headers["content-type"].startswith("text/csv")
    assert "score.publish" in export.content.decode("utf-8-sig")
    agent = web.login("a1", Role.agent, agent_id="A1")
    assert agent.get("/audit").status_code == 403
    assert agent.get("/audit/export").status_code == 403


def test_review_prints_with_the_appraisal_sheet(centre_web: Web) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    web = centre_web
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")
    reviews.update(web.ws, SUP, review.id, gaps="话术", measures="复听")
    plans.create_plan(web.ws, SUP, review.id, title="计划",
                      items=[{"description": "复听", "due_on": "2026-11-20"}])  # fmt: skip
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    r = sup.get(f"/reviews/{review.id}/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = PdfReader(BytesIO(r.content))
    assert len(pdf.pages) >= 2
    assert "绩效面谈记录" in pdf.pages[-1].extract_text()
    other = web.login("a2", Role.agent, agent_id="A2")
    assert other.get(f"/reviews/{review.id}/pdf").status_code == 404


def test_an_appeal_names_its_fields_and_original_values_as_people_say_them(
    centre_web: Web,
) -> None:
    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    r = _form(web, agent, "/appeals", {"table": "qa_evaluations", "record_id": "Q1",
                                       "reason": "话术完整", "field": "compliance_score",
                                       "value": "95"})  # fmt: skip
    page = web.login("qa", Role.qa).get(r.headers["location"]).text
    original = page[page.index("<tbody>") : page.index('id="decision-form"')]
    assert "规范得分" in original  # compliance_score under its name
    assert "致命错误" in original  # fatal
    assert "compliance_score" not in original and ">fatal<" not in original
    assert "False" not in original and "True" not in original  # 是 / 否
    field_list = page[page.index('id="de-field"') :]
    assert "compliance_score<" not in field_list and "致命错误" in field_list


def test_a_review_names_its_weakest_indicators_in_the_readers_language(centre_web: Web) -> None:
    from kefu.reports.catalogue import indicator_name

    web = centre_web
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")
    weakest = [w["indicator"] for w in review.prefill["weakest"]]
    assert weakest  # the centre's A1 has indicators short of their points
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    page = sup.get(f"/reviews/{review.id}").text
    for indicator in weakest:
        assert indicator_name(indicator, "zh-CN") in page
        assert f"{indicator} (" not in page
    assert "得分率" in page
    sup.cookies.set("kefu_lang", "en")
    assert indicator_name(weakest[0], "en") in sup.get(f"/reviews/{review.id}").text
