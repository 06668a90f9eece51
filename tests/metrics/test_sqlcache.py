"""The compiled-SQL cache: same figures with and without it, and recompiled when it must be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kefu.ingest.retract import retract_batch
from kefu.metrics import INDICATORS, IndicatorParams, compute, sqlcache
from kefu.workspace import Workspace
from tests.factories import add_records
from tests.metrics.helpers import AS_OF, contact, roster, sh

LEVELS = ("agent", "team", "site", "centre")


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sqlcache.ENV, "1")


@pytest.fixture
def month(ws: Workspace, cache_on: None) -> Workspace:
    """A small October: two teams, a team move, contacts, tickets, surveys, QA, errors."""
    roster(
        ws,
        ("A1", "T1"),
        ("A2", "T1"),
        {"agent_id": "A3", "team": "T2", "site": "S1", "valid_from": date(2026, 1, 1)},
        {"agent_id": "A3", "team": "T1", "site": "S1", "valid_from": date(2026, 10, 15)},
    )
    t = sh(2026, 10, 5, 9)
    add_records(ws, "contacts", [
        contact("c1", "A1", t, customer_id="K1", waybill_no="W1"),
        contact("c2", "A1", t + timedelta(hours=1), customer_id="K1", waybill_no="W1"),
        contact("c3", "A2", t, transferred=True, talk_seconds=250.5),
        contact("c4", "A3", sh(2026, 10, 10), channel="chat"),
        contact("c5", "A3", sh(2026, 10, 20), direction="out"),
        contact("c6", "A1", sh(2026, 11, 20)),  # the repeat window after October is imported
    ])  # fmt: skip
    add_records(ws, "tickets", [
        {"ticket_id": "T1", "agent_id": "A1", "created_at": sh(2026, 10, 6),
         "due_at": sh(2026, 10, 7), "closed_at": sh(2026, 10, 6, 12)},
        {"ticket_id": "T2", "agent_id": "A2", "created_at": sh(2026, 10, 30),
         "due_at": sh(2026, 10, 31, 12)},  # open: overdue only once as_of passes its due
    ])  # fmt: skip
    add_records(ws, "surveys", [
        {"survey_id": "S1", "agent_id": "A1", "responded_at": sh(2026, 10, 8), "csat": 5},
        {"survey_id": "S2", "agent_id": "A3", "responded_at": sh(2026, 10, 21), "csat": 2},
    ])  # fmt: skip
    add_records(ws, "operation_errors", [
        {"error_id": "E1", "agent_id": "A2", "occurred_at": sh(2026, 10, 9)},
    ])  # fmt: skip
    return ws


def _all(ws: Workspace, level: str, **kw: object) -> list:
    kw.setdefault("as_of", AS_OF)
    return compute(ws, "2026-10", level=level, **kw)  # type: ignore[arg-type]


def _off(ws: Workspace, level: str, monkeypatch: pytest.MonkeyPatch, **kw: object) -> list:
    monkeypatch.setenv(sqlcache.ENV, "0")
    try:
        return _all(ws, level, **kw)
    finally:
        monkeypatch.setenv(sqlcache.ENV, "1")


def _files(ws: Workspace) -> list[Path]:
    return sorted(sqlcache.cache_dir(ws).glob("*.json"))


@pytest.mark.parametrize("level", LEVELS)
def test_a_cache_hit_gives_exactly_the_figures_computed_without_the_cache(
    month: Workspace, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = _off(month, level, monkeypatch)
    before = sqlcache.compiles
    first = _all(month, level)
    compiled = sqlcache.compiles - before
    assert compiled > 0 and len(_files(month)) == 1
    second = _all(month, level)
    assert sqlcache.compiles - before == compiled  # the second computation compiled nothing
    # Figures compare exactly (floats included): every indicator of every key.
    assert first == without and second == without
    assert len(without) == len(INDICATORS) * len({f.key for f in without})


def test_a_parameter_change_compiles_again_and_the_old_sql_stays_usable(
    month: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = IndicatorParams(sla_hours={"default": 2.0})
    _all(month, "agent")
    before = sqlcache.compiles
    changed = _all(month, "agent", params=strict)
    assert sqlcache.compiles > before and len(_files(month)) == 2
    assert changed == _off(month, "agent", monkeypatch, params=strict)
    before = sqlcache.compiles
    _all(month, "agent")
    assert sqlcache.compiles == before


def test_as_of_is_a_parameter_of_the_cached_sql(month: Workspace) -> None:
    # T2 (A2) is due 31 October 12:00 Shanghai and still open: before that instant it is
    # left out of ticket_ontime_rate's denominator, after it it counts, not on time.
    ind = ["ticket_ontime_rate"]
    early = _all(month, "agent", indicators=ind, keys=["A2"], as_of=sh(2026, 10, 31, 11))
    before = sqlcache.compiles
    late = _all(month, "agent", indicators=ind, keys=["A2"], as_of=sh(2026, 10, 31, 13))
    assert sqlcache.compiles == before
    assert (early[0].numerator, early[0].denominator, early[0].value) == (0.0, 0.0, None)
    assert (late[0].numerator, late[0].denominator, late[0].value) == (0.0, 1.0, 0.0)


def test_a_new_column_in_a_fact_table_compiles_again(
    month: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The surveys file written before the sentiment columns existed lacks them...
    (path,) = month.facts.committed_files("surveys")
    full = pq.read_table(path)
    pq.write_table(full.drop_columns(["sentiment", "sentiment_model"]), path)
    old = _all(month, "agent")
    assert old == _off(month, "agent", monkeypatch)
    before = sqlcache.compiles
    _all(month, "agent")
    assert sqlcache.compiles == before
    # ...and gains them: the view's columns differ, so the stored SQL is not used.
    pq.write_table(full, path)
    new = _all(month, "agent")
    assert sqlcache.compiles > before
    assert new == _off(month, "agent", monkeypatch) == old


def test_a_retracted_batch_changes_the_result(
    month: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ind = ["error_rate"]
    with_error = _all(month, "agent", indicators=ind, keys=["A2"])
    # E1 over A2's one October contact (c3) and no closed ticket: 1 / 1.
    assert (with_error[0].numerator, with_error[0].denominator) == (1.0, 1.0)
    batch = month.facts.committed_batches("operation_errors")[0].id
    retract_batch(month, batch, actor="test")
    without_error = _all(month, "agent", indicators=ind, keys=["A2"])
    assert (without_error[0].numerator, without_error[0].denominator) == (0.0, 1.0)
    assert without_error == _off(month, "agent", monkeypatch, indicators=ind, keys=["A2"])


def test_a_team_move_changes_the_join_and_compiles_again(
    month: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = month
    ind = ["contacts_handled"]
    moved = _all(ws, "team", indicators=ind)
    # A3 is in T2 until 15 October (c4) and in T1 after (c5): T1 has c1, c2, c3, c5.
    assert {f.key: f.value for f in moved} == {"T1": 4.0, "T2": 1.0}
    # The roster is replaced by one without moves (a new version of A3's row wins).
    add_records(ws, "agents", [
        {"agent_id": "A3", "name": "A3", "team": "T2", "site": "S1",
         "hire_date": date(2026, 1, 1), "valid_from": date(2026, 10, 15)},
    ])  # fmt: skip
    before = sqlcache.compiles
    now = _all(ws, "team", indicators=ind)
    assert {f.key: f.value for f in now} == {"T1": 3.0, "T2": 2.0}
    assert now == _off(ws, "team", monkeypatch, indicators=ind)
    assert sqlcache.compiles > before  # the agents table now has versions: new SQL


def test_a_corrupt_cache_file_is_ignored_and_rewritten(
    month: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _all(month, "team")
    (path,) = _files(month)
    for damage in (
        "{not json",
        json.dumps({"layout": sqlcache.LAYOUT, "queries": {}, "tables": {}}),
    ):
        path.write_text(damage, encoding="utf-8")
        before = sqlcache.compiles
        assert _all(month, "team") == good
        assert sqlcache.compiles > before
        assert json.loads(path.read_text(encoding="utf-8"))["queries"]  # rewritten whole


def test_the_cache_off_compiles_every_time(month: Workspace, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(sqlcache.ENV, "0")
    _all(month, "agent")
    before = sqlcache.compiles
    _all(month, "agent")
    assert sqlcache.compiles == before and _files(month) == []


def test_a_warm_cache_hit_does_not_import_ibis(month: Workspace) -> None:
    _all(month, "agent")
    script = (
        "import sys\n"
        "import datetime\n"
        "from pathlib import Path\n"
        "from kefu.metrics import compute, sqlcache\n"
        "from kefu.workspace import Workspace\n"
        f"ws = Workspace.open(Path({str(month.home)!r}))\n"
        "n = sqlcache.compiles\n"
        f"figures = compute(ws, '2026-10', level='agent', as_of={AS_OF!r})\n"
        "ws.close()\n"
        "print(len(figures), sqlcache.compiles - n, 'ibis' in sys.modules)\n"
    )
    env = {**os.environ, sqlcache.ENV: "1", "PYTHONPATH": str(Path("src").resolve())}
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    count, compiled, imported = out.stdout.split()
    assert (int(count), compiled, imported) == (len(INDICATORS) * 3, "0", "False")
