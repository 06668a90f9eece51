from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from kefu.audit import AuditEntry
from kefu.errors import KefuError, NotFound
from kefu.scoring import (
    RunStatus,
    agent_result,
    latest_run,
    publish,
    results,
    revisions,
    run_status,
    score_period,
)
from kefu.scoring.registry import load_version, save_scorecard
from tests.factories import add_records
from tests.scoring.helpers import SIMPLE, FakeEngine, card, fig

OCT = "2026-10"


def agent(agent_id, name, team, site, valid_from=date(2026, 1, 1)):
    return {
        "agent_id": agent_id,
        "name": name,
        "team": team,
        "site": site,
        "valid_from": valid_from,
    }


def roster(ws, moves=()):
    rows = [
        agent("A1", "张三", "T1", "武汉"),
        agent("A2", "李四", "T1", "武汉"),
        agent("A3", "王五", "T2", "成都"),
        *moves,
    ]
    add_records(ws, "agents", rows)


def engine(fcr=None, period=OCT):
    fcr = fcr or {"A1": 0.9, "A2": 0.7, "A3": 0.5}
    figs = []
    for a, v in fcr.items():
        figs += [
            fig("fcr_rate", v, key=a, period=period),
            fig("aht_avg", 300, key=a, period=period),
        ]
    return FakeEngine(figs)


def score(ws, eng, **kw):
    kw.setdefault("scorecard", card(SIMPLE))
    return score_period(ws, OCT, actor="tester", compute=eng, as_of=datetime(2026, 11, 5), **kw)


def test_scores_every_agent_and_stores_the_run(any_ws):
    roster(any_ws)
    run = score(any_ws, engine())
    assert run.agents == 3 and run.state == "scored" and run.revision == 0
    rows = results(any_ws, OCT)
    # total = 60 × (fcr − 0.5) / 0.4 + 40 (aht 300 is inside the band)
    assert [(r["agent_id"], r["total"]) for r in rows] == [
        ("A1", pytest.approx(100)), ("A2", pytest.approx(70)), ("A3", pytest.approx(40)),
    ]  # fmt: skip
    assert [r["grade"] for r in rows] == ["S", "B", "D"]
    a1 = agent_result(any_ws, OCT, "A1")
    assert a1["name"] == "张三" and a1["team"] == "T1" and a1["site"] == "武汉"
    assert a1["scorecard"]["name"] == "test" and a1["scorecard"]["version"] == "1"
    assert {i["indicator"] for i in a1["indicators"]} == {"fcr_rate", "aht_avg"}
    assert a1["dimensions"][0]["id"] == "efficiency"
    assert run.batch_ids == sorted(b.id for b in any_ws.facts.committed_batches())
    with pytest.raises(NotFound):
        agent_result(any_ws, OCT, "nobody")
    # the exact scorecard of the run can be rebuilt from the store
    (used,) = run.scorecards
    assert load_version(any_ws, used["content_hash"]).content_hash == used["content_hash"]


def test_identical_inputs_give_identical_results(any_ws):
    roster(any_ws)
    first = score(any_ws, engine())
    second = score(any_ws, engine())
    assert first.id != second.id
    assert first.results_hash == second.results_hash


def test_an_import_touching_the_period_makes_the_run_stale(any_ws):
    roster(any_ws)
    score(any_ws, engine())
    assert run_status(any_ws, OCT) is RunStatus.SCORED
    add_records(any_ws, "surveys", [
        {"survey_id": "s1", "agent_id": "A1", "responded_at": datetime(2026, 12, 20), "csat": 5},
    ])  # fmt: skip
    assert run_status(any_ws, OCT) is RunStatus.SCORED  # December does not touch October
    add_records(any_ws, "surveys", [
        {"survey_id": "s2", "agent_id": "A1", "responded_at": datetime(2026, 10, 20), "csat": 5},
    ])  # fmt: skip
    assert run_status(any_ws, OCT) is RunStatus.STALE
    with pytest.raises(KefuError, match="stale"):
        publish(any_ws, OCT, "tester")
    score(any_ws, engine())
    assert run_status(any_ws, OCT) is RunStatus.SCORED


