"""A scorecard's targets, thresholds, bands and steps are in the indicator's own unit.

``target: 95`` for csat_rate (a rate, 0–1) would make every agent miss the target
and score zero on it; such a card is refused with the fix as its hint, in the CLI,
the web editor and the API.
"""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from kefu.cli import app
from kefu.scoring.scorecard import DEFAULT_SCORECARD
from kefu.scoring.validation import validate
from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.support import make_web

CSAT = "{id: csat_rate, weight: 14, direction: higher_better, target: 0.95, threshold: 0.75"
CSAT_PATH = "dimensions[2](satisfaction).indicators[0](csat_rate)"


def card(*replacements: tuple[str, str]) -> str:
    text = DEFAULT_SCORECARD.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def issues(text: str) -> list[str]:
    return [str(i) for i in validate(yaml.safe_load(text))]


PERCENT = card((CSAT, CSAT.replace("target: 0.95, threshold: 0.75", "target: 95, threshold: 75")))


def test_a_rate_written_as_a_percentage_is_refused_with_the_fix() -> None:
    assert issues(PERCENT) == [
        f"{CSAT_PATH}.target: 95 looks like a percentage: write a rate as 0.95",
        f"{CSAT_PATH}.threshold: 75 looks like a percentage: write a rate as 0.75",
    ]


def test_each_unit_has_its_range() -> None:
    text = card(
        ("band: [180, 420]", "band: [-10, 420]"),  # aht_avg: seconds, 0 or more
        ("target: 60, threshold: 0", "target: 150, threshold: -100"),  # nps: -100…100
        ("target: 0.02, threshold: 0.1", "target: 0.02, threshold: 140"),  # a rate, not %
        ("{indicator: fcr_rate, below: 0.7", "{indicator: fcr_rate, below: 70"),
    )
    assert sorted(issues(text)) == sorted([
        "dimensions[0](efficiency).indicators[1](aht_avg).band[0]: -10 is outside what aht_avg "
        "can be: 0 or more",
        "dimensions[2](satisfaction).indicators[1](nps).target: 150 is outside what nps can be: "
        "-100 to 100",
        "dimensions[2](satisfaction).indicators[2](negative_review_rate).threshold: 140 is "
        "outside what negative_review_rate can be: 0 to 1",
        "monitor.alerts[2].below: 70 looks like a percentage: write a rate as 0.7",
    ])  # fmt: skip


def test_scores_on_their_own_scale_and_the_ends_of_a_range_are_allowed() -> None:
    mean = "{id: csat_mean, weight: 0, direction: band, band: [1, 7]}"
    text = card((CSAT, mean + "\n      - " + CSAT))
    assert issues(text) == [
        "dimensions[2](satisfaction).indicators[0](csat_mean).band[1]: 7 is outside what "
        "csat_mean can be: 1 to 5"
    ]
    edges = card((CSAT, CSAT.replace("target: 0.95, threshold: 0.75", "target: 1, threshold: 0")))
    assert issues(edges) == []
    steps = card(
        ("direction: band, band: [180, 420], tolerance: 120",
         "steps: [{max: -5, share: 1}, {share: 0}]"),
    )  # fmt: skip
    assert issues(steps) == [
        "dimensions[0](efficiency).indicators[1](aht_avg).steps[0].max: -5 is outside what "
        "aht_avg can be: 0 or more"
    ]


def test_scorecard_check_refuses_a_percentage_target(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "percent.yaml"
    bad.write_text(PERCENT, encoding="utf-8")
    result = CliRunner().invoke(app, ["scorecard", "check", str(bad)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "2 issue(s)" in said
    assert "target: 95 looks like a percentage: write a rate as 0.95" in said


def test_the_editor_and_the_api_refuse_it_in_the_user_s_language(ws: Workspace) -> None:
    web = make_web(ws)
    client = web.login("mgr", Role.manager)
    token = web.csrf(client, "/scorecards")
    page = client.post("/scorecards", data={"content": PERCENT, "csrf_token": token})
    assert page.status_code == 400
    assert "95 像是百分数：比例请写 0.95" in page.text
    assert "75 像是百分数：比例请写 0.75" in page.text
    api = client.post("/api/v1/scorecards", json={"content": PERCENT},
                      headers={"X-CSRF-Token": token})  # fmt: skip
    assert api.status_code == 422
    messages = {i["path"]: i["message"] for i in api.json()["error"]["issues"]}
    assert messages[f"{CSAT_PATH}.target"] == "95 looks like a percentage: write a rate as 0.95"
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": token})
    page = client.post("/scorecards", data={"content": PERCENT, "csrf_token": token})
    assert "95 looks like a percentage: write a rate as 0.95" in page.text
