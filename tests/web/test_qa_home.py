"""QA's start page: the appeals waiting, the latest evaluations, the weakest points.

A small explicit centre (times are Shanghai wall-clock):

======  =====  ===============  =====  ====  =====
eval    agent  evaluated        score  info  fatal
======  =====  ===============  =====  ====  =====
Q0      A3     09-20 10:00      50     1/1   yes
Q1      A1     10-05 10:00      80     4/5   no
Q2      A1     10-06 10:00      90     5/5   no
Q3      A2     10-07 10:00      60     2/4   yes
Q5      A3     10-08 10:00      100    1/1   no
Q4      A3     10-31 23:30      70     3/3   yes
======  =====  ===============  =====  ====  =====

The latest month is 2026-10 (Q4 is still October in Shanghai, though November 1 is
near). October: mean score (80+90+60+100+70)/5 = 80.0; information accuracy
(4+5+2+1+3)/(5+5+4+1+3) = 15/18 = 83.3 %; fatal errors 2 of 5 = 40.0 %. Shortfall from
the best: fatal 0.40 > score 0.20 > info 0.167, so that is the order. Agents to watch:
A2 (1 fatal, mean 60), A3 (1 fatal, mean 85), A1 (0 fatal, mean 85).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from kefu.users.roles import Role
from kefu.workflow.models import Appeal
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import sh
from tests.web.support import PASSWORD, Web, add_user, make_web

EVALS = [
    ("Q0", "A3", sh(2026, 9, 20, 10), 50.0, 1, 1, True),
    ("Q1", "A1", sh(2026, 10, 5, 10), 80.0, 5, 4, False),
    ("Q2", "A1", sh(2026, 10, 6, 10), 90.0, 5, 5, False),
    ("Q3", "A2", sh(2026, 10, 7, 10), 60.0, 4, 2, True),
    ("Q5", "A3", sh(2026, 10, 8, 10), 100.0, 1, 1, False),
    ("Q4", "A3", sh(2026, 10, 31, 23, 30), 70.0, 3, 3, True),
]


def _appeal(table: str, record: str, state: str = "open") -> Appeal:
    return Appeal(agent_id="A1", team="T1", period="2026-10", table_name=table,
                  record_id=record, record_source="qa", original={}, requested={},
                  reason="不同意", attachments=[], state=state, filed_by="agent1")  # fmt: skip


def _seed(ws: Workspace) -> None:
    hired = date(2026, 1, 1)
    add_records(ws, "agents", [
        {"agent_id": a, "name": n, "team": "T1", "site": "S1", "hire_date": hired}
        for a, n in (("A1", "张三"), ("A2", "李四"), ("A3", "王五"))
    ])  # fmt: skip
    add_records(ws, "qa_evaluations", [
        {"evaluation_id": e, "agent_id": a, "evaluated_at": at, "compliance_score": score,
         "info_checked": checked, "info_correct": correct, "fatal": fatal}
        for e, a, at, score, checked, correct, fatal in EVALS
    ], source="qa")  # fmt: skip
    with ws.db.transaction() as s:
        s.add_all([
            _appeal("qa_evaluations", "Q1"),
            _appeal("complaints", "C9"),  # decided by managers: not QA's work
            _appeal("qa_evaluations", "Q2", state="rejected"),  # already decided
            _appeal("operation_errors", "E4"),
        ])  # fmt: skip


@pytest.fixture
def app(ws: Workspace) -> Web:
    _seed(ws)
    return make_web(ws)


def _rows(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    return [[re.sub(r"<[^>]+>", " ", c).split() and " ".join(re.sub(r"<[^>]+>", " ", c).split())
             for c in row] for row in cells]  # fmt: skip


def test_qa_sees_the_appeals_waiting_for_them(app: Web) -> None:
    html = app.login("qa1", Role.qa).get("/").text
    assert "待处理的申诉（2 件）" in html
    section = html.split('id="qa-appeals"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="/appeals/(\d+)"', section) == ["1", "4"]
    assert "质检记录 Q1" in section and "C9" not in section and "Q2" not in section


def test_qa_sees_the_latest_evaluations_newest_first(app: Web) -> None:
    html = app.login("qa1", Role.qa).get("/").text
    section = html.split('id="qa-recent"', 1)[1].split("</section>", 1)[0]
    order = re.findall(r"<td>(\S+) <span class=\"muted small\">(A\d)</span>", section)
    assert [a for _, a in order] == ["A3", "A3", "A2", "A1", "A1", "A3"]
    assert order[0][0] == "王五"


def test_qa_sees_the_weakest_criteria_and_agents_of_the_latest_month(app: Web) -> None:
    html = app.login("qa1", Role.qa).get("/").text
    assert "2026-10 最薄弱的质检项" in html
    assert _rows(html, "qa-criteria") == [
        ["致命错误率", "40.0%", "5 条质检"],
        ["服务规范平均得分", "80.0", "5 条质检"],
        ["信息准确率", "83.3%", "18 项核查"],
    ]
    assert _rows(html, "qa-attention") == [
        ["李四 A2", "1", "60.0", "1"],
        ["王五 A3", "1", "85.0", "2"],
        ["张三 A1", "0", "85.0", "2"],
    ]


def test_other_roles_keep_their_plain_home(app: Web) -> None:
    html = app.login("hr1", Role.hr, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").get("/").text
    assert 'id="qa-appeals"' not in html


def test_qa_home_in_english_has_no_chinese_outside_the_data(app: Web) -> None:
    client = app.login("qa1", Role.qa)
    client.post("/lang", data={"locale": "en", "csrf_token": app.csrf(client, "/account")})
    html = client.get("/").text
    assert "Appeals to decide (2)" in html and "Weakest QA criteria of 2026-10" in html
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("张三|李四|王五|中文", "", html))


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_qa_home_fits_a_phone(ws: Workspace, live_server, browser) -> None:  # type: ignore[no-untyped-def]
    _seed(ws)
    add_user(ws, "qa1", Role.qa)
    phone = {"width": 390, "height": 844}
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=phone, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto("/login")
        page.fill("#username", "qa1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit].btn-primary")
        page.wait_for_selector("#qa-weakest")
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert width <= inner
        assert page.locator("#qa-appeals li").count() == 2
    finally:
        context.close()
