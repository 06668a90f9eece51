"""The what-if simulation scores a draft exactly as a run would, and stores nothing.

Expectations are worked by hand in :mod:`tests.scoring.simulation_data`.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kefu.audit import AuditEntry
from kefu.errors import UsageError
from kefu.scoring.models import ScorecardVersion, ScoringResult, ScoringRun
from kefu.scoring.runs import results
from kefu.scoring.simulation import (
    Outcome,
    Reason,
    reweighted,
    sensitivity,
    simulate,
    simulated_results,
)
from kefu.scoring.simulation import reasons as simulation_reasons
from kefu.scoring.storing import serialise
from tests.scoring.simulation_data import BASE, OCT, base_card, build


@pytest.fixture
def centre(ws):
    return ws, build(ws)


def outcome(total, grade, pay, rank):
    # Totals are stored unrounded: 100 × 0.875 is 87.49999999999999 in floating point.
    return Outcome(pytest.approx(total), grade, pay, rank)


def reason(indicator, before, after):
    return Reason(indicator, pytest.approx(before), pytest.approx(after))


def by_agent(sim):
    return {r.agent_id: r for r in sim.rows}


def test_the_stored_runs_scorecard_gives_the_stored_results_to_the_last_digit(centre):
    ws, eng = centre
    stored = {r.agent_id: r for r in results(ws, OCT)}
    again = {r.agent_id: r for r in simulated_results(ws, base_card(), OCT, compute=eng)}
    assert set(again) == set(stored) == {"A1", "A2", "A3", "A4", "A5", "B1", "B2"}
    for agent, result in stored.items():
        # Every field, as stored: the canonical JSON of the whole result.
        assert serialise(again[agent]) == serialise(result), agent


def test_simulating_the_stored_scorecard_moves_nobody(centre):
    ws, eng = centre
    sim = simulate(ws, base_card(), [OCT], compute=eng)
    stored = {r.agent_id: r for r in results(ws, OCT)}
    for row in sim.rows:
        s = stored[row.agent_id]
        expected = Outcome(s.total, s.grade, s.pay_coefficient, s.rank_centre)
        assert row.current == row.draft == expected
        assert row.reasons == () and not row.grade_changed
    summary = sim.summary[OCT]
    assert summary.grade_changes == 0 and summary.agents == 7
    assert summary.baseline.startswith("run ")


def test_the_fixture_exercises_veto_bonus_cap_small_sample_and_distribution(centre):
    ws, eng = centre
    rows = by_agent(simulate(ws, base_card(), [OCT], compute=eng))
    # Worked by hand (see simulation_data): the rules a real run applies.
    assert rows["A1"].draft == outcome(103.0, "C", 0.8, 1)  # bonus capped at 3, vetoed A → C
    assert rows["A5"].draft == outcome(87.5, "B", 1.0, 3)  # csat's weight redistributed
    assert rows["A2"].draft == outcome(70.0, "B", 1.0, 4)
    assert rows["A3"].draft == outcome(65.0, "B", 1.0, 5)
    assert rows["A4"].draft == outcome(55.0, "C", 0.8, 6)  # forced distribution's last
    assert rows["B1"].draft == outcome(100.0, "A", 1.2, 2)  # T2 too small: thresholds
    assert rows["B2"].draft == outcome(55.0, "C", 0.8, 6)


def test_a_changed_weight_moves_the_grades_worked_by_hand(centre):
    ws, eng = centre
    draft = base_card(
        BASE.replace("fcr_rate, weight: 60", "fcr_rate, weight: 40").replace(
            "csat_rate, weight: 40", "csat_rate, weight: 60"
        ),
        version="2",
    )
    sim = simulate(ws, draft, [OCT], compute=eng)
    rows = by_agent(sim)
    # fcr 40, csat 60: A2 40 + 15 = 55, A3 20 + 52.5 = 72.5, A4 10 + 60 = 70, B2 10 + 60 = 70.
    # T1 by distribution: A1 103 (A, veto C), A5 87.5 B, A3 72.5 B, A4 70 B, A2 55 C.
    assert rows["A2"].draft == outcome(55.0, "C", 0.8, 7)
    assert rows["A3"].draft == outcome(72.5, "B", 1.0, 4)
    assert rows["A4"].draft == outcome(70.0, "B", 1.0, 5)
    assert rows["B2"].draft == outcome(70.0, "B", 1.0, 5)
    assert rows["A1"].draft == outcome(103.0, "C", 0.8, 1)
    assert {r.agent_id for r in sim.movers()} == {"A2", "A4", "B2"}
    assert rows["A2"].reasons == (reason("fcr_rate", 60.0, 40.0), reason("csat_rate", 10.0, 15.0))
    assert rows["A4"].reasons == (reason("csat_rate", 40.0, 60.0), reason("fcr_rate", 15.0, 10.0))
    assert rows["A3"].reasons == ()  # total moved, grade did not
    summary = sim.summary[OCT]
    assert summary.grades_current == {"A": 1, "B": 3, "C": 3}
    assert summary.grades_draft == {"A": 1, "B": 4, "C": 2}
    assert summary.pay_sum_current == pytest.approx(6.6)
    assert summary.pay_sum_draft == pytest.approx(6.8)
    assert summary.grade_changes == 3


def test_a_new_veto_caps_only_the_agents_with_the_event(centre):
    ws, eng = centre
    draft = base_card(
        BASE.replace(
            "veto:\n", "veto:\n  - {event: complaint, where: {severity: major}, cap_grade: C}\n"
        ),
        version="2",
    )
    sim = simulate(ws, draft, [OCT], compute=eng)
    rows = by_agent(sim)
    # A5's upheld major complaint: B capped to C; nobody else has the event.
    assert [r.agent_id for r in sim.movers()] == ["A5"]
    assert rows["A5"].current == outcome(87.5, "B", 1.0, 3)
    assert rows["A5"].draft == outcome(87.5, "C", 0.8, 3)
    assert rows["A5"].reasons == ()
    assert rows["A5"].new_vetoes == (("complaint", "C"),)
    assert sim.summary[OCT].pay_sum_draft == pytest.approx(6.6 - 0.2)


def test_a_changed_forced_distribution_regrades_the_team(centre):
    ws, eng = centre
    draft = base_card(BASE.replace("{A: 0.2, B: 0.6, C: 0.2}", "{A: 0.4, B: 0.4, C: 0.2}"))
    sim = simulate(ws, draft, [OCT], compute=eng)
    rows = by_agent(sim)
    # Quotas of five: A 2, B 2, C 1. A1 103 A (veto C), A5 87.5 A, A2 70 B, A3 65 B, A4 C.
    assert [r.agent_id for r in sim.movers()] == ["A5"]
    assert rows["A5"].draft == outcome(87.5, "A", 1.2, 3)
    assert rows["A1"].draft.grade == "C" and rows["A4"].draft.grade == "C"
    assert rows["B1"].draft.grade == "A"  # T2 still below the minimum population
    assert sim.summary[OCT].grades_draft == {"A": 2, "B": 2, "C": 3}


def test_nothing_is_stored_and_twice_gives_the_same(centre):
    ws, eng = centre
    draft = base_card(BASE.replace("target: 0.9, threshold: 0.5", "target: 0.95, threshold: 0.5"))

    def counts():
        with ws.db.session() as s:
            return [
                s.scalar(select(func.count()).select_from(t))
                for t in (ScoringRun, ScoringResult, ScorecardVersion, AuditEntry)
            ]

    before = counts()
    first = simulate(ws, draft, [OCT], compute=eng).to_json()
    second = simulate(ws, draft, [OCT], compute=eng).to_json()
    sens_first = sensitivity(ws, draft, [OCT], compute=eng).to_json()
    sens_second = sensitivity(ws, draft, [OCT], compute=eng).to_json()
    assert counts() == before
    assert first == second and sens_first == sens_second


def test_the_json_has_one_object_per_agent_and_period_and_a_summary_per_period(centre):
    ws, eng = centre
    data = simulate(ws, base_card(), [OCT], compute=eng).to_json()
    row = data["rows"][0]
    assert {"agent_id", "period", "current", "draft"} <= set(row)
    assert set(row["draft"]) == {"total", "grade", "pay_coefficient", "rank_centre"}
    assert [s["period"] for s in data["summary"]] == [OCT]
    assert {"grades_current", "grades_draft", "pay_sum_current", "pay_sum_draft",
            "grade_changes"} <= set(data["summary"][0])  # fmt: skip


def test_only_months_can_be_simulated(centre):
    ws, eng = centre
    with pytest.raises(UsageError):
        simulate(ws, base_card(), ["2026-Q4"], compute=eng)
    with pytest.raises(UsageError):
        simulate(ws, base_card(), [], compute=eng)


def test_a_weight_step_rescales_the_other_weights_to_keep_the_total():
    card = base_card()
    up = reweighted(card, "fcr_rate", 5)
    assert [r.weight for _, r in up.rules] == [65.0, 35.0]
    down = reweighted(card, "csat_rate", -5)
    assert [r.weight for _, r in down.rules] == [65.0, 35.0]


def test_sensitivity_counts_grade_changes_and_target_shares(centre):
    ws, eng = centre
    sens = sensitivity(ws, base_card(), [OCT], compute=eng)
    by = {i.indicator_id: i for i in sens.indicators}
    # fcr 65 / csat 35: A2 65 + 35 × 0.25 = 73.75, A3 32.5 + 30.625 = 63.125,
    # A4 16.25 + 35 = 51.25, B2 16.25 + 35 = 51.25: no grade crosses.
    # fcr 55 / csat 45: A2 55 + 11.25 = 66.25, A3 27.5 + 39.375 = 66.875 (A3 above A2, both
    # B), A4 13.75 + 45 = 58.75 (still last: C), B2 58.75 (C): none either.
    assert (by["fcr_rate"].minus, by["fcr_rate"].plus) == (0, 0)
    # csat is the same two cards the other way round.
    assert (by["csat_rate"].minus, by["csat_rate"].plus) == (0, 0)
    shares = {t.indicator_id: t.shares[OCT] for t in sens.targets}
    # fcr ≥ 0.9: A1, A2, B1 of seven; csat ≥ 0.9: A1, A4, B1, B2 of seven (A5's 0.5 counts).
    assert shares["fcr_rate"] == pytest.approx(3 / 7)
    assert shares["csat_rate"] == pytest.approx(4 / 7)


def test_sensitivity_finds_the_grade_a_five_point_move_would_cross(centre):
    ws, eng = centre
    draft = base_card(
        BASE.replace("fcr_rate, weight: 60", "fcr_rate, weight: 40").replace(
            "csat_rate, weight: 40", "csat_rate, weight: 60"
        )
    )
    sens = sensitivity(ws, draft, [OCT], compute=eng)
    by = {i.indicator_id: i for i in sens.indicators}
    # B2 (thresholds) is at 70 exactly under fcr 40 / csat 60. With fcr 45 / csat 55:
    # 45 × 0.25 + 55 = 66.25 → C; T1's order stays A1, A5, A3 (70.625), A4 (66.25),
    # A2 (58.75). With fcr 35 / csat 65: B2 73.75 (B); T1 A3 74.375, A4 73.75, A2 51.25.
    assert (by["fcr_rate"].minus, by["fcr_rate"].plus) == (0, 1)
    assert (by["csat_rate"].minus, by["csat_rate"].plus) == (1, 0)
    assert by["csat_rate"].by_period == {OCT: (1, 0)}


def test_the_active_scorecard_simulated_gives_a_run_of_the_workspaces_cards(ws):
    from kefu.scoring.registry import find_scorecard, save_scorecard
    from kefu.scoring.runs import score_period
    from tests.scoring.simulation_data import AS_OF, engine

    eng = engine()
    build(ws)  # the roster and events (and a run under the same card, replaced below)
    save_scorecard(ws, base_card(), actor="tester")
    score_period(ws, OCT, actor="tester", compute=eng, as_of=AS_OF)
    active = find_scorecard(ws)
    stored = {r.agent_id: serialise(r) for r in results(ws, OCT)}
    again = {r.agent_id: serialise(r) for r in simulated_results(ws, active, OCT, compute=eng)}
    assert again == stored


def test_current_is_the_scorecard_that_scored_the_month_even_after_a_newer_one(centre):
    from kefu.scoring.registry import save_scorecard

    ws, eng = centre
    newer = base_card(BASE.replace("{A: 85, B: 70, C: 0}", "{A: 101, B: 70, C: 0}"), version="2")
    save_scorecard(ws, newer, actor="tester")  # active now; October was scored with v1
    rows = by_agent(simulate(ws, newer, [OCT], compute=eng))
    # T2 is graded by thresholds: B1's 100 is an A under v1 (the run's) and a B under v2.
    assert rows["B1"].current.grade == "A" and rows["B1"].draft.grade == "B"
    stored = {r.agent_id: r.grade for r in results(ws, OCT)}
    assert {a: r.current.grade for a, r in rows.items()} == stored


def test_several_months_give_rows_and_a_summary_each(centre):
    from tests.scoring.helpers import FakeEngine, fig

    ws, eng = centre
    nov = [
        fig(f.indicator, f.value, key=f.key, sample=f.sample, period="2026-11") for f in eng.figures
    ]
    both = FakeEngine([*eng.figures, *nov])
    sim = simulate(ws, base_card(), [OCT, "2026-11", OCT], compute=both)
    assert sim.periods == (OCT, "2026-11")  # each month once, in the order named
    assert [s["period"] for s in sim.to_json()["summary"]] == [OCT, "2026-11"]
    assert len(sim.rows) == 14
    # October has a run; November none, so it is compared with the active scorecards.
    assert sim.summary[OCT].baseline.startswith("run ")
    assert sim.summary["2026-11"].baseline == "active"
    october = {r.agent_id: r.draft for r in sim.rows if r.period == OCT}
    november = {r.agent_id: r.draft for r in sim.rows if r.period == "2026-11"}
    # The same figures under the same draft; A1's fatal QA error was in October only.
    assert november.pop("A1") == outcome(103.0, "A", 1.2, 1)
    assert october.pop("A1").grade == "C"
    assert october == november


def test_bonus_and_penalty_points_count_among_the_reasons():
    from tests.scoring.helpers import result

    before = result(indicators=[{"indicator": "fcr_rate", "points": 50.0, "weight": 60,
                                 "status": "ok", "sample": 100}], bonus=3.0)  # fmt: skip
    after = result(indicators=[{"indicator": "fcr_rate", "points": 49.0, "weight": 60,
                                "status": "ok", "sample": 100}], penalty=10.0)  # fmt: skip
    # Penalty −10 moved most, then the bonus's 3 points lost, then fcr's 1.
    found = [(r.indicator_id, r.delta) for r in simulation_reasons(before, after)]
    assert found == [("penalty", -10.0), ("bonus", -3.0), ("fcr_rate", -1.0)]
    assert simulation_reasons(before, after, kept=2)[1].indicator_id == "bonus"
