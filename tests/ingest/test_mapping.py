from __future__ import annotations

from datetime import datetime

import pytest

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
