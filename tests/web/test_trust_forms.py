"""Nothing a person types is lost: refused forms come back filled, in the page's language."""

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


def _held_review(web: Web) -> int:
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")
    reviews.update(web.ws, SUP, review.id, gaps="话术", measures="复听")
    plans.create_plan(web.ws, SUP, review.id, title="计划",
                      items=[{"description": "复听", "due_on": "2026-11-20"}])  # fmt: skip
    reviews.hold(web.ws, SUP, review.id)
    return review.id


def test_acknowledging_saves_the_self_assessment_typed_in_the_same_form(
    centre_web: Web,
) -> None:
    web = centre_web
    review_id = _held_review(web)
    agent = web.login("a1", Role.agent, agent_id="A1")
    page = agent.get(f"/reviews/{review_id}").text
    # one form: the acknowledge button submits the texts typed above it
    form = page[
        page.index('id="review-form"') : page.index("</form>", page.index('id="review-form"'))
    ]
    assert 'id="acknowledge-review"' in form and 'name="self_assessment"' in form
    r = _form(web, agent, f"/reviews/{review_id}/acknowledge",
              {"self_assessment": "本月接通率有提升", "requests": "希望参加话术培训"})  # fmt: skip
    assert r.status_code == 303, r.text
    stored = reviews.review_of(web.ws, SUP, review_id)
    assert stored.state == "acknowledged"
    assert stored.self_assessment == "本月接通率有提升"
    assert stored.requests == "希望参加话术培训"


def test_refused_acknowledgement_keeps_the_text_and_says_why_in_chinese(centre_web: Web) -> None:
    web = centre_web
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")  # a draft: not held yet
    agent = web.login("a1", Role.agent, agent_id="A1")
    r = _form(web, agent, f"/reviews/{review.id}/acknowledge", {"self_assessment": "我的自评"})
    assert r.status_code == 400
    assert "我的自评" in r.text
    assert "面谈尚未进行" in r.text
    assert "has not been held" not in r.text


def test_text_too_long_comes_back_with_the_form(centre_web: Web) -> None:
    web = centre_web
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")
    agent = web.login("a1", Role.agent, agent_id="A1")
    long_text = "长" * (reviews.MAX_TEXT + 1)
    r = _form(web, agent, f"/reviews/{review.id}", {"self_assessment": long_text})
    assert r.status_code == 400
    assert long_text in r.text
    assert "内容过长" in r.text
    assert reviews.review_of(web.ws, SUP, review.id).self_assessment == ""


def test_holding_saves_the_measures_typed_in_the_same_form(centre_web: Web) -> None:
    web = centre_web
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")
    plans.create_plan(web.ws, SUP, review.id, title="计划",
                      items=[{"description": "复听", "due_on": "2026-11-20"}])  # fmt: skip
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    r = _form(web, sup, f"/reviews/{review.id}/hold", {"gaps": "话术", "measures": "每周复听"})
    assert r.status_code == 303, r.text
    stored = reviews.review_of(web.ws, SUP, review.id)
    assert stored.state == "held" and stored.measures == "每周复听"


def test_refused_appeal_comes_back_filled_with_the_reason_in_chinese(centre_web: Web) -> None:
    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    typed = {"table": "qa_evaluations", "record_id": "Q-NOPE", "reason": "录音可证明话术完整",
             "field": "compliance_score", "value": "95", "attachment": "录音 10:05"}  # fmt: skip
    r = _form(web, agent, "/appeals", typed)
    assert r.status_code == 400  # the form comes back, never a bare 404
    for text in ("Q-NOPE", "录音可证明话术完整", "录音 10:05", 'value="95"'):
        assert text in r.text
    assert "找不到记录 Q-NOPE" in r.text
    assert "no qa_evaluations record" not in r.text


def test_appeal_without_a_reason_keeps_the_record_typed(centre_web: Web) -> None:
    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    r = _form(web, agent, "/appeals", {"table": "qa_evaluations", "record_id": "Q1", "reason": " "})
    assert r.status_code == 400
    assert 'value="Q1"' in r.text and "请填写申诉理由" in r.text


