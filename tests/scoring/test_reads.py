"""A stored run's look-ups for pages: computed once per run, equal to a scan of its rows."""

from __future__ import annotations

from kefu.reports.explain import explained
from kefu.scoring.inputs import Assignment
from kefu.scoring.reads import RunRows
from kefu.scoring.registry import save_scorecard, workspace_scorecards
from kefu.scoring.result_model import AgentResult, Standing, agent_result
from tests.scoring.helpers import SIMPLE, card


def _result(agent: str, team: str, total: float, grade: str, content_hash: str) -> AgentResult:
    return agent_result(
        "2026-10", Assignment(agent, agent, team, "S1"),
        {"name": "card", "version": "1", "content_hash": content_hash},
        Standing(grade, grade, 1.0, 1, 1, 1, ()),
        total=total, bonus=0.0, penalty=0.0, vetoes=[], indicators=(), dimensions=(),
        bonus_items=[], penalty_items=[], reasons=[],
    )  # fmt: skip


ROWS = [
    _result("A1", "T2", 90.0, "A", "h1"),
    _result("A2", "T1", 80.0, "B", "h1"),
    _result("A3", "T2", 70.0, "B", "h2"),
    _result("A4", "", 60.0, "C", "h1"),
]


def test_a_run_knows_its_teams_and_the_results_of_each_scorecard():
    stored = RunRows.of(7, ROWS)
    assert stored.teams == ["", "T1", "T2"]
    assert [r.agent_id for r in stored.team("T2")] == ["A1", "A3"]
    assert [r.agent_id for r in stored.scored_by("h1")] == ["A1", "A2", "A4"]
    assert [r.agent_id for r in stored.scored_by("h2")] == ["A3"]
    assert stored.scored_by("other") == []
    assert stored.team_means == {"T2": 80.0, "T1": 80.0, "": 60.0}


def test_a_figure_derived_from_a_run_is_computed_once():
    stored = RunRows.of(7, ROWS)
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(stored.rows)

    assert stored.once("heads", count) == 4
    assert stored.once("heads", count) == 4
    assert calls == [1]


def test_grade_reasons_from_the_run_equal_those_from_a_scan_of_its_rows(ws):
    saved, _, _ = save_scorecard(ws, card(SIMPLE), actor="test")
    rows = [_result(r.agent_id, r.team or "", r.total, str(r.grade), saved.content_hash)
            for r in ROWS]  # fmt: skip
    stored = RunRows.of(7, rows)
    from_run = explained(ws, stored, rows[:2], "zh-CN")
    from_scan = explained(ws, rows, rows[:2], "zh-CN")
    assert from_run == from_scan
    assert explained(ws, stored, rows[:2], "zh-CN") == from_scan  # the kept sizes again


def test_a_changed_scorecard_file_is_read_again_and_an_unchanged_one_is_not(ws):
    _, _, path = save_scorecard(ws, card(SIMPLE), actor="test")
    first = workspace_scorecards(ws)
    assert workspace_scorecards(ws) is first
    text = path.read_text(encoding="utf-8")
    assert "target: 0.9" in text
    path.write_text(text.replace("target: 0.9", "target: 0.85", 1), encoding="utf-8")
    changed = workspace_scorecards(ws)
    assert changed is not first
    fcr = next(i for d in changed.default.dimensions for i in d.indicators if i.id == "fcr_rate")
    assert fcr.target == 0.85
