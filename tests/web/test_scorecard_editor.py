"""The scorecard editor: live checks by key path in the page's language, the form's
model and the YAML kept as one document, and saving or activating what was edited."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kefu.scoring.models import ScorecardVersion
from kefu.scoring.registry import workspace_scorecards
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import Web, make_web

EFFICIENCY_WEIGHT = "dimensions[0](efficiency).weight"
FCR = "dimensions[0](efficiency).indicators[2](fcr_rate)"


@pytest.fixture
def app(ws: Workspace) -> Web:
    return make_web(ws)


def _manager(app: Web) -> tuple[TestClient, dict[str, str]]:
    client = app.login("mgr", Role.manager)
    return client, {"X-CSRF-Token": app.csrf(client, "/scorecards/edit")}


def _default_text(app: Web) -> str:
    return workspace_scorecards(app.ws).default.source_text


def _heavier_fcr(app: Web) -> str:
    # fcr_rate 12 → 14: efficiency's indicators then sum to 32 and all of them to 102.
    text = _default_text(app)
    changed = text.replace("id: fcr_rate, weight: 12", "id: fcr_rate, weight: 14")
    assert changed != text
    return changed


def _check(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/scorecards/check", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def _issues(found: dict[str, Any]) -> dict[str, str]:
    return {i["key_path"]: i["message"] for i in found["issues"]}


def _versions(ws: Workspace) -> int:
    with ws.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ScorecardVersion)) or 0)


def test_the_active_scorecard_checks_clean_with_its_model(app: Web) -> None:
    client, headers = _manager(app)
    found = _check(client, headers, yaml=_default_text(app))
    assert found["valid"] is True and found["issues"] == []
    assert found["model"]["dimensions"][0]["id"] == "efficiency"
    assert found["model"]["grades"]["thresholds"] == {"S": 95, "A": 85, "B": 70, "C": 60, "D": 0}


def test_a_changed_weight_is_named_by_key_path_in_chinese(app: Web) -> None:
    client, headers = _manager(app)
    found = _check(client, headers, yaml=_heavier_fcr(app), locale="zh-CN")
    issues = _issues(found)
    assert found["valid"] is False
    assert issues[EFFICIENCY_WEIGHT] == "维度权重为 30，但其指标权重之和为 32"
    assert issues["dimensions"] == "全部指标权重之和必须为 100，当前为 102"


def test_a_changed_weight_is_named_by_key_path_in_english(app: Web) -> None:
    client, headers = _manager(app)
    issues = _issues(_check(client, headers, yaml=_heavier_fcr(app), locale="en"))
    assert issues[EFFICIENCY_WEIGHT] == (
        "the dimension weight is 30 but its indicator weights sum to 32"
    )
    assert issues["dimensions"] == "indicator weights must sum to 100; they sum to 102"


def test_the_users_language_is_the_default(app: Web) -> None:
    client, headers = _manager(app)
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": headers["X-CSRF-Token"]})
    issues = _issues(_check(client, headers, yaml=_heavier_fcr(app)))
    assert issues["dimensions"].startswith("indicator weights must sum to 100")


def test_a_form_model_gets_its_issues_and_its_yaml(app: Web) -> None:
    client, headers = _manager(app)
    model = _check(client, headers, yaml=_default_text(app))["model"]
    fcr = model["dimensions"][0]["indicators"][2]
    fcr["target"], fcr["threshold"] = 0.5, 0.6  # higher_better with the target below
    found = _check(client, headers, model=model, locale="zh-CN")
    assert _issues(found)[FCR] == "越高越好：目标值（0.5）必须高于门槛值（0.6）"
    # The YAML the form shows reads back into the same model.
    again = _check(client, headers, yaml=found["normalised_yaml"])
    assert again["model"] == found["model"] == model


def test_a_missing_target_is_said_with_the_fields_name(app: Web) -> None:
    client, headers = _manager(app)
    model = _check(client, headers, yaml=_default_text(app))["model"]
    del model["dimensions"][0]["indicators"][2]["target"]
    found = _check(client, headers, model=model, locale="zh-CN")
    assert _issues(found)[f"{FCR}.target"] == "此指标需要填写 目标值"


def test_text_where_a_number_belongs_is_said_in_chinese(app: Web) -> None:
    client, headers = _manager(app)
    model = _check(client, headers, yaml=_default_text(app))["model"]
    model["dimensions"][0]["indicators"][2]["weight"] = "十二"
    found = _check(client, headers, model=model, locale="zh-CN")
    assert _issues(found)[f"{FCR}.weight"] == "此处需要一个数字"


def test_unreadable_yaml_names_its_line_and_gives_no_model(app: Web) -> None:
    client, headers = _manager(app)
    found = _check(client, headers, yaml="name: x\nversion: [1\n", locale="zh-CN")
    assert found["model"] is None and found["normalised_yaml"] is None
    assert found["issues"] == [{"key_path": "", "message": "YAML 格式错误，位于第 3 行"}]


@pytest.mark.parametrize("body", [{}, {"yaml": "name: x\n", "model": {"name": "x"}}])
def test_a_check_takes_exactly_one_document(app: Web, body: dict[str, Any]) -> None:
    client, headers = _manager(app)
    answer = client.post("/api/v1/scorecards/check", json=body, headers=headers)
    assert answer.status_code == 422


def test_checking_stores_nothing_however_often(app: Web) -> None:
    client, headers = _manager(app)
    before = _versions(app.ws)
    first = _check(client, headers, yaml=_heavier_fcr(app))
    second = _check(client, headers, yaml=_heavier_fcr(app))
    assert first == second
    assert _versions(app.ws) == before


def test_a_check_without_the_csrf_token_is_refused(app: Web) -> None:
    client, _ = _manager(app)
    answer = client.post("/api/v1/scorecards/check", json={"yaml": "name: x\n"})
    assert answer.status_code == 403


def test_the_editor_page_starts_from_the_active_scorecard(app: Web) -> None:
    client, _ = _manager(app)
    page = client.get("/scorecards/edit")
    assert page.status_code == 200
    assert "编辑考核方案" in page.text and 'id="scorecard-editor"' in page.text
    assert "热线客服月度考核" in page.text and "scorecard-edit.js" in page.text


def test_the_editor_page_speaks_english_to_an_english_user(app: Web) -> None:
    client, headers = _manager(app)
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": headers["X-CSRF-Token"]})
    page = client.get("/scorecards/edit")
    assert "Edit the scorecard" in page.text and "Try it" in page.text
    found = re.search(r'data-editor="([^"]*)"', page.text)
    assert found is not None
    payload = json.loads(unescape(found.group(1)))
    # What the script writes on the page: no Chinese in its messages or indicator names.
    han = re.compile(r"[\u4e00-\u9fff]")
    assert not [m for m in payload["messages"].values() if han.search(m)]
    assert not [i["name"] for i in payload["indicators"] if han.search(i["name"])]


def test_the_editor_page_starts_from_a_stored_version(app: Web) -> None:
    client, headers = _manager(app)
    text = _default_text(app).replace('version: "2026.1"', 'version: "2026.7"')
    created = client.post("/api/v1/scorecards", json={"content": text}, headers=headers)
    assert created.status_code == 201, created.text
    page = client.get(f"/scorecards/{created.json()['id']}/edit")
    assert page.status_code == 200 and "2026.7" in page.text
    assert client.get("/scorecards/999999/edit").status_code == 404


def test_an_edited_draft_is_saved_as_a_new_version_then_activated(app: Web) -> None:
    client, headers = _manager(app)
    model = _check(client, headers, yaml=_default_text(app))["model"]
    efficiency = model["dimensions"][0]["indicators"]
    efficiency[2]["weight"], efficiency[3]["weight"] = 14, 4  # fcr up, on-time down
    model["version"] = "2026.2"
    draft = _check(client, headers, model=model)
    assert draft["valid"] is True
    saved = client.post(
        "/api/v1/scorecards", json={"content": draft["normalised_yaml"]}, headers=headers
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == "2026.2" and saved.json()["active"] is False
    # The same draft saved twice is the same version: nothing else moves.
    twice = client.post(
        "/api/v1/scorecards", json={"content": draft["normalised_yaml"]}, headers=headers
    )
    assert twice.json()["id"] == saved.json()["id"]
    activated = client.post(f"/api/v1/scorecards/{saved.json()['id']}/activate", headers=headers)
    assert activated.status_code == 200 and activated.json()["active"] is True
    card = workspace_scorecards(app.ws).default
    weights = {r.id: r.weight for _, r in card.rules}
    assert (weights["fcr_rate"], weights["ticket_ontime_rate"]) == (14, 4)


# HR must enrol two factors first; the authorisation matrix covers every role.
@pytest.mark.parametrize("role", [Role.agent, Role.supervisor, Role.qa])
def test_only_managers_and_admins_use_the_editor(app: Web, role: Role) -> None:
    client = app.login(f"u-{role}", role)
    token = app.csrf(client, "/account")
    assert client.get("/scorecards/edit").status_code == 403
    answer = client.post(
        "/api/v1/scorecards/check", json={"yaml": "name: x\n"}, headers={"X-CSRF-Token": token}
    )
    assert answer.status_code == 403
