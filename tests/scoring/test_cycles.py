from __future__ import annotations

from datetime import date

import pytest

from kefu.metrics.figures import Figure
from kefu.scoring import RunStatus, results, run_status, score_period
from tests.factories import add_records
from tests.scoring.helpers import SIMPLE, FakeEngine, card, fig


def month(period: str, fcr: dict[str, float]) -> list[Figure]:
    out = []
    for a, v in fcr.items():
        out += [fig("fcr_rate", v, key=a, period=period), fig("aht_avg", 300, key=a, period=period)]
    return out


@pytest.fixture
def quarter(ws):
    add_records(ws, "agents", [
        {"agent_id": "A1", "name": "张三", "team": "T1", "valid_from": date(2026, 1, 1)},
        # joins on 10 November: scored in November and December only
        {"agent_id": "A2", "name": "李四", "team": "T1", "valid_from": date(2026, 11, 10)},
    ])  # fmt: skip
    c = card(SIMPLE)
    figures = [
        *month("2026-10", {"A1": 0.9}),
        *month("2026-11", {"A1": 0.7, "A2": 0.8}),
        *month("2026-12", {"A1": 0.5, "A2": 0.9}),
        # the indicator values over the whole quarter, recomputed from the records
        *month("2026-Q4", {"A1": 0.7, "A2": 0.85}),
    ]
    engine = FakeEngine(figures)
    for m in ("2026-10", "2026-11", "2026-12"):
        score_period(ws, m, scorecard=c, actor="t", compute=engine)
    return c, engine


def test_quarter_is_the_mean_of_the_months_each_agent_was_scored(ws, quarter):
    c, engine = quarter
    run = score_period(ws, "2026-Q4", scorecard=c, actor="t", compute=engine)
    by = {r["agent_id"]: r for r in results(ws, "2026-Q4")}
    # monthly totals = 60 × (fcr − 0.5)/0.4 + 40
    a1 = [100, 70, 40]
    a2 = [85, 100]
    assert by["A1"]["total"] == pytest.approx(sum(a1) / 3)
    assert by["A2"]["total"] == pytest.approx(sum(a2) / 2)
    assert [m["period"] for m in by["A2"]["months"]] == ["2026-11", "2026-12"]
    # grades from the same thresholds: 70 → B, 92.5 → A
    assert (by["A1"]["grade"], by["A2"]["grade"]) == ("B", "A")
    assert (by["A2"]["rank_team"], by["A1"]["rank_team"]) == (1, 2)
    fcr = {
        r["agent_id"]: next(i for i in r["indicators"] if i["indicator"] == "fcr_rate")
        for r in by.values()
    }
    assert (fcr["A1"]["value"], fcr["A2"]["value"]) == (0.7, 0.85)
    assert len(run.input_runs) == 3


def test_quarter_becomes_stale_when_a_month_is_rescored(ws, quarter):
    c, engine = quarter
    score_period(ws, "2026-Q4", scorecard=c, actor="t", compute=engine)
    assert run_status(ws, "2026-Q4") is RunStatus.SCORED
    score_period(ws, "2026-11", scorecard=c, actor="t", compute=engine)
    assert run_status(ws, "2026-Q4") is RunStatus.STALE


def test_year_uses_the_scored_months(ws, quarter):
    c, engine = quarter
    engine.figures += month("2026", {"A1": 0.7, "A2": 0.85})
    score_period(ws, "2026", scorecard=c, actor="t", compute=engine)
    by = {r["agent_id"]: r for r in results(ws, "2026")}
    assert by["A1"]["total"] == pytest.approx((100 + 70 + 40) / 3)


def test_a_quarter_without_scored_months_is_refused(ws):
    from kefu.errors import KefuError

    with pytest.raises(KefuError, match="no month of 2027-Q1 has been scored yet"):
        score_period(ws, "2027-Q1", scorecard=card(SIMPLE), actor="t", compute=FakeEngine([]))
