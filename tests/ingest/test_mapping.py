from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.errors import KefuError, UsageError
from kefu.ingest import import_file
from kefu.ingest.mapping import builtin_profiles, load_profile, parse_profile
from tests.ingest.helpers import stored, write

VENDOR = """
table: contacts
source: vendor-x
null_values: ["-"]
columns:
  contact_id: 流水
  channel: {const: phone}
  direction: {column: 类型, values: {呼入: in, 外呼: out}}
  agent_id: {column: 坐席, null_if: [系统]}
  offered_at: {concat: [日期, 时间], sep: " "}
  answered_at:
    when:
      - if: {column: 结果, equals: 接通}
        then: {add_seconds: 等待秒, to: {concat: [日期, 时间], sep: " "}, format: "%d.%m.%Y %H:%M"}
values:
  category: {"1": 查件, "2": 投诉}
formats:
  offered_at: ["%d.%m.%Y %H:%M"]
  answered_at: ["%Y-%m-%d %H:%M:%S"]
drop: {column: 结果, equals: 测试}
"""

FILE = (
    "流水,类型,坐席,日期,时间,结果,等待秒,咨询类型\n"
    "1,呼入,A1,01.10.2026,08:00,接通,30,1\n"
    "2,外呼,系统,01.10.2026,09:00,未接,-,2\n"
    "3,呼入,A1,01.10.2026,09:00,测试,-,2\n"
)


def test_a_workspace_profile_maps_columns_values_and_skips_rows(ws, tmp_path):
    (ws.mappings_dir / "vendor-x.yaml").write_text(VENDOR, encoding="utf-8")
    r = import_file(ws, write(tmp_path / "export.csv", FILE), mapping="vendor-x")
    assert (r.table, r.accepted, r.skipped, r.rejected) == ("contacts", 2, 1, 0)
    rows = {x["contact_id"]: x for x in stored(ws, "contacts")}
    assert rows["1"]["source"] == "vendor-x"
    assert rows["1"]["direction"] == "in" and rows["2"]["direction"] == "out"
    assert rows["1"]["agent_id"] == "A1" and rows["2"]["agent_id"] is None
    assert rows["1"]["category"] == "查件"  # matched by header, then value-mapped
    assert rows["1"]["offered_at"] == datetime(2026, 10, 1, 0, 0)
    assert rows["1"]["answered_at"] == datetime(2026, 10, 1, 0, 0, 30)
    assert rows["2"]["answered_at"] is None


def test_workspace_profiles_win_over_built_in_ones(ws):
    (ws.mappings_dir / "pwc-call-centre.yaml").write_text("table: tickets\n", encoding="utf-8")
    assert load_profile("pwc-call-centre", ws.mappings_dir).table == "tickets"
    assert load_profile("pwc-call-centre", None).table == "contacts"


def test_every_built_in_profile_is_valid():
    assert len(builtin_profiles()) >= 6
    for name in builtin_profiles():
        load_profile(name, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("table: nope\n", "unknown table 'nope'"),
        ("table: contacts\ncolumns: {colour: x}\n", "names column\\(s\\) colour"),
        ("table: contacts\nbogus: 1\n", "bogus"),
        ("- a list\n", "must be a YAML mapping"),
    ],
)
def test_invalid_profiles_say_what_is_wrong(text, message):
    with pytest.raises(KefuError, match=message):
        parse_profile(text, name="p")


def test_unknown_profile_lists_the_known_ones(ws):
    with pytest.raises(UsageError, match="anonymous-bank"):
        load_profile("nope", ws.mappings_dir)


def test_a_profile_naming_a_missing_header_says_which(ws, tmp_path):
    (ws.mappings_dir / "p.yaml").write_text(
        "table: contacts\ncolumns: {contact_id: 编号}\n", "utf-8"
    )
    with pytest.raises(KefuError, match=r"uses column '编号'.*headers are: 流水"):
        import_file(ws, write(tmp_path / "export.csv", FILE), mapping="p")


