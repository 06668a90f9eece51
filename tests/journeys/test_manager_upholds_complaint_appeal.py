"""The manager upholds the agent's complaint appeal and sees October revised.

The demo agent appealed the major complaint (upheld, caused by customer
service) of October. Upholding it with 处理状态 → 不成立 takes it out of the
complaint rate's numerator and removes its 5-point penalty. By the
scorecard (complaint_rate: lower_better, target 0, threshold 0.005, points =
weight × (0.005 − rate) / 0.005 clamped to [0, weight]) the total moves by
5 + the complaint-rate points regained.
"""

from __future__ import annotations

import pytest

from kefu.users.roles import Principal, Role
from kefu.web.i18n import translate
from kefu.workflow import appeals
from tests.journeys.conftest import PUBLISHED, Centre, Person
from tests.journeys.files import complaints, upheld_cs_complaints

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]

MAJOR_PENALTY = 5.0


def _rate_points(weight: float, complaints: int, contacts: float) -> float:
    return weight * min(1.0, max(0.0, (0.005 - complaints / contacts) / 0.005))


def _number(text: str) -> float:
    return float(text.replace(",", "").strip())


def _sheet(person: Person, agent: str) -> dict[str, float]:
    """Total, the complaint rate's points and weight, its numerator and denominator."""
    page = person.page
    page.goto(f"/agents/{agent}?period={PUBLISHED}")
    total = _number(person.text("#sheet-total"))
    row = page.locator("#sheet-table tr", has=page.locator("a.drill[href*='complaint_rate']"))
    cells = [c.strip() for c in str(row.inner_text()).split("\t")]
    weight = _number(cells[1].split("→")[-1])  # the effective weight when redistributed
    points = _number(cells[6])
    with page.expect_navigation():
        row.locator("a.drill").click()
    return {
        "total": total, "points": points, "weight": weight,
        "complaints": _number(person.text("#records-numerator")),
        "contacts": _number(person.text("#records-denominator")),
    }  # fmt: skip


def test_manager_upholds_the_complaint_appeal(centre: Centre, desktop: Person) -> None:
    agent = centre.template.agent
    mine = complaints(centre.export("complaints")[0], agent, PUBLISHED)
    disputed = next(r for r in mine if r["是否客服责任"] == "是" and r["严重程度"] == "重大")
    me = Principal(0, "agent", "", Role.agent, agent_id=agent)
    appeal = appeals.file_appeal(
        centre.ws, me, "complaints", disputed["投诉单号"],
        reason="快递员延误引起，不属客服责任。", requested={"status": "rejected"},
    )  # fmt: skip
    page = desktop.page
    desktop.log_in("manager")

    before = _sheet(desktop, agent)
    assert before["complaints"] == len(upheld_cs_complaints(mine, agent, PUBLISHED)) == 2
    assert before["points"] == pytest.approx(
        _rate_points(before["weight"], 2, before["contacts"]), abs=0.005
    )

    page.goto("/appeals?state=open")
    with page.expect_navigation():
        page.locator("#appeals tbody tr", has_text=disputed["投诉单号"]).get_by_role("link").click()
    assert page.url.endswith(f"/appeals/{appeal.id}")
    page.select_option("#de-decision", "uphold")
    page.select_option("#de-field", "status")
    page.fill("#de-value", "rejected")
    page.fill("#de-reason", "核实为快递延误，投诉不成立。")
    with page.expect_navigation():
        page.click("#decide", no_wait_after=True)  # the navigation waits
    assert desktop.text("#appeal-state") == translate("zh-CN", "wf.appeal_state.upheld")

    after = _sheet(desktop, agent)
    regained = _rate_points(before["weight"], 1, before["contacts"])
    assert after["complaints"] == 1
    assert after["points"] == pytest.approx(regained, abs=0.005)
    expected = before["total"] + MAJOR_PENALTY + regained - before["points"]
    assert after["total"] == pytest.approx(expected, abs=0.011)
    # The appeal shows the revision it made: the agent's total before and after.
    page.goto(f"/appeals/{appeal.id}")
    cells = [
        c.strip()
        for c in page.locator("#changes tbody tr", has_text=agent).inner_text().split("\t")
    ]
    assert (_number(cells[1]), _number(cells[2])) == (before["total"], after["total"])
