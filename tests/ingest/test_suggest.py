"""Suggestions of the import wizard: which export header is which canonical column."""

from __future__ import annotations

from kefu.ingest.suggest import Suggestion, fits, is_timestamp, names_column, suggest
from kefu.store.tables import TABLES

CONTACTS = TABLES["contacts"]
# An unknown PBX export: nothing here is a canonical alias except 通话时长.
HEADERS = ["CallRef", "StartTime", "AnswerTime", "HangupTime", "Ext", "Caller", "通话时长", "Memo"]
ROWS = [
    ["R1", "2026-10-01 09:00:00", "2026-10-01 09:00:20", "2026-10-01 09:03:00", "A001",
     "13800000000", "160", "hi"],
    ["R2", "2026-10-01 09:05:00", None, "2026-10-01 09:06:00", None, "13900000000", "0", ""],
    ["R3", "2026-10-01 10:00:00", "2026-10-01 10:00:05", "2026-10-01 10:02:05", "A002",
     "13700000000", "120", "x"],
]  # fmt: skip


def test_aliases_words_and_values_each_suggest_a_header():
    found = suggest(CONTACTS, HEADERS, ROWS, roster={"A001", "A002"})
    assert found == {
        # 通话时长 is an alias of talk_seconds.
        "talk_seconds": Suggestion("talk_seconds", "通话时长", "alias"),
        # CallRef holds the word "callref" (contact_id); any text fits an id.
        "contact_id": Suggestion("contact_id", "CallRef", "name"),
        # Ext names agent_id and A001, A002 are in the roster (the empty cell is not counted).
        "agent_id": Suggestion("agent_id", "Ext", "name"),
        "customer_id": Suggestion("customer_id", "Caller", "name"),
        # Start / Answer / Hangup name the three times, and every value is a timestamp.
        "offered_at": Suggestion("offered_at", "StartTime", "name"),
        "answered_at": Suggestion("answered_at", "AnswerTime", "name"),
        "ended_at": Suggestion("ended_at", "HangupTime", "name"),
    }


def test_an_agent_header_whose_values_are_not_in_the_roster_is_not_suggested():
    found = suggest(CONTACTS, HEADERS, ROWS, roster={"B900"})
    assert "agent_id" not in found


def test_without_a_roster_agent_ids_are_recognised_by_their_shape():
    rows = [["A001"], ["KF1024"], ["0815"]]
    assert suggest(TABLES["tickets"], ["Owner"], rows)["agent_id"].reason == "values"
    assert "agent_id" not in suggest(TABLES["tickets"], ["Owner"], [["张三"], ["李四"]])


def test_values_alone_suggest_only_when_one_header_fits():
    # Two columns of times and no word: which is which cannot be told.
    two = suggest(CONTACTS, ["t1", "t2"], [["2026-10-01 09:00", "2026-10-01 09:05"]])
    assert "offered_at" not in two and "answered_at" not in two
    # One yes/no column: the only fitting header for the first bool column (transferred).
    one = suggest(CONTACTS, ["flag", "note"], [["是", "长文本"], ["否", "x"]])
    assert one["transferred"] == Suggestion("transferred", "flag", "values")
    assert "resolved" not in one  # the header is taken


def test_each_header_is_suggested_once():
    found = suggest(CONTACTS, ["通话ID", "联系ID"], [["C1", "C1"]])
    assert [s.header for s in found.values()].count("通话ID") == 1


def test_kinds_of_sample_values():
    talk = CONTACTS.column("talk_seconds")
    assert fits(talk, ["12", "0:45", "1:02:03"])
    # Epoch seconds are instants, not durations.
    assert not fits(talk, ["1759280400", "1759280460"])
    assert is_timestamp("1759280400") and is_timestamp("1759280400123")
    assert is_timestamp("2026/10/01 09:00") and not is_timestamp("09:00")
    # 4 of 5 values fit: exactly the 80 % needed.
    assert fits(talk, ["1", "2", "3", "4", "n/a"])
    assert not fits(talk, ["1", "2", "3", "n/a", "n/a"])
    channel = CONTACTS.column("channel")
    assert fits(channel, ["电话", "在线", "phone"]) and not fits(channel, ["fax"])


def test_header_words():
    assert names_column(CONTACTS.column("ended_at"), "挂机时间 ")
    assert names_column(CONTACTS.column("acw_seconds"), "WrapUp")
    assert not names_column(CONTACTS.column("hold_seconds"), "Queue")
