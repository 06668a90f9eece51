"""``kefu scorecard simulate`` in each format, on the real indicator engine and a tiny centre.

Two agents answer 40 phone calls each in October; A1 resolves 30 (fcr 0.75),
A2 20 (fcr 0.5). The draft is the shipped scorecard with one grade boundary
moved, so the expectations follow from the stored run's own totals.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from kefu.cli import app
from kefu.scoring.runs import results, score_period
from kefu.scoring.scorecard import DEFAULT_SCORECARD
from tests.factories import add_records

runner = CliRunner()
OCT = "2026-10"


@pytest.fixture
def centre(ws, tmp_path):
    add_records(ws, "agents", [
        {"agent_id": a, "name": n, "team": "T1", "site": "武汉", "valid_from": date(2026, 1, 1)}
        for a, n in (("A1", "=HYPERLINK(1)"), ("A2", "李四"))
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
    score_period(ws, OCT, actor="tester")
    stored = {r.agent_id: r for r in results(ws, OCT)}
    # A draft whose lowest passing grade needs more than A2's stored total: every
    # threshold above the lowest is raised above A1's total, so both fall to the lowest grade.
    raw = yaml.safe_load(DEFAULT_SCORECARD.read_text(encoding="utf-8"))
    thresholds = raw["grades"]["thresholds"]
    lowest = min(thresholds, key=thresholds.get)
    top = max(r.total for r in stored.values())
    for grade in thresholds:
        if grade != lowest:
            thresholds[grade] = round(top + 1 + thresholds[grade] / 100, 2)
    raw["version"] = "draft"
    draft = tmp_path / "draft.yaml"
    draft.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return ws, draft, stored, lowest


def invoke(ws, *args):
    return runner.invoke(app, [*args, "--home", str(ws.home)])


def test_json_holds_current_and_draft_for_every_agent(centre):
    ws, draft, stored, lowest = centre
    done = invoke(ws, "scorecard", "simulate", str(draft), "--period", OCT, "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    rows = {r["agent_id"]: r for r in data["rows"]}
    assert set(rows) == {"A1", "A2"}
    for agent, r in rows.items():
        s = stored[agent]
        assert r["current"] == {"total": s.total, "grade": s.grade,
                                "pay_coefficient": s.pay_coefficient,
                                "rank_centre": s.rank_centre}  # fmt: skip
        assert r["draft"]["total"] == s.total and r["draft"]["grade"] == lowest
    movers = [r for r in rows.values() if r["grade_changed"]]
    assert movers  # the draft was made so that at least the best agent falls
    assert len(movers) == sum(1 for s in stored.values() if s.grade != lowest)
    for r in movers:  # no indicator moved: the sentence says so, in Chinese by default
        assert r["reasons"] == [] and "各项得分未变" in r["reason_text"]
    (summary,) = data["summary"]
    assert summary["grades_draft"] == {lowest: 2}
    assert summary["grade_changes"] == len(movers)


def test_english_reasons_on_request(centre):
    ws, draft, _, _ = centre
    args = ("scorecard", "simulate", str(draft), "-p", OCT, "-f", "json", "--lang", "en")
    data = json.loads(invoke(ws, *args).stdout)
    texts = [r["reason_text"] for r in data["rows"] if r["grade_changed"]]
    assert texts and all("no indicator's points moved" in t for t in texts)


def test_csv_neutralises_formulas_in_names(centre):
    ws, draft, _, _ = centre
    done = invoke(ws, "scorecard", "simulate", str(draft), "-p", OCT, "-f", "csv")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0].startswith("period,agent_id,name,team,current_total")
    assert any(",'=HYPERLINK(1)," in line for line in lines[1:])


def test_xlsx_is_written_and_reads_back(centre, tmp_path):
    ws, draft, stored, lowest = centre
    out = tmp_path / "sim.xlsx"
    done = invoke(ws, "scorecard", "simulate", str(draft), "-p", OCT, "-f", "xlsx", "-o", str(out))
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(out)
    sheet = book["agents"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    by = {r["agent_id"]: r for r in rows}
    assert by["A1"]["name"] == "=HYPERLINK(1)"  # text, not a formula
    assert sheet.cell(row=2, column=1).data_type == "s"
    for agent, s in stored.items():
        assert by[agent]["current_total"] == pytest.approx(s.total)
        assert by[agent]["current_grade"] == s.grade and by[agent]["draft_grade"] == lowest
    summary = [c.value for c in book["summary"][2]]
    assert summary[0] == OCT


def test_xlsx_needs_an_output_file(centre):
    ws, draft, _, _ = centre
    done = invoke(ws, "scorecard", "simulate", str(draft), "-p", OCT, "-f", "xlsx")
    assert done.exit_code != 0
    assert "--output" in str(done.exception)  # kefu's main() prints it as a usage error


def test_table_lists_the_summary_and_the_movers(centre):
    ws, draft, _, _ = centre
    done = invoke(ws, "scorecard", "simulate", str(draft), "-p", OCT)
    assert done.exit_code == 0, done.output
    assert "summary" in done.stdout and OCT in done.stdout


def test_an_invalid_draft_lists_its_issues(centre, tmp_path):
    ws, _, _, _ = centre
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    done = invoke(ws, "scorecard", "simulate", str(bad), "-p", OCT)
    assert done.exit_code == 1
    assert "issue" in done.output