def test_profile_text_is_never_evaluated(ws, tmp_path):
    # A hostile constant stays a value: the quote is escaped inside a SQL literal.
    (ws.mappings_dir / "p.yaml").write_text(
        "table: contacts\ncolumns:\n  contact_id: 流水\n  channel: {const: phone}\n"
        "  offered_at: {concat: [日期, 时间], sep: ' '}\n"
        '  category: {const: "x\'); DROP TABLE raw; --"}\n'
        "formats: {offered_at: ['%d.%m.%Y %H:%M']}\n",
        encoding="utf-8",
    )
    import_file(ws, write(tmp_path / "export.csv", FILE), mapping="p")
    assert {x["category"] for x in stored(ws, "contacts")} == {"x'); DROP TABLE raw; --"}


CLOCKS = """
table: contacts
match_headers: false
columns:
  contact_id: id
  channel: {const: phone}
  offered_at:
    earliest:
      - &in {clock: start, date: day, date_format: "%y%m%d"}
      - &pick {clock: pick, date: day, date_format: "%y%m%d", after: *in}
  answered_at: *pick
  ended_at: {clock: end, date: day, date_format: "%y%m%d", after: *in}
"""


def test_clock_times_roll_over_midnight_and_earliest_picks_the_first(ws, tmp_path):
    (ws.mappings_dir / "clocks.yaml").write_text(CLOCKS, encoding="utf-8")
    f = write(
        tmp_path / "calls.csv",
        "id,day,start,pick,end\n1,261001,23:59:50,23:59:49,0:01:10\n2,261001,23:59:50,0:00:05,0:01:10\n",
    )
    assert import_file(ws, f, mapping="clocks").accepted == 2
    rows = {x["contact_id"]: x for x in stored(ws, "contacts")}
    # Local (UTC+8) 2026-10-01 23:59:50 is 15:59:50 UTC; a clock 12 h or more "earlier"
    # than the start is the next day.
    assert rows["1"]["offered_at"] == datetime(2026, 10, 1, 15, 59, 49)  # the earlier clock
    assert rows["1"]["answered_at"] == datetime(2026, 10, 1, 15, 59, 49)
    assert rows["1"]["ended_at"] == datetime(2026, 10, 1, 16, 1, 10)
    assert rows["2"]["offered_at"] == datetime(2026, 10, 1, 15, 59, 50)
    assert rows["2"]["answered_at"] == datetime(2026, 10, 1, 16, 0, 5)


EVENTS = """
table: tickets
match_headers: false
collapse: {by: [case], order_by: at}
columns:
  ticket_id: case
  agent_id: {last: who}
  created_at: {min: at}
  closed_at: {max: at, where: {column: status, equals: done}}
"""


def test_an_event_log_collapses_to_one_record_per_case(ws, tmp_path):
    (ws.mappings_dir / "events.yaml").write_text(EVENTS, encoding="utf-8")
    f = write(
        tmp_path / "events.csv",
        "case,at,status,who\n"
        "T1,2026-10-01 09:00:00,new,A1\nT1,2026-10-01 12:00:00,done,A2\n"
        "T2,2026-10-02 09:00:00,new,A3\nT1,2026-10-01 10:00:00,work,\n",
    )
    r = import_file(ws, f, mapping="events")
    assert (r.rows_read, r.accepted, r.skipped) == (4, 2, 2)
    got = {
        x["ticket_id"]: (x["agent_id"], x["created_at"], x["closed_at"])
        for x in stored(ws, "tickets")
    }
    assert got == {
        "T1": ("A2", datetime(2026, 10, 1, 1, 0), datetime(2026, 10, 1, 4, 0)),
        "T2": ("A3", datetime(2026, 10, 2, 1, 0), None),
    }


# --- Forms for platform exports: epochs, ms/minutes, list items, numeric conditions, dedupe.
# Each is compiled with the profile compiler and evaluated by DuckDB over text cells, as
# an import evaluates it (the raw table holds every cell as text).