def test_a_roster_change_makes_the_month_stale(ws):
    roster(ws)
    score(ws, engine())
    add_records(ws, "agents", [agent("A4", "新人", "T2", "成都", valid_from=date(2026, 12, 1))])
    assert run_status(ws, OCT) is RunStatus.SCORED  # effective after October
    add_records(ws, "agents", [{"agent_id": "A5", "name": "无日期", "team": "T2"}])
    assert run_status(ws, OCT) is RunStatus.STALE  # no valid_from: in force all along


def test_a_late_repeat_contact_makes_the_month_stale(any_ws):
    roster(any_ws)
    score(any_ws, engine())
    # 1 November 10:00 UTC is within the 48 h repeat window after October ends
    add_records(any_ws, "contacts", [
        {"contact_id": "c9", "channel": "phone", "offered_at": datetime(2026, 11, 1, 10)},
    ])  # fmt: skip
    assert run_status(any_ws, OCT) is RunStatus.STALE


def test_published_results_are_immutable(any_ws):
    roster(any_ws)
    assert run_status(any_ws, OCT) is RunStatus.OPEN
    run = score(any_ws, engine())
    publish(any_ws, OCT, "tester")
    assert run_status(any_ws, OCT) is RunStatus.PUBLISHED
    with pytest.raises(KefuError, match="already published"):
        publish(any_ws, OCT, "tester")
    for statement in (
        f"UPDATE scoring_results SET total = 1 WHERE run_id = {run.id}",
        f"DELETE FROM scoring_results WHERE run_id = {run.id}",
        f"UPDATE scoring_runs SET state = 'scored' WHERE id = {run.id}",
    ):
        with pytest.raises(Exception, match="immutable"), any_ws.db.transaction() as s:
            s.execute(text(statement))
    assert results(any_ws, OCT)[0]["total"] == pytest.approx(100)


def test_rescoring_a_published_month_creates_a_revision_with_the_differences(any_ws):
    roster(any_ws)
    first = score(any_ws, engine())
    publish(any_ws, OCT, "tester")
    rev = score(any_ws, engine({"A1": 0.9, "A2": 0.8, "A3": 0.5}))
    assert (rev.revision, rev.revision_of, rev.state) == (1, first.id, "scored")
    (change,) = rev.changes
    assert change["agent_id"] == "A2"
    # 70 → 60 × 0.75 + 40 = 85: grade B → A, pay 1.0 → 1.2
    assert change["old"] == {"total": pytest.approx(70), "grade": "B", "pay_coefficient": 1.0}
    assert change["new"] == {"total": pytest.approx(85), "grade": "A", "pay_coefficient": 1.2}
    (moved,) = change["indicators"]
    assert (moved["indicator"], moved["old_value"], moved["new_value"]) == ("fcr_rate", 0.7, 0.8)
    assert change["why"] == ["indicators moved: fcr_rate"]
    # the published version stays as it was; the newest run is the revision
    assert agent_result(any_ws, OCT, "A2", published=True)["total"] == pytest.approx(70)
    assert agent_result(any_ws, OCT, "A2")["total"] == pytest.approx(85)
    publish(any_ws, OCT, "tester")
    assert [r["revision"] for r in revisions(any_ws, OCT)] == [1]
    assert latest_run(any_ws, OCT, published=True).id == rev.id


def test_every_write_is_audited(any_ws):
    roster(any_ws)
    score(any_ws, engine())
    publish(any_ws, OCT, "tester")
    score(any_ws, engine({"A1": 0.5, "A2": 0.7, "A3": 0.5}))
    with any_ws.db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["scorecard.save", "score.run", "score.publish", "score.revise"]


