"""CSV as RFC 4180 has it, in UTF-8 and GBK alike: quoted line breaks, quotes, delimiters.

A row's number is its record's ordinal as a spreadsheet shows it: the header is row 1,
the first data record row 2, whatever line breaks the records hold.
"""

from __future__ import annotations

import csv
import io
import itertools

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.ingest import encoding as encodings
from kefu.ingest import import_file
from kefu.ingest.readers import DuplicateHeader, read_raw
from kefu.workspace import Workspace
from tests.ingest.helpers import rejects, stored, write

SURVEYS = ["评价ID", "坐席工号", "评价时间", "评价内容"]
WHEN = "2026-10-01 08:00:00"


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)  # quotes where needed; lines end in \r\n
    return buf.getvalue()


# How a CSV reaches DuckDB: read by it directly (UTF-8), converted into files in pieces,
# or converted while read through pipes in pieces; pieces are cut between records.
PATHS = {
    "utf-8": ("utf-8", {}),
    "gbk": ("gbk", {"PIECES": 3}),
    "gbk-streamed": ("gbk", {"PIECES": 3, "STREAM_BYTES": 0, "CONVERT_BYTES": 64}),
}


@pytest.fixture(params=list(PATHS))
def reading(request, monkeypatch):
    encoding, knobs = PATHS[request.param]
    for name, value in knobs.items():
        monkeypatch.setattr(encodings, name, value)
    return encoding


def test_a_quoted_line_break_stays_in_its_cell_and_rows_count_records(ws, tmp_path, reading):
    rows = [SURVEYS, ["S1", "A1", WHEN, "客户\r\n说好,再见"], ["S2", "A1", WHEN, '他说"好"'],
            ["S3", "A1", "昨天", "第一行\n第二行"], ["S4", "A1", WHEN, "完"]]  # fmt: skip
    f = write(tmp_path / "surveys.csv", _csv(rows), reading)
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (4, 3, 1)
    (rej,) = rejects(ws)
    assert (rej.row, rej.raw["评价内容"]) == (4, "第一行\n第二行")
    got = {x["survey_id"]: (x["comment"], x["source_row"]) for x in stored(ws, "surveys")}
    assert got == {"S1": ("客户\r\n说好,再见", 2), "S2": ('他说"好"', 3), "S4": ("完", 5)}


def test_a_quoted_line_break_deep_in_a_large_utf8_file_is_read_on_one_core(ws, tmp_path):
    # DuckDB's parallel scan gives up on quoted line breaks in the stretches it splits the
    # file into; the file is then read on one core, with the same rows and numbers.
    body = [[f"S{i}", "A1", WHEN, "ok"] for i in range(600_000)]
    body[300_000][3] = "多行\r\n留言"
    body[300_001][2] = "昨天"
    f = write(tmp_path / "surveys.csv", _csv([SURVEYS, *body]))
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(4)) + "}"
    with pytest.raises(duckdb.Error, match="quoted new lines"):  # what the fallback is for
        duckdb.sql(f"SELECT count(*) FROM read_csv('{f}', header = false, auto_detect = false, "
                   f"columns = {columns}, null_padding = true)").fetchall()  # fmt: skip
    r = import_file(ws, f)
    assert (r.rows_read, r.rejected) == (600_000, 1)
    assert rejects(ws)[0].row == 300_003
    con = ws.duckdb()
    t = ws.facts.table(con, "surveys")
    (comment,) = t.filter(t.survey_id == "S300000").comment.to_pyarrow().to_pylist()
    assert comment == "多行\r\n留言"


