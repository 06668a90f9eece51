from __future__ import annotations

from datetime import datetime

from tests.factories import add_records


def test_empty_table_is_typed_and_empty(ws):
    con = ws.duckdb()
    t = ws.facts.table(con, "contacts")
    assert t.count().execute() == 0
    assert str(t.schema()["offered_at"]).startswith("timestamp")


def test_later_batch_wins_and_history_is_kept(ws):
    base = {"channel": "phone", "offered_at": datetime(2026, 10, 1, 1, 0)}
    add_records(ws, "contacts", [{"contact_id": "c1", "agent_id": "a1", **base}])
    add_records(ws, "contacts", [{"contact_id": "c1", "agent_id": "a2", **base}])
    con = ws.duckdb()
    current = ws.facts.table(con, "contacts").execute()
    assert current["agent_id"].tolist() == ["a2"]
    every = ws.facts.table(con, "contacts", all_versions=True).execute()
    assert sorted(every["agent_id"]) == ["a1", "a2"]


def test_same_key_from_another_source_is_another_record(ws):
    row = {"contact_id": "c1", "channel": "chat", "offered_at": datetime(2026, 10, 1)}
    add_records(ws, "contacts", [row], source="a")
    add_records(ws, "contacts", [row], source="b")
    assert ws.facts.table(ws.duckdb(), "contacts").count().execute() == 2