def test_penalties_and_vetoes_come_from_the_fact_store(any_ws):
    roster(any_ws)
    oct_day = datetime(2026, 10, 10, 3)
    add_records(any_ws, "complaints", [
        {"complaint_id": "k1", "agent_id": "A1", "received_at": oct_day, "severity": "major",
         "attributed": True, "status": "upheld"},
        {"complaint_id": "k2", "agent_id": "A1", "received_at": oct_day, "severity": "major",
         "attributed": False, "status": "upheld"},  # not caused by customer service
        {"complaint_id": "k3", "agent_id": "A1", "received_at": oct_day, "severity": "major",
         "attributed": True, "status": "rejected"},
        {"complaint_id": "k4", "agent_id": "A1", "received_at": datetime(2026, 9, 30, 15),
         "severity": "major", "attributed": True, "status": "upheld"},  # 23:00 Shanghai, September
    ])  # fmt: skip
    add_records(any_ws, "qa_evaluations", [
        {"evaluation_id": "q1", "agent_id": "A2", "evaluated_at": oct_day, "fatal": True},
        {"evaluation_id": "q2", "agent_id": "A3", "evaluated_at": oct_day, "fatal": False},
    ])  # fmt: skip
    score(any_ws, engine({"A1": 0.9, "A2": 0.9, "A3": 0.9}))
    by = {r["agent_id"]: r for r in results(any_ws, OCT)}
    assert by["A1"]["penalty"] == 5 and by["A1"]["total"] == pytest.approx(95)
    assert by["A1"]["grade"] == "S"
    assert by["A2"]["penalty"] == 0 and by["A2"]["grade"] == "C"
    assert [v["cap_grade"] for v in by["A2"]["vetoes"]] == ["C"]
    assert by["A3"]["grade"] == "S"


HOTLINE = SIMPLE
CHAT = SIMPLE.replace("target: 0.9, threshold: 0.5", "target: 0.8, threshold: 0.4")


def test_each_team_gets_its_scorecard_by_its_team_on_the_first_day(any_ws):
    # A2 moves to T2 on 15 October: still T1 (the default scorecard) for October
    roster(any_ws, moves=[agent("A2", "李四", "T2", "武汉", date(2026, 10, 15))])
    save_scorecard(any_ws, card(HOTLINE, name="热线"), actor="tester")
    chat = card("applies_to: {teams: [T2]}\nrepeat_window: 72h\n" + CHAT, name="在线")
    save_scorecard(any_ws, chat, actor="tester")
    eng = engine({"A1": 0.8, "A2": 0.8, "A3": 0.8})
    score_period(any_ws, OCT, actor="tester", compute=eng)
    by = {r["agent_id"]: r for r in results(any_ws, OCT)}
    assert {a: r["scorecard"]["name"] for a, r in by.items()} == {
        "A1": "热线",
        "A2": "热线",
        "A3": "在线",
    }
    # fcr 0.8: hotline 60 × 0.3/0.4 + 40 = 85; chat full points = 100
    assert by["A1"]["total"] == pytest.approx(85)
    assert by["A3"]["total"] == pytest.approx(100)
    calls = {tuple(c["keys"] or ()): c["params"].repeat_window_hours for c in eng.calls}
    assert calls == {(): 48.0, ("A3",): 72.0}
    run = latest_run(any_ws, OCT)
    assert {c["name"] for c in run.scorecards} == {"热线", "在线"}


def test_two_default_scorecards_are_refused(any_ws):
    save_scorecard(any_ws, card(HOTLINE, name="one"), actor="tester")
    with pytest.raises(KefuError, match="only one can be the default"):
        save_scorecard(any_ws, card(CHAT, name="two"), actor="tester")
    assert len(list(any_ws.scorecards_dir.glob("*.yaml"))) == 1


def test_nothing_to_score(ws):
    with pytest.raises(KefuError, match="nothing to score"):
        score_period(ws, OCT, actor="t", compute=FakeEngine([]))


def test_an_agent_without_any_record_is_not_scored(ws):
    roster(ws)
    eng = engine({"A1": 0.9, "A2": 0.7})
    eng.figures += [fig("fcr_rate", None, key="A3"), fig("aht_avg", None, key="A3")]
    run = score(ws, eng)
    assert run.agents == 2
    assert [r["agent_id"] for r in results(ws, OCT)] == ["A1", "A2"]


def test_a_specific_scorecard_only_takes_agents_of_the_period(ws):
    # A9 left long ago but is still on T2's roster: the engine does not list them
    roster(ws, moves=[agent("A9", "赵六", "T2", "成都")])
    save_scorecard(ws, card(HOTLINE, name="热线"), actor="tester")
    save_scorecard(ws, card("applies_to: {teams: [T2]}\n" + CHAT, name="在线"), actor="tester")
    eng = engine()
    score_period(ws, OCT, actor="tester", compute=eng)
    assert [c["keys"] for c in eng.calls] == [None, ["A3"]]


