"""Invariants of the overview's aggregations, for any set of visible results."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.periods import Period
from kefu.reports.meta import ReportMeta, ScorecardMeta
from kefu.scoring.runs import RunStatus
from kefu.web.views.appraisal import ResultsView, grade_distribution, team_ranking
from tests.scoring.helpers import result

GRADES = ("S", "A", "B", "C", "D")

rows = st.lists(
    st.fixed_dictionaries(
        {
            "team": st.sampled_from(["T1", "T2", "T3", ""]),
            "total": st.floats(min_value=0, max_value=110, allow_nan=False),
            "grade": st.sampled_from(GRADES),
        }
    ),
    max_size=40,
)


def view_of(found: list[dict]) -> ResultsView:
    results = [result(agent_id=f"A{i}", **r) for i, r in enumerate(found)]
    meta = ReportMeta.of(ScorecardMeta("card", "1", (), {}, GRADES))
    return ResultsView(Period.parse("2026-10"), None, RunStatus.SCORED, results, results, meta)


@given(rows)
def test_team_ranking_is_a_ranking_by_mean_total(results: list[dict]) -> None:
    teams = team_ranking(view_of(results))
    assert [t.rank for t in teams] == list(range(1, len(teams) + 1))
    means = [t.mean_total for t in teams]
    assert means == sorted(means, reverse=True)
    assert sum(t.agents for t in teams) == len(results)
    for t in teams:
        members = [r["total"] for r in results if r["team"] == t.team]
        assert t.mean_total is not None
        assert t.mean_total * len(members) == pytest.approx(sum(members))
        assert sum(t.grades.values()) == len(members)


@given(rows)
def test_grade_distribution_counts_every_agent_once_in_grade_order(results: list[dict]) -> None:
    counts = grade_distribution(view_of(results))
    assert [c.grade for c in counts] == list(GRADES)
    assert sum(c.agents for c in counts) == len(results)
