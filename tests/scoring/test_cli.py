"""The scoring commands end to end, on the real indicator engine and a tiny centre."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from kefu.cli import app
from kefu.scoring.scorecard import DEFAULT_SCORECARD
from tests.factories import add_records

runner = CliRunner()


@pytest.fixture
def centre(ws):
    add_records(ws, "agents", [
        {"agent_id": a, "name": n, "team": "T1", "site": "武汉", "valid_from": date(2026, 1, 1)}
        for a, n in (("A1", "张三"), ("A2", "李四"))
    ])  # fmt: skip
    rows = []
    for i, agent in enumerate(("A1", "A2")):
        for k in range(40):
            t = datetime(2026, 10, 2, 1) + timedelta(hours=3 * k)
            rows.append({
                "contact_id": f"{agent}-{k}", "channel": "phone", "agent_id": agent,
                "customer_id": f"{agent}-c{k}", "offered_at": t,
                "answered_at": t + timedelta(seconds=10), "talk_seconds": 250 + 100 * i,
                "resolved": k % 4 != 0 if i == 0 else k % 2 != 0,
            })  # fmt: skip
    add_records(ws, "contacts", rows)
    return ws


def invoke(ws, *args):
    result = runner.invoke(app, [*args, "--home", str(ws.home)])
    return result


def test_score_json_has_the_documented_shape(centre):
    result = invoke(centre, "score", "--period", "2026-10", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["agent_id"] for r in rows] == ["A1", "A2"]
    keys = {
        "agent_id", "name", "team", "site", "period", "scorecard", "total", "grade", "rank_team",
        "rank_site", "rank_centre", "bonus", "penalty", "vetoes", "indicators", "dimensions",
    }  # fmt: skip
    assert keys <= set(rows[0])
    assert set(rows[0]["scorecard"]) >= {"name", "version"}
    ind = rows[0]["indicators"][0]
    assert {"indicator", "value", "weight", "share", "points", "status", "reason"} <= set(ind)
    assert {"id", "points", "weight"} <= set(rows[0]["dimensions"][0])
    fcr = {
        r["agent_id"]: next(i for i in r["indicators"] if i["indicator"] == "fcr_rate")
        for r in rows
    }
    # A1 unresolved every 4th of 40 contacts: 30/40; A2 every 2nd: 20/40
    assert fcr["A1"]["value"] == pytest.approx(30 / 40)
    assert fcr["A2"]["value"] == pytest.approx(20 / 40)
    # default scorecard: fcr_rate weight 12, target 0.85, threshold 0.6; every other indicator
    # without data gives its weight away, so fcr weighs 12 × 100 / (sum of scored weights)
    scored = sum(i["weight"] for i in rows[0]["indicators"] if i["status"] == "ok")
    assert fcr["A1"]["points"] == pytest.approx(12 * 100 / scored * (0.75 - 0.6) / 0.25)


def test_score_table_and_csv(centre):
    table = invoke(centre, "score", "-p", "2026-10")
    assert table.exit_code == 0 and "张三" in table.stdout
    csv = invoke(centre, "score", "-p", "2026-10", "-f", "csv")
    header = csv.stdout.splitlines()[0].split(",")
    assert header[:8] == [
        "agent_id",
        "name",
        "team",
        "site",
        "period",
        "scorecard",
        "version",
        "total",
    ]
    assert "fcr_rate.points" in header


def test_publish_then_applications(centre):
    assert invoke(centre, "score", "-p", "2026-10").exit_code == 0
    published = invoke(centre, "publish", "-p", "2026-10")
    assert published.exit_code == 0 and "published" in published.stdout
    again = invoke(centre, "publish", "-p", "2026-10")
    assert again.exit_code == 1 and "already published" in str(again.exception or again.output)
    apps = invoke(centre, "applications", "-p", "2026-10", "-f", "json")
    assert apps.exit_code == 0
    assert {r["agent_id"] for r in json.loads(apps.stdout)} == {"A1", "A2"}
    dist = invoke(centre, "applications", "-p", "2026-10", "--distribution", "-f", "json")
    assert json.loads(dist.stdout)[-1]["agents"] == 2


def test_scorecard_check_lists_every_issue(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = DEFAULT_SCORECARD.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("weight: 12", "weight: 10").replace("band: [180, 420]", "band: [420, 180]"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scorecard", "check", str(bad)])
    assert result.exit_code == 1
    assert "3 issue(s)" in result.output
    assert "they sum to 98" in result.output
    ok = runner.invoke(app, ["scorecard", "check", str(DEFAULT_SCORECARD)])
    assert ok.exit_code == 0 and "OK" in ok.output


def test_scorecard_add_show_and_targets(centre, tmp_path):
    src = tmp_path / "hotline.yaml"
    src.write_text(DEFAULT_SCORECARD.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke(centre, "scorecard", "add", str(src)).exit_code == 0
    shown = invoke(centre, "scorecard", "show", "-f", "json")
    assert json.loads(shown.stdout)["name"] == "热线客服月度考核"
    assert invoke(centre, "score", "-p", "2026-10").exit_code == 0
    out = tmp_path / "suggested.yaml"
    result = invoke(
        centre, "targets", "suggest", "--months", "1", "--write", str(out), "-f", "json"
    )
    assert result.exit_code == 0, result.output
    fcr = next(r for r in json.loads(result.stdout) if r["indicator"] == "fcr_rate")
    assert fcr["current_target"] == 0.85
    assert fcr["suggested_target"] == 0.85  # P75 of 0.5 and 0.75 is easier: kept
    assert out.exists()


def test_monitor_json(centre):
    result = invoke(centre, "monitor", "--date", "2026-10-02", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {r["key"] for r in data["rows"]} == {"A1", "A2", "T1"}


def test_unscored_period_is_one_clear_error(centre):
    result = invoke(centre, "publish", "-p", "2026-09")
    assert result.exit_code == 1
