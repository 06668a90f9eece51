"""Reading exports: GBK streamed through pipes into the same records as converted ones."""

from __future__ import annotations

import pytest

from kefu.ingest import encoding
from kefu.ingest.readers import Unreadable


def test_a_large_gbk_file_streams_through_pipes_into_the_same_records(ws, tmp_path, monkeypatch):
    from kefu.ingest import import_file
    from tests.ingest.helpers import rejects, stored

    monkeypatch.setattr(encoding, "STREAM_BYTES", 1000)  # stream even this small file
    monkeypatch.setattr(encoding, "CONVERT_BYTES", 4096)
    rows = "".join(f"C{i},电话,A{i % 7},2026-10-01 08:00:{i % 60:02d},,,{i}\n" for i in range(3000))
    bad = "C9999,电话,A1,昨天,,,\n"
    text = "通话ID,渠道,坐席工号,进线时间,应答时间,挂机时间,通话时长\n" + rows + bad
    f = tmp_path / "contacts.csv"
    f.write_bytes(text.encode("gbk"))
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (3001, 3000, 1)
    (rej,) = rejects(ws)
    assert (rej.row, rej.raw["进线时间"]) == (3002, "昨天")
    got = stored(ws, "contacts")
    assert [x["contact_id"] for x in got[:2]] == ["C0", "C1"] and got[-1]["talk_seconds"] == 2999
    assert {x["channel"] for x in got} == {"phone"}


def _streamed(monkeypatch):
    monkeypatch.setattr(encoding, "STREAM_BYTES", 1000)
    monkeypatch.setattr(encoding, "CONVERT_BYTES", 4096)


HEADER_ZH = "通话ID,渠道,坐席工号,进线时间,应答时间,挂机时间,通话时长\n"


def test_a_repeated_key_in_a_streamed_file_reads_the_rejected_row_back(ws, tmp_path, monkeypatch):
    from kefu.ingest import import_file
    from tests.ingest.helpers import rejects

    _streamed(monkeypatch)
    rows = "".join(f"C{i},电话,A1,2026-10-01 08:00:00,,,{i}\n" for i in range(2000))
    f = tmp_path / "contacts.csv"
    f.write_bytes((HEADER_ZH + rows + "C5,在线,A2,2026-10-01 09:00:00,,,1\n").encode("gbk"))
    r = import_file(ws, f)
    assert (r.accepted, r.rejected) == (2000, 1)
    (rej,) = rejects(ws)
    assert (rej.row, rej.raw["渠道"], rej.raw["坐席工号"]) == (2002, "在线", "A2")


def test_invalid_bytes_in_a_streamed_file_load_nothing(ws, tmp_path, monkeypatch):
    from kefu.ingest import import_file
    from tests.ingest.helpers import stored

    _streamed(monkeypatch)
    # Past the 1 MB sample that encodings are detected on, as in a real export.
    good = HEADER_ZH + "".join(f"C{i},电话,A1,2026-10-01 08:00:00,,,{i}\n" for i in range(30000))
    data = good.encode("gbk")
    at = data.rindex(b"\n", 0, len(data) - 1) + 1
    f = tmp_path / "contacts.csv"
    f.write_bytes(data[:at] + b"\x81\n" + data[at:])
    with pytest.raises(Unreadable, match=rf"byte {at} is not valid"):
        import_file(ws, f)
    assert stored(ws, "contacts") == []


# --- JSON Lines, JSON documents and zip exports (kefu.ingest.jsonfile).


def _raw(path, tmp_path, **options):  # type: ignore[no-untyped-def]
    """(headers, rows as {header: text} with their __row) read from ``path``."""
    import duckdb

    from kefu.ingest.readers import read_raw

    con = duckdb.connect()
    raw = read_raw(con, path, tmp_path / "session", **options)
    names = ", ".join(f'"{c}"' for c in raw.columns.values())
    rows = con.execute(f"SELECT __row, {names} FROM raw ORDER BY __row").fetchall()
    return raw.headers, [(r[0], dict(zip(raw.headers, r[1:], strict=True))) for r in rows]


def test_json_lines_flatten_nested_keys_and_keep_numbers_as_written(tmp_path):
    f = tmp_path / "ctr.jsonl"
    f.write_text(
        '{"ContactId": "c1", "Agent": {"Id": "a1", "Hierarchy": {"L1": "x"}}, "n": 1.50,'
        ' "big": 12345678901234567890, "e": 1e3, "ok": true, "tags": ["p", 2], "gone": null}\n'
        "\n"
        '{"ContactId": "c2", "Agent": {"Id": "a2"}, "late": "new key"}\n',
        encoding="utf-8",
    )
    headers, rows = _raw(f, tmp_path)
    assert headers == [
        "ContactId", "Agent.Id", "Agent.Hierarchy.L1", "n", "big", "e", "ok", "tags", "gone",
        "late",
    ]  # fmt: skip
    (n1, first), (n2, second) = rows
    # Rows are numbered by their line: the blank line 2 is counted, as an editor shows it.
    assert (n1, n2) == (1, 3)
    assert first["Agent.Hierarchy.L1"] == "x" and first["n"] == "1.50" and first["e"] == "1e3"
    assert first["big"] == "12345678901234567890" and first["ok"] == "true"
    assert first["tags"] == "p,2" and first["gone"] is None and first["late"] is None
    assert second["Agent.Id"] == "a2" and second["late"] == "new key"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1}\n{"a": 2}\n{"a": 3}\n\n{"a": 5}\n{"a": 6}\n{"a": 7,}\n', "line 7: not valid"),
        ('{"a": 1}\n[1, 2]\n', "line 2: not a JSON object"),
    ],
)
def test_a_broken_json_line_is_named_by_its_line(tmp_path, text, message):
    f = tmp_path / "s.jsonl"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(Unreadable, match=message):
        _raw(f, tmp_path)