def _evaluate(expr: object, cells: list[str | None], *, condition: bool = False) -> list[object]:
    import duckdb

    from kefu.ingest.mapping import Compiler

    con = duckdb.connect()
    con.execute("CREATE TABLE raw (c0 VARCHAR)")
    con.executemany("INSERT INTO raw VALUES (?)", [[c] for c in cells])
    compiler = Compiler("p", {"v": "c0"})
    sql = compiler.condition(expr, "keep") if condition else compiler.expr(expr, "columns.x")
    return [r[0] for r in con.execute(f"SELECT {sql} FROM raw ORDER BY rowid").fetchall()]


def _instant(text: object, tz: str = "Asia/Shanghai") -> datetime | None:
    """Text an expression yields, read back by the timestamp rule as stored (naive UTC)."""
    import duckdb

    from kefu.ingest.parsing import parse_timestamp

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    (value,) = con.execute(f"SELECT {parse_timestamp('$1', tz)}", [text]).fetchone() or (None,)
    return value


def test_epoch_seconds_and_milliseconds_are_that_instant_whatever_the_zone():
    # 1791000000 s after 1970-01-01 00:00 UTC = 20729 days (1790985600 s, 2026-10-03)
    # + 14400 s (04:00): 2026-10-03 04:00:00 UTC, stored as such even for a Beijing profile.
    (s,) = _evaluate({"epoch_s": "v"}, ["1791000000"])
    (ms,) = _evaluate({"epoch_ms": "v"}, ["1791000000250"])
    assert _instant(s) == datetime(2026, 10, 3, 4, 0, 0)
    assert _instant(ms) == datetime(2026, 10, 3, 4, 0, 0, 250_000)
    assert _instant(s, "America/New_York") == datetime(2026, 10, 3, 4, 0, 0)


def test_epoch_zero_negative_and_empty_are_empty_and_other_text_passes_on():
    got = _evaluate({"epoch_ms": "v"}, ["0", "-5", None, "soon", "1e30"])
    # "soon" and an instant past year 9999 stay as written, for the timestamp rule to reject.
    assert got == [None, None, None, "soon", "1e30"]


def test_durations_in_milliseconds_and_minutes_become_seconds():
    assert _evaluate({"ms": "v"}, ["1500", "0", None, "12ab"]) == ["1.5", "0.0", None, "12ab"]
    assert _evaluate({"minutes": "v"}, ["2.5", "1"]) == ["150.0", "60.0"]


def test_list_items_skip_empty_ones_and_take_a_separator():
    cells = ["a1@i,b2@i", " a1@i , b2@i ,", "solo", None, ",,"]
    assert _evaluate({"list_last": "v"}, cells) == ["b2@i", "b2@i", "solo", None, None]
    assert _evaluate({"list_first": "v", "sep": ";"}, ["x; y", ";z"]) == ["x", "z"]


def test_numeric_conditions_are_false_for_empty_and_non_numbers():
    cells = ["-1", "0", "0.5", "7", "", "robot", None]
    assert _evaluate({"column": "v", "le": 0}, cells, condition=True) == [
        True, True, False, False, False, False, False,
    ]  # fmt: skip
    assert _evaluate({"column": "v", "gt": 0}, cells, condition=True) == [
        False, False, True, True, False, False, False,
    ]  # fmt: skip
    assert _evaluate({"column": "v", "lt": 7}, ["6.9", "7"], condition=True) == [True, False]
    assert _evaluate({"column": "v", "ge": 7}, ["6.9", "7"], condition=True) == [False, True]


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ({"column": "v", "le": "zero"}, "at keep.le: le compares with a number"),
        ({"list_last": "v", "sep": ""}, "at columns.x.sep: sep is the text"),
        ({"epoch_ms": {"bogus": 1}}, "at columns.x.epoch_ms: unknown expression form"),
    ],
)
def test_mistakes_in_the_new_forms_name_their_key_path(expr, message):
    from kefu.ingest.mapping import Compiler

    compiler = Compiler("p", {"v": "c0"})
    with pytest.raises(KefuError, match=message):
        if "column" in expr:
            compiler.condition(expr, "keep")
        else:
            compiler.expr(expr, "columns.x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("table: contacts\nformat: xml\n", "format: Input should be 'jsonl' or 'json'"),
        ("table: contacts\ndedupe: {by: []}\n", "dedupe.by: List should have at least 1"),
        ("table: contacts\ndedupe: {by: [a]}\n", "dedupe.keep_last_by: Field required"),
        ("table: contacts\ndedupe: {by: [a], keep_last_by: b, keep: x}\n", "dedupe.keep"),
    ],
)
def test_invalid_file_level_keys_say_where(text, message):
    with pytest.raises(KefuError, match=message):
        parse_profile(text, name="p")


