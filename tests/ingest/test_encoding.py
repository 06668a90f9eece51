"""Encoding conversion: pieces cut between records, iconv and Python alike."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.ingest import encoding
from kefu.ingest.encoding import Unreadable, record_ranges, transcode

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
        monkeypatch.setattr(encoding.shutil, "which", lambda _name: None)
    src = tmp_path / "agents.csv"
    src.write_bytes(TEXT.encode("gbk"))
    pieces = transcode(src, "gb18030", tmp_path)
    assert "".join(p.read_text(encoding="utf-8") for p in pieces) == TEXT


@pytest.mark.parametrize("tool", [True, False], ids=["iconv", "python"])
def test_invalid_gbk_bytes_name_their_position_in_the_file(tmp_path, monkeypatch, tool):
    if not tool:
        monkeypatch.setattr(encoding.shutil, "which", lambda _name: None)
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
    monkeypatch.setattr(encoding, "CONVERT_BYTES", 100)
    src = tmp_path / "agents.csv"
    src.write_bytes(TEXT.encode("gbk"))
    pieces = transcode(src, "gb18030", tmp_path)
    assert "".join(p.read_text(encoding="utf-8") for p in pieces) == TEXT