def test_a_json_document_reads_the_records_at_a_path_or_the_only_list(tmp_path):
    f = tmp_path / "cdr.json"
    f.write_text(
        '{"Code": "OK", "Data": {"List": [{"ContactId": "k1"}, {"ContactId": "k2"}], '
        '"PageNumber": 1}}',
        encoding="utf-8",
    )
    _, rows = _raw(f, tmp_path, records="Data.List")
    assert [(n, r["ContactId"]) for n, r in rows] == [(1, "k1"), (2, "k2")]
    g = tmp_path / "list.json"
    g.write_text('{"total": 2, "items": [{"id": "x"}, {"id": "y"}]}', encoding="utf-8")
    assert [r["id"] for _, r in _raw(g, tmp_path)[1]] == ["x", "y"]
    h = tmp_path / "array.json"
    h.write_text('[\n  {"id": "x"},\n  {"id": "y", "z": {"w": 0}}\n]\n', encoding="utf-8")
    assert [r["z.w"] for _, r in _raw(h, tmp_path)[1]] == [None, "0"]


def test_a_json_file_of_one_object_per_line_is_json_lines(tmp_path):
    f = tmp_path / "export.json"
    f.write_text('{"id": "x"}\n{"id": "y"}\n', encoding="utf-8")
    assert [n for n, _ in _raw(f, tmp_path)[1]] == [1, 2]


@pytest.mark.parametrize(
    ("text", "records", "message"),
    [
        ('{"a": [{"x": 1}], "b": [{"y": 2}]}', None, "could be under any of a, b"),
        ('{"Data": {"List": 3}}', "Data.List", "'Data.List' is not a list"),
        ('{"Data": {}}', "Data.List", "no key 'List' under Data"),
        ('{"a": 1,\n "b": }', None, "line 2: not valid JSON"),
        ("[1, 2]", None, "record 1 is not a JSON object"),
        ("[]", None, "holds no records"),
    ],
)
def test_a_json_document_that_cannot_be_read_says_why(tmp_path, text, records, message):
    f = tmp_path / "d.json"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(Unreadable, match=message):
        _raw(f, tmp_path, records=records)


def _zip(path, members):  # type: ignore[no-untyped-def]
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path


def test_a_zip_member_is_read_without_extracting_it(tmp_path):
    f = _zip(
        tmp_path / "export.zip",
        {"session.txt": '{"id": 1}\n{"id": 2}\n', "message.txt": '{"sessionId": 1}\n'},
    )
    _, rows = _raw(f, tmp_path, member="session.txt")
    assert [r["id"] for _, r in rows] == ["1", "2"]
    assert not list((tmp_path / "session").rglob("session.txt"))
    with pytest.raises(Unreadable, match=r"holds session\.txt, message\.txt; name the one"):
        _raw(f, tmp_path)
    with pytest.raises(Unreadable, match=r"no member 'sessions\.txt'"):
        _raw(f, tmp_path, member="sessions.txt")


def test_a_zip_holding_one_csv_reads_it_as_csv(tmp_path):
    f = _zip(tmp_path / "e.zip", {"calls.csv": "id,agent\n1,A1\n2,A2\n", "readme.md": "x"})
    headers, rows = _raw(f, tmp_path)
    assert headers == ["id", "agent"] and [r["agent"] for _, r in rows] == ["A1", "A2"]


def test_a_txt_file_of_json_objects_is_json_lines(tmp_path):
    f = tmp_path / "session.txt"
    f.write_text('{"id": 1, "s": {"t": "a,b"}}\n', encoding="utf-8")
    assert _raw(f, tmp_path)[1] == [(1, {"id": "1", "s.t": "a,b"})]


def test_json_files_over_the_limits_load_nothing(tmp_path):
    from kefu.ingest.limits import LimitExceeded, Limits

    f = tmp_path / "s.jsonl"
    f.write_text('{"a": 1, "b": 2}\n{"a": 3, "b": "xxxxxxxxxxxx"}\n{"a": 5}\n', encoding="utf-8")
    with pytest.raises(LimitExceeded, match="import_max_rows"):
        _raw(f, tmp_path, limits=Limits(rows=2))
    with pytest.raises(LimitExceeded, match="import_max_columns"):
        _raw(f, tmp_path, limits=Limits(columns=1))
    with pytest.raises(LimitExceeded, match="column b holds 12 bytes"):
        _raw(f, tmp_path, limits=Limits(cell_bytes=2))


def test_a_json_lines_reject_names_its_line(ws, tmp_path):
    from kefu.ingest import import_file
    from tests.ingest.helpers import rejects, stored

    f = tmp_path / "contacts.jsonl"
    f.write_text(
        '{"通话ID": "C1", "渠道": "电话", "进线时间": "2026-10-01 08:00:00"}\n'
        "\n"
        '{"通话ID": "C2", "渠道": "电话", "进线时间": "昨天"}\n',
        encoding="utf-8",
    )
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (2, 1, 1)
    (rej,) = rejects(ws)
    assert (rej.row, rej.raw["进线时间"]) == (3, "昨天")
    assert [x["source_row"] for x in stored(ws, "contacts")] == [1]