def test_a_scorecard_for_another_time_zone_is_refused(ws):
    roster(ws)
    with pytest.raises(KefuError, match="time zone Europe/Paris"):
        score(ws, engine(), scorecard=card("timezone: Europe/Paris\n" + SIMPLE))


def test_stored_results_hold_indicator_and_dimension_rows_as_tables_and_read_back_equal():
    import orjson

    from kefu.scoring.models import ScoringResult
    from kefu.scoring.result_model import INDICATOR_FIELDS, AgentResult
    from kefu.scoring.storing import serialise

    dims = [
        {"id": "efficiency", "name": {"zh": "效率", "en": "Efficiency"}, "points": 20.0,
         "weight": 60, "effective_weight": 60.0},
        {"id": "quality", "name": {"zh": "质量", "en": "Quality"}, "points": 10.0,
         "weight": 40, "effective_weight": 40.0},
    ]  # fmt: skip
    ind = {"indicator": "fcr_rate", "value": 0.8, "points": 12.5, "wilson": [0.7, 0.9]}
    legacy = {
        "agent_id": "A1", "name": "甲", "team": "T1", "site": None, "period": "2026-10",
        "scorecard": {"name": "t", "version": "1", "content_hash": "h"}, "total": 80.0,
        "grade": "B", "indicators": [ind, {**ind, "indicator": "aht_avg"}], "dimensions": dims,
    }  # fmt: skip
    # A result stored before the results were typed (rows as dicts, fields missing) reads
    # with the missing fields as None.
    old = ScoringResult(detail_json=orjson.dumps(legacy).decode()).result
    fcr = old.indicator("fcr_rate")
    assert fcr is not None and (fcr.value, fcr.points, fcr.status) == (0.8, 12.5, None)
    assert [d.id for d in old.dimensions] == ["efficiency", "quality"]
    stored = orjson.loads(serialise(old))
    # The field names once per table, sorted; each row an array in that order.
    assert stored["indicators"]["fields"] == list(INDICATOR_FIELDS) == sorted(INDICATOR_FIELDS)
    assert stored["dimensions"] == {
        "fields": ["effective_weight", "id", "name", "points", "weight"],
        "rows": [
            [60.0, "efficiency", {"en": "Efficiency", "zh": "效率"}, 20.0, 60],
            [40.0, "quality", {"en": "Quality", "zh": "质量"}, 10.0, 40],
        ],
    }
    assert ScoringResult(detail_json=serialise(old).decode()).result == old
    assert orjson.loads(orjson.dumps(AgentResult.from_stored(stored).to_stored())) == stored


def test_results_built_for_storing_read_back_equal(ws):
    import orjson

    from kefu.periods import Period
    from kefu.scoring.models import ScoringResult
    from kefu.scoring.month import build_results
    from kefu.scoring.registry import single
    from kefu.scoring.storing import serialise

    c = card(SIMPLE)
    figs = {"A1": {"fcr_rate": fig("fcr_rate", 0.9, key="A1"), "aht_avg": fig("aht_avg", 300)}}
    (row,) = build_results(Period.parse(OCT), single(c), {}, figs)
    assert set(orjson.loads(serialise(row))["indicators"]) == {"fields", "rows"}
    assert ScoringResult(detail_json=serialise(row).decode()).result == row
    fcr = row.indicator("fcr_rate")
    # SIMPLE: fcr_rate weight 60, target 0.9 → the whole share
    assert fcr is not None
    assert (fcr.value, fcr.share, fcr.points, fcr.status) == (0.9, 1.0, 60.0, "ok")


def test_sqlite_keeps_the_stored_results_as_text(ws):
    roster(ws)
    run = score(ws, engine())
    with ws.db.session() as s:
        kinds = s.execute(
            text("SELECT DISTINCT typeof(detail_json) FROM scoring_results WHERE run_id = :r"),
            {"r": run.id},
        ).scalars()
        assert list(kinds) == ["text"]
    assert results(ws, OCT)[0]["agent_id"]


def test_a_run_pauses_the_collector_and_leaves_it_as_it_found_it(ws):
    import gc

    roster(ws)
    assert gc.isenabled()
    score(ws, engine())
    assert gc.isenabled()
    gc.disable()
    try:
        score(ws, engine(), scorecard=card(SIMPLE.replace("weight: 60", "weight: 60 ")))
        assert not gc.isenabled()
    finally:
        gc.enable()