DEDUPE = """
table: contacts
match_headers: false
dedupe: {by: [ContactId], keep_last_by: LastUpdateTimestamp}
columns:
  contact_id: ContactId
  channel: {const: phone}
  agent_id: Agent
  offered_at: Start
"""


def test_dedupe_keeps_the_latest_delivery_and_counts_the_others_as_skipped(ws, tmp_path):
    # C1 arrives three times: 09:00:05Z (agent A), 09:00:07Z (B: the latest), and an
    # epoch-ms copy 1790989205000 = 2026-10-03 01:00:05Z (C), which is earlier than both
    # ISO ones only if compared as instants, not as text. C2 once. Read 4, kept 2, skipped 2.
    (ws.mappings_dir / "dd.yaml").write_text(DEDUPE, encoding="utf-8")
    f = write(
        tmp_path / "ctr.csv",
        "ContactId,Agent,Start,LastUpdateTimestamp\n"
        "C1,A,2026-10-03 09:00:00,2026-10-03T09:00:05Z\n"
        "C1,B,2026-10-03 09:00:00,2026-10-03T09:00:07Z\n"
        "C2,A,2026-10-03 09:10:00,2026-10-03T09:10:00Z\n"
        "C1,C,2026-10-03 09:00:00,1790989205000\n",
    )
    r = import_file(ws, f, mapping="dd")
    assert (r.rows_read, r.accepted, r.skipped, r.rejected) == (4, 2, 2, 0)
    rows = {x["contact_id"]: x for x in stored(ws, "contacts")}
    assert rows["C1"]["agent_id"] == "B" and rows["C1"]["source_row"] == 3
    assert rows["C2"]["agent_id"] == "A"


def test_profile_references_include_the_dedupe_keys():
    profile = parse_profile(DEDUPE, name="dd")
    assert {"ContactId", "LastUpdateTimestamp"} <= profile.referenced_headers()


_INSTANTS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=80, deadline=None)
@given(moment=_INSTANTS, zone=st.sampled_from(["Asia/Shanghai", "UTC", "Europe/Brussels"]))
def test_epoch_text_round_trips_to_pythons_instant(moment: datetime, zone: str) -> None:
    # Python's own arithmetic is the reference: whole seconds and whole milliseconds since
    # 1970 UTC, read back through the timestamp rule in any profile zone, are the instant.
    seconds = int(moment.timestamp())
    millis = seconds * 1000 + moment.microsecond // 1000
    (s_text, ms_text) = _evaluate_both(str(seconds), str(millis))
    expected_s = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    expected_ms = datetime.fromtimestamp(seconds, UTC) + timedelta(milliseconds=millis % 1000)
    assert _instant(s_text, zone) == expected_s
    assert _instant(ms_text, zone) == expected_ms.replace(tzinfo=None)


def _evaluate_both(seconds: str, millis: str) -> tuple[object, object]:
    (s,) = _evaluate({"epoch_s": "v"}, [seconds])
    (ms,) = _evaluate({"epoch_ms": "v"}, [millis])
    return s, ms


@settings(max_examples=80, deadline=None)
@given(millis=st.integers(min_value=0, max_value=10**12))
def test_milliseconds_are_the_same_seconds_as_pythons_timedelta(millis: int) -> None:
    (text,) = _evaluate({"ms": "v"}, [str(millis)])
    assert isinstance(text, str)
    assert float(text) == pytest.approx(timedelta(milliseconds=millis).total_seconds(), abs=1e-6)