def test_refused_decision_keeps_the_reason_typed(centre_web: Web) -> None:
    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    r = _form(web, agent, "/appeals", {"table": "qa_evaluations", "record_id": "Q1",
                                       "reason": "话术完整"})  # fmt: skip
    url = r.headers["location"]
    qa = web.login("qa", Role.qa)
    # upheld without a correction: refused, and the decider's reason stays in the form
    r = _form(web, qa, url + "/decision", {"decision": "uphold", "reason": "复核后属实"})
    assert r.status_code == 400
    assert "复核后属实" in r.text and "须填写更正后的值" in r.text


def test_opening_a_review_of_an_unpublished_month_says_why_in_chinese(centre_web: Web) -> None:
    web = centre_web
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    r = _form(web, sup, "/reviews", {"agent_id": "A1", "period": "2026-11"})
    assert r.status_code == 400
    assert "没有已发布的结果" in r.text
    assert "has no published result" not in r.text
    assert 'value="A1"' in r.text and 'value="2026-11"' in r.text


def test_an_appeal_to_decide_is_not_shown_as_due_at_its_filing_time(centre_web: Web) -> None:
    from kefu.workflow import inbox
    from tests.workflow.helpers import QA

    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    _form(web, agent, "/appeals", {"table": "qa_evaluations", "record_id": "Q1", "reason": "话术"})
    task = next(t for t in inbox.inbox(web.ws, QA, now=web.clock.now) if t.kind == "appeal_decide")
    assert task.due is None and task.since is not None and not task.overdue
    qa = web.login("qa", Role.qa)
    page = qa.get("/inbox").text
    row = page[page.index("/appeals/") :]
    row = row[: row.index("</tr>")]
    assert "提交于" in row


# -- times: the workspace's local time, labelled ------------------------------------------
def test_review_print_signs_off_in_local_time_like_the_page(centre_web: Web) -> None:
    from kefu.workflow.printing import review_html

    web = centre_web
    review_id = _held_review(web)
    review = reviews.review_of(web.ws, SUP, review_id)
    held = review.held_at
    assert held is not None
    # the page and the print-out read the same local time, zone named
    from kefu.timefmt import format_moment

    local = format_moment(held, web.ws.timezone)
    assert "UTC" in local and "(UTC+8)" in local
    html = review_html(review, "zh-CN", web.ws.timezone)
    assert local in html and f"{held:%H:%M} UTC" not in html
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    assert local in sup.get(f"/reviews/{review_id}").text


def test_an_appeals_stored_record_reads_in_local_time(centre_web: Web) -> None:
    web = centre_web
    agent = web.login("a1", Role.agent, agent_id="A1")
    r = _form(web, agent, "/appeals", {"table": "qa_evaluations", "record_id": "Q1",
                                       "reason": "话术完整"})  # fmt: skip
    page = agent.get(r.headers["location"]).text
    # Q1 was evaluated at 02:00 UTC: 10:00 in Shanghai, as the drill-down shows it
    assert "2026年10月5日 10:00 (UTC+8)" in page
    assert "2026-10-05T02:00" not in page


def test_audit_csv_moments_carry_their_offset(centre_web: Web) -> None:
    web = centre_web
    mgr = web.login("mgr", Role.manager)
    export = mgr.get("/audit/export", params={"format": "csv", "action": "score"})
    body = export.content.decode("utf-8-sig")
    first = body.splitlines()[1]
    assert "+08:00" in first.split(",")[1]


def test_refused_plan_comes_back_on_the_review_page_as_typed(centre_web: Web) -> None:
    web = centre_web
    review = reviews.open_review(web.ws, SUP, "A1", "2026-10")
    sup = web.login("sup", Role.supervisor, teams=["T1"])
    typed = {"review_id": str(review.id), "title": "话术提升计划",
             "description_1": "每周复听 10 通录音", "due_on_1": ""}  # fmt: skip
    r = _form(web, sup, "/plans", typed)
    assert r.status_code == 400
    assert 'value="话术提升计划"' in r.text and 'value="每周复听 10 通录音"' in r.text
    assert "每个计划事项都需要完成期限" in r.text
