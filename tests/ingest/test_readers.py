from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.ingest import readers
from kefu.ingest.readers import Unreadable, record_ranges, transcode

TEXT = "工号,姓名,班组\n" + "".join(f"A{i},张{i}号,一组（华东）\n" for i in range(200))


@given(records=st.lists(st.lists(st.sampled_from(["a", "b,c", 'd"e', "f\ng", "h\r\n", ""]),
                                 min_size=1, max_size=3), max_size=30),
       pieces=st.integers(1, 5))  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_record_ranges_cover_the_file_in_order_and_cut_only_between_records(
    tmp_path_factory, records, pieces
):
    buf = io.StringIO()
    csv.writer(buf).writerows(records)
    data = buf.getvalue().encode()
    path = tmp_path_factory.mktemp("ranges") / "f.csv"
    path.write_bytes(data)
    ranges = record_ranges(path, pieces)
    assert 1 <= len(ranges) <= pieces
    assert b"".join(data[a : a + n] for a, n in ranges) == data
    assert all(n > 0 for _, n in ranges) or data == b""
    # Each piece, read alone, holds whole records: together they are the table.
    pieces_read = [list(csv.reader(io.StringIO(data[a : a + n].decode()))) for a, n in ranges]
    assert [r for piece in pieces_read for r in piece] == records


@pytest.mark.parametrize("tool", [True, False], ids=["iconv", "python"])
def test_gbk_is_transcoded_to_the_same_utf8_text_either_way(tmp_path, monkeypatch, tool):
    if not tool:
        monkeypatch.setattr(readers.shutil, "which", lambda _name: None)
    src = tmp_path / "agents.csv"
    src.write_bytes(TEXT.encode("gbk"))
    pieces = transcode(src, "gb18030", tmp_path)
    assert "".join(p.read_text(encoding="utf-8") for p in pieces) == TEXT


@pytest.mark.parametrize("tool", [True, False], ids=["iconv", "python"])
def test_invalid_gbk_bytes_name_their_position_in_the_file(tmp_path, monkeypatch, tool):
    if not tool:
        monkeypatch.setattr(readers.shutil, "which", lambda _name: None)
    good = TEXT.encode("gbk")
    src = tmp_path / "agents.csv"
    # 0x81 0x0A is no GB18030 character: the lead byte needs a trail byte. It starts
    # the last line, so the bytes before it are whole characters.
    at = good.rindex(b"\n", 0, len(good) - 1) + 1
    src.write_bytes(good[:at] + b"\x81\n" + good[at:])
    with pytest.raises(Unreadable, match=rf"byte {at} is not valid gb18030"):
        transcode(src, "gb18030", tmp_path)


def test_iconv_converts_in_pieces_of_whole_lines(tmp_path, monkeypatch):
    # Pieces far smaller than a line would cut characters in two; a few lines each here.
    monkeypatch.setattr(readers, "CONVERT_BYTES", 100)
    src = tmp_path / "agents.csv"
    src.write_bytes(TEXT.encode("gbk"))
    pieces = transcode(src, "gb18030", tmp_path)
    assert "".join(p.read_text(encoding="utf-8") for p in pieces) == TEXT


def test_a_large_gbk_file_streams_through_pipes_into_the_same_records(ws, tmp_path, monkeypatch):
    from kefu.ingest import import_file
    from tests.ingest.helpers import rejects, stored

    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)  # stream even this small file
    monkeypatch.setattr(readers, "CONVERT_BYTES", 4096)
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
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    monkeypatch.setattr(readers, "CONVERT_BYTES", 4096)


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
