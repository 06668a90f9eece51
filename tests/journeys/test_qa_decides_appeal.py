"""QA decides the QA appeal still open: upheld with the corrected score, the month revised."""

from __future__ import annotations

import pytest

from kefu import scoring
from kefu.web.i18n import translate
from kefu.workflow.models import Appeal
from tests.journeys.conftest import PUBLISHED, Centre, Person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("journeys")]


def test_qa_upholds_the_open_qa_appeal(centre: Centre, desktop: Person) -> None:
    page = desktop.page
    with centre.ws.db.session() as s:
        appeal = s.query(Appeal).filter_by(table_name="qa_evaluations", state="open").one()
        appeal_id, agent, requested = appeal.id, appeal.agent_id, appeal.requested
    before = {r["agent_id"]: r for r in scoring.results(centre.ws, PUBLISHED, published=True)}

    # QA's start page lists the appeal among the work waiting, and the latest evaluations.
    desktop.log_in("qa", landing="/")
    assert page.locator(f'#qa-appeals a[href="/appeals/{appeal_id}"]').count() == 1
    assert page.locator("#qa-recent tbody tr").count() == 10
    assert page.locator("#qa-criteria tbody tr").count() == 3
    page.goto("/appeals?state=open")
    with page.expect_navigation():
        page.locator("#appeals tbody tr", has_text=agent).get_by_role("link").first.click()
    assert page.url.endswith(f"/appeals/{appeal_id}")
    assert desktop.text("#appeal-state") == translate("zh-CN", "wf.appeal_state.open")

    page.select_option("#de-decision", "uphold")
    page.select_option("#de-field", "compliance_score")
    page.fill("#de-value", str(requested["compliance_score"]))
    page.fill("#de-reason", "复听录音，开场白与身份核实均完成，按规范改分。")
    with page.expect_navigation():
        page.click("#decide", no_wait_after=True)  # the navigation waits
    assert desktop.text("#appeal-state") == translate("zh-CN", "wf.appeal_state.upheld")
    # The correction re-scored October: the agent's old total is the published one.
    row = page.locator("#changes tbody tr", has_text=agent).first
    cells = [c.strip() for c in str(row.inner_text()).split("\t")]
    assert cells[1] == f"{before[agent]['total']:,.2f}"
    assert float(cells[2].replace(",", "")) > before[agent]["total"]
