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
