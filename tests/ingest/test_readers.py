from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.ingest import readers
from kefu.ingest.readers import Unreadable, line_ranges, transcode

TEXT = "工号,姓名,班组\n" + "".join(f"A{i},张{i}号,一组（华东）\n" for i in range(200))


@given(lines=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=40),
       pieces=st.integers(1, 5), tail=st.booleans())  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_line_ranges_cover_the_file_in_order_and_cut_only_after_line_feeds(
    tmp_path_factory, lines, pieces, tail
):
    data = b"\n".join(lines) + (b"\n" if tail and lines else b"")
    path = tmp_path_factory.mktemp("ranges") / "f.csv"
    path.write_bytes(data)
    ranges = line_ranges(path, pieces)
    assert 1 <= len(ranges) <= pieces
    assert "".join(data[a : a + n].decode("latin-1") for a, n in ranges) == data.decode("latin-1")
    assert all(n > 0 for _, n in ranges) or data == b""
    for a, _ in ranges[1:]:
        assert data[a - 1 : a] == b"\n"


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