def test_duplicate_headers_are_refused_naming_both_columns(ws, tmp_path):
    f = write(tmp_path / "contacts.csv", "通话ID,坐席工号,渠道,进线时间,坐席工号\n"
              f"C1,A1,电话,{WHEN},A2\n")  # fmt: skip
    with pytest.raises(DuplicateHeader) as caught:
        import_file(ws, f)
    e = caught.value
    assert e.message == (
        "contacts.csv: the column header '坐席工号' appears twice, in columns 2 and 5; "
        "rename one of them"
    )
    assert (e.key, e.params["header"], e.params["first"], e.params["second"]) == (
        "pages.imports.duplicate_header", "坐席工号", 2, 5,
    )  # fmt: skip
    assert stored(ws, "contacts") == []


# -- any table the csv module writes reads back as it was ---------------------------
# Delimiters, quotes, both line breaks, Chinese text; GBK can encode every character.
ALPHABET = st.sampled_from([*'ab9,"\r\n\t;|-客户说好电话。', "\r\n"])
CELL = st.lists(ALPHABET, max_size=6).map("".join)


def _table(width: int) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=12)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    width = draw(st.integers(1, 5))
    return [f"h{i}" for i in range(width)], draw(_table(width))


@given(table=tables(), encoding=st.sampled_from(["utf-8", "gbk"]), pieces=st.integers(1, 4))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_table_written_by_the_csv_module_reads_back_identically(
    tmp_path_factory, table, encoding, pieces
):
    headers, body = table
    folder = tmp_path_factory.mktemp("csv")
    f = folder / "t.csv"
    f.write_bytes(_csv([headers, *body]).encode(encoding))
    con = duckdb.connect()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(encodings, "PIECES", pieces)
        # Named, as a mapping profile can: guessing the encoding of a few bytes is not
        # what this is about (the import tests below detect it on realistic headers).
        raw = read_raw(con, f, folder, delimiter=",", encoding=encoding.replace("gbk", "gb18030"))
    assert raw.headers == headers and raw.rows == len(body)
    cells = ", ".join(f"c{i}" for i in range(len(headers)))
    got = con.execute(f"SELECT __row, {cells}, __shape FROM raw_numbered ORDER BY __row").fetchall()
    assert [r[0] for r in got] == list(range(2, len(body) + 2))
    assert [list(r[1:-1]) for r in got] == body
    assert all(r[-1] is None for r in got)  # every record has the header's fields
    con.close()


_examples = itertools.count()


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory):
    # One workspace for every example: each imports other records (ids carry its number).
    ws = Workspace.init(tmp_path_factory.mktemp("shared") / "ws")
    yield ws
    ws.close()


@given(
    comments=st.lists(st.tuples(CELL, st.booleans()), min_size=1, max_size=10),
    encoding=st.sampled_from(["utf-8", "gbk"]),
    streamed=st.booleans(),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_rejected_rows_are_numbered_by_record_in_either_encoding(
    tmp_path_factory, shared_ws, comments, encoding, streamed
):
    folder = tmp_path_factory.mktemp("imp")
    ws = shared_ws
    n = next(_examples)
    rows = [[f"S{n}-{i}", "A1", WHEN if ok else "昨天", text]
            for i, (text, ok) in enumerate(comments)]  # fmt: skip
    f = folder / "surveys.csv"
    f.write_bytes(_csv([SURVEYS, *rows]).encode(encoding))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(encodings, "PIECES", 3)
        if streamed:
            mp.setattr(encodings, "STREAM_BYTES", 0)
            mp.setattr(encodings, "CONVERT_BYTES", 64)
        r = import_file(ws, f)
    assert r.rows_read == len(rows)
    bad = [(i + 2, row) for i, row in enumerate(rows) if row[2] != WHEN]
    got = [x for x in rejects(ws) if x.batch_id == r.batch]
    assert [x.row for x in got] == [row for row, _ in bad]
    assert [list(x.raw.values()) for x in got] == [row for _, row in bad]
    kept = {
        x["survey_id"]: (x["comment"], x["source_row"])
        for x in stored(ws, "surveys")
        if x["batch_id"] == r.batch
    }
    assert kept == {row[0]: (row[3] or None, i + 2) for i, row in enumerate(rows) if row[2] == WHEN}
