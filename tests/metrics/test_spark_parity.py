"""The same indicator expressions on DuckDB and on Spark give the same figures.

One Spark session (local mode) for the whole module; the dataset touches every
table and every special case the indicator tests cover one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from kefu.metrics import INDICATORS, Level, compute
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import AS_OF, contact, roster, sh

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

pytest.importorskip("pyspark")


def _dataset(ws: Workspace) -> None:
    roster(
        ws,
        {"agent_id": "A1", "team": "T1", "site": "S1", "valid_from": date(2026, 1, 1)},
        {"agent_id": "A1", "team": "T2", "site": "S2", "valid_from": date(2026, 10, 15)},
        ("A2", "T1", "S1"),
        ("A3", "T2", "S2"),
    )
    t = sh(2026, 10, 5, 9)
    h = timedelta(hours=1)
    add_records(ws, "contacts", [
        contact("c1", "A1", t, customer_id="K1", waybill_no="W1", category="催件"),
        contact("c2", "A2", t + 3 * h, customer_id="K1", waybill_no="W1", channel="chat"),
        contact("c3", "A1", t, customer_id="K2", category="查件", transferred=True),
        contact("c4", "A3", t, customer_id="K3", category="查件", resolved=False,
                talk_seconds=None, ended_at=t + 200 * timedelta(seconds=1), acw_seconds=12.5),
        contact("c5", "A1", sh(2026, 10, 20), category="理赔", hold_seconds=30.0),
        contact("c6", "A2", sh(2026, 10, 31, 23, 59), customer_id="K4", waybill_no="W9",
                channel="email", answered_at=sh(2026, 11, 1, 2)),
        contact("c7", None, sh(2026, 11, 1, 8), customer_id="K4", waybill_no="W9",
                answered_at=None),
        contact("c8", "A3", t, direction="out", talk_seconds=8.0),
        contact("c9", "A3", t, talk_seconds=4.0, category="查件"),
    ])  # fmt: skip
    add_records(ws, "contacts", [contact("c5", "A1", sh(2026, 10, 20), talk_seconds=333.0)])
    add_records(ws, "tickets", [
        {"ticket_id": "k1", "agent_id": "A1", "created_at": t, "due_at": t + 24 * h,
         "closed_at": t + 20 * h},
        {"ticket_id": "k2", "agent_id": "A2", "created_at": t, "category": "理赔",
         "closed_at": t + 80 * h},
        {"ticket_id": "k3", "agent_id": "A3", "created_at": t},
    ])  # fmt: skip
    add_records(ws, "qa_evaluations", [
        {"evaluation_id": "q1", "agent_id": "A1", "evaluated_at": t, "compliance_score": 88.0,
         "info_checked": 4, "info_correct": 3},
        {"evaluation_id": "q2", "agent_id": "A2", "evaluated_at": t, "compliance_score": 70.5,
         "info_checked": 1, "info_correct": 1},
    ])  # fmt: skip
    add_records(ws, "surveys", [
        {"survey_id": "s1", "agent_id": "A1", "responded_at": t, "csat": 5, "nps": 10},
        {"survey_id": "s2", "agent_id": "A1", "responded_at": t, "csat": 2},
        {"survey_id": "s3", "agent_id": "A2", "responded_at": t, "nps": 3},
        {"survey_id": "s4", "agent_id": "A3", "responded_at": t, "comment": "态度很差，很生气"},
        {"survey_id": "s5", "agent_id": "A3", "responded_at": t, "comment": "非常满意，谢谢"},
    ])  # fmt: skip
    add_records(ws, "complaints", [
        {"complaint_id": "p1", "agent_id": "A1", "received_at": t, "attributed": True,
         "status": "upheld"},
        {"complaint_id": "p2", "agent_id": "A2", "received_at": t, "attributed": True,
         "status": "overturned"},
    ])  # fmt: skip
    add_records(ws, "operation_errors", [
        {"error_id": "e1", "agent_id": "A3", "occurred_at": t},
    ])  # fmt: skip
    add_records(ws, "praise", [{"praise_id": "g1", "agent_id": "A2", "received_at": t}])
    add_records(ws, "training", [
        {"record_id": "r1", "agent_id": "A1", "held_on": date(2026, 10, 9), "attended": True,
         "exam_score": 91.0},
        {"record_id": "r2", "agent_id": "A3", "held_on": date(2026, 10, 9), "attended": False},
    ])  # fmt: skip
    add_records(ws, "ratings", [
        {"rating_id": "t1", "agent_id": "A1", "rater_role": "supervisor", "score": 80.0,
         "rated_on": date(2026, 10, 28)},
        {"rating_id": "t2", "agent_id": "A1", "rater_role": "peer", "score": 65.0,
         "rated_on": date(2026, 10, 28)},
        {"rating_id": "t3", "agent_id": "A2", "rater_role": "self", "score": 99.0,
         "rated_on": date(2026, 10, 28)},
    ])  # fmt: skip
    add_records(ws, "improvement_items", [
        {"item_id": "i1", "agent_id": "A2", "due_on": date(2026, 10, 30),
         "completed_on": date(2026, 10, 29)},
    ])  # fmt: skip


@pytest.fixture(scope="module")
def parity_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.init(Path(tmp_path_factory.mktemp("parity")) / "ws")
    _dataset(ws)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    from kefu.store.engines import spark_backend

    return spark_backend("local[2]", shuffle_partitions=1)


@pytest.mark.parametrize("level", list(Level))
def test_every_indicator_is_identical_on_duckdb_and_spark(parity_ws, spark, level):
    on_duckdb = compute(parity_ws, "2026-10", level=level, as_of=AS_OF)
    on_spark = compute(parity_ws, "2026-10", level=level, as_of=AS_OF, con=spark)
    assert len(on_duckdb) == len(on_spark) > 0
    assert {f.indicator for f in on_duckdb} == set(INDICATORS)
    assert any(f.value is not None for f in on_duckdb if f.indicator == "negative_review_rate")
    for d, s in zip(on_duckdb, on_spark, strict=True):
        assert (d.key, d.indicator, d.sample, d.status, d.provisional) == (
            s.key, s.indicator, s.sample, s.status, s.provisional,
        )  # fmt: skip
        for a, b in (
            (d.value, s.value),
            (d.numerator, s.numerator),
            (d.denominator, s.denominator),
        ):
            assert a == b, (d.key, d.indicator, a, b)


def test_kefu_metrics_on_the_spark_engine_gives_duckdbs_figures_exactly(
    parity_ws, spark, monkeypatch
):
    import json

    from typer.testing import CliRunner

    from kefu.cli import app

    args = ["metrics", "--period", "2026-10", "--format", "json", "--home", str(parity_ws.home)]
    on_duckdb = CliRunner().invoke(app, args)
    monkeypatch.setenv("KEFU_ENGINE", "spark")
    monkeypatch.setenv("KEFU_SPARK_MASTER", "local[2]")
    on_spark = CliRunner().invoke(app, args)
    assert on_duckdb.exit_code == on_spark.exit_code == 0, on_spark.output
    figures = json.loads(on_duckdb.output)
    assert len(figures) > 0
    assert json.loads(on_spark.output) == figures
