"""The views' typed models: what a page reads beyond the API's answer stays out of the JSON."""

from __future__ import annotations

from kefu.web.views.models import (
    AlertsView,
    AlertView,
    ApplicationRow,
    ApplicationsView,
    OverviewView,
    RunPublic,
)

RUN = RunPublic(
    period="2026-10", status="scored", run_id=3, revision=None, created_at=None,
    created_by="li", published_at=None,
)  # fmt: skip


def _alert(rule: str, limit: float | list[float]) -> AlertView:
    return AlertView(
        level="agent", key="A1", name="张三", team="T1", watch="aht_avg", value=512.0,
        severity="warning", message="aht_avg is 512 (alert at 420)", rule=rule, limit=limit,
    )  # fmt: skip


def test_the_overview_page_keeps_each_alerts_rule_and_limit_the_api_answer_does_not() -> None:
    alerts = AlertsView(
        date="2026-10-07", alerts=[_alert("above", 420), _alert("outside", [180, 420])]
    )
    view = OverviewView(
        run=RUN, scope_level="centre", scope_key="centre", indicators=[], grades=[], teams=[],
        alerts=alerts,
    )  # fmt: skip
    # The page explains an alert from its rule and limit (pages.alert_rules.<rule>).
    assert [(a.rule, a.limit) for a in view.alerts.alerts] == [
        ("above", 420.0),
        ("outside", [180.0, 420.0]),
    ]
    answer = view.public().model_dump(mode="json")
    assert answer["alerts"]["date"] == "2026-10-07"
    assert [set(a) for a in answer["alerts"]["alerts"]] == [
        {"level", "key", "name", "team", "watch", "value", "severity", "message"}
    ] * 2
    assert answer["run"]["run_id"] == 3


def test_the_applications_answer_drops_the_grade_reason_and_training_detail() -> None:
    row = ApplicationRow(
        agent_id="A2", name="李四", team="T1", site="S1", period="2026-10", total=40.0,
        grade="D", pay_coefficient=0.5, promotion_candidate=False, qualifying_months=[],
        training=["quality"], improvement_plan_required=True,
        training_detail=[{"dimension": "quality", "name": {"zh": "服务质量", "en": "Quality"}}],
        grade_reason="总分 40.00 低于 D 线",
    )  # fmt: skip
    view = ApplicationsView(period="2026-10", run=RUN, agents=[row], distribution=[])
    agent = view.public().model_dump()["agents"][0]
    assert "grade_reason" not in agent and "training_detail" not in agent
    assert (agent["grade"], agent["training"]) == ("D", ["quality"])


def test_a_typed_alert_reads_as_the_monitors_dict_does_on_the_pages() -> None:
    from kefu.web.pages import _alert_text

    for alert in (_alert("above", 420), _alert("outside", [180, 420])):
        assert _alert_text(alert, "zh-CN") == _alert_text(alert.model_dump(), "zh-CN")
        assert _alert_text(alert, "en") == _alert_text(alert.model_dump(), "en")
    # Both limits of an "outside" alert are named, in the page's language.
    text = _alert_text(_alert("outside", [180, 420]), "en")
    assert "180" in text and "420" in text
