"""Caps on one imported file: a file over one loads nothing and names the cap and its figure.

The files are tiny crafted copies of the costly ones: a sheet claiming a million rows,
ten thousand columns, a 5 MB line.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from kefu.cli import app
from kefu.ingest import import_file
from kefu.ingest.limits import LimitExceeded
from kefu.settings import Settings
from kefu.store.catalog import BatchState, ImportBatch, ImportReject
from kefu.workspace import Workspace
from tests.ingest.helpers import rejects, stored, write

HEADER = "contact_id,channel,agent_id,offered_at,answered_at,ended_at,talk_seconds\n"
GOOD = "C{i},phone,A1,2026-10-01 08:00:00,,,{i}\n"


def _limited(ws: Workspace, **caps: int) -> Workspace:
    """The same workspace with some caps lowered in its kefu.yaml."""
    path = ws.home / "kefu.yaml"
    settings = Settings.parse({**Settings.load(path).model_dump(exclude_unset=True), **caps})
    settings.dump(path)
    ws.close()
    return Workspace.open(ws.home)


def _nothing_loaded(ws: Workspace, table: str = "contacts") -> None:
    assert stored(ws, table) == []
    with ws.db.session() as s:
        committed = s.scalar(
            select(func.count())
            .select_from(ImportBatch)
            .where(ImportBatch.state == BatchState.COMMITTED)
        )
        assert committed == 0
        assert s.scalar(select(func.count()).select_from(ImportReject)) == 0


def test_ten_thousand_columns_are_refused_before_duckdb_reads_them(ws, tmp_path):
    names = ",".join(f"h{i}" for i in range(10_000))
    f = write(tmp_path / "contacts.csv", names + "\n" + ",".join("1" * 10_000) + "\n")
    with pytest.raises(LimitExceeded) as caught:
        import_file(ws, f)
    e = caught.value
    assert (e.cap, e.figure, e.limit, e.setting) == ("columns", 10_000, 1_000, "import_max_columns")
    assert e.message == (
        "contacts.csv: the file has 10,000 columns; at most 1,000 can be imported "
        "(setting import_max_columns)"
    )
    assert e.key == "pages.imports.limit.columns"
    _nothing_loaded(ws)


def test_a_5_mb_line_of_commas_is_refused_on_its_first_megabyte(ws, tmp_path):
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"x," * 2_500_000 + b"\n")
    with pytest.raises(LimitExceeded, match="columns; at most 1,000") as caught:
        import_file(ws, f)
    assert caught.value.figure > 500_000  # as many as the first megabyte holds
    _nothing_loaded(ws)


def test_rows_over_the_cap_load_nothing(ws, tmp_path):
    ws = _limited(ws, import_max_rows=3)
    f = write(tmp_path / "contacts.csv", HEADER + "".join(GOOD.format(i=i) for i in range(4)))
    with pytest.raises(LimitExceeded, match="has 4 data rows; at most 3 can be imported"):
        import_file(ws, f)
    _nothing_loaded(ws)
    three = write(tmp_path / "contacts3.csv", HEADER + "".join(GOOD.format(i=i) for i in range(3)))
    assert import_file(ws, three).accepted == 3
    ws.close()


def test_a_cell_over_the_cap_loads_nothing_and_names_its_column(ws, tmp_path):
    ws = _limited(ws, import_max_cell_bytes=10)
    f = write(tmp_path / "contacts.csv", HEADER + "C1,phone,A123456789X,2026-10-01 08:00:00,,,\n")
    with pytest.raises(LimitExceeded) as caught:
        import_file(ws, f)
    assert caught.value.message == (
        "contacts.csv: a cell of column agent_id holds 11 bytes; at most 10 are allowed "
        "(setting import_max_cell_bytes)"
    )
    # A rejected row keeps its cells in the reject log: those count too.
    bad = write(tmp_path / "contacts2.csv", HEADER + "C1,phone,A1,when-is-this?,,,\n")
    with pytest.raises(LimitExceeded, match="column offered_at holds 13 bytes"):
        import_file(ws, bad)
    # So do the cells of a row rejected after the pass (a repeated key), read back.
    ws = _limited(ws, import_max_cell_bytes=20)
    dup = write(tmp_path / "contacts3.csv", HEADER.replace("\n", ",note\n")
                + "C1,phone,A1,2026-10-01 08:00:00,,,,ok\nC1,phone,A1,2026-10-01 08:00:00,,,,"
                + "x" * 21 + "\n")  # fmt: skip
    with pytest.raises(LimitExceeded, match="column note holds 21 bytes; at most 20"):
        import_file(ws, dup)
    _nothing_loaded(ws)
    ws.close()


def test_rejects_beyond_the_cap_are_counted_and_the_first_ones_kept(ws, tmp_path):
    ws = _limited(ws, import_max_rejects=2)
    bad = "".join(f"C{i},phone,A1,yesterday,,,\n" for i in range(5))
    f = write(tmp_path / "contacts.csv", HEADER + GOOD.format(i=9) + bad)
    r = import_file(ws, f)
    assert (r.accepted, r.rejected, r.rejects_kept) == (1, 5, 2)
    assert [x.row for x in rejects(ws)] == [3, 4]
    assert r.message.endswith(
        "the reject log keeps the first 2 of the 5 rejected rows (setting import_max_rejects)"
    )
    with ws.db.session() as s:
        assert s.get(ImportBatch, r.batch).rejected == 5
    out = CliRunner().invoke(app, ["import", str(write(tmp_path / "c2.csv", HEADER + bad)),
                                   "--home", str(ws.home)])  # fmt: skip
    assert "c2.csv: the reject log keeps the first 2 of the 5 rejected rows" in out.output
    ws.close()


def test_blank_rows_are_skipped_not_rejected(ws, tmp_path):
    rows = GOOD.format(i=1) + ",,,,,,\n" + " , ,,,,,\n" + ",,\n" + "C2,phone,A1,yesterday,,,\n"
    r = import_file(ws, write(tmp_path / "contacts.csv", HEADER + rows))
    assert (r.rows_read, r.accepted, r.rejected, r.skipped) == (5, 1, 1, 3)
    (rej,) = rejects(ws)
    assert rej.row == 6  # header 1, C1 2, three blank rows 3–5


# -- Excel -------------------------------------------------------------------------
def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _patched(data: bytes, path: Path, *, dimension: str | None = None, extra: str = "") -> Path:
    """The workbook with its sheet's <dimension> replaced and ``extra`` rows appended."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                if dimension:
                    text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>',
                                  text)  # fmt: skip
                text = text.replace("</sheetData>", extra + "</sheetData>")
                content = text.encode()
            out.writestr(item, content)
    return path


ROWS = [["通话ID", "渠道", "坐席工号", "进线时间"], ["C1", "电话", "A1", "2026-10-01 08:00:00"],
        ["C2", "电话", "A1", "2026-10-01 09:00:00"]]  # fmt: skip
STRAY = '<row r="{r}"><c r="{c}{r}" t="inlineStr"><is><t></t></is></c></row>'


def test_a_sheet_whose_range_reaches_row_1048576_loads_its_rows_without_rejects(ws, tmp_path):
    # 5 KB: two contacts and one empty cell on Excel's last row, so the used range
    # holds a million rows. They are blank: skipped, not a million rejects.
    f = _patched(_workbook(ROWS), tmp_path / "contacts.xlsx",
                 dimension="A1:D1048576", extra=STRAY.format(r=1048576, c="A"))  # fmt: skip
    assert f.stat().st_size < 10_000
    r = import_file(ws, f)
    assert (r.rows_read, r.accepted, r.rejected) == (2, 2, 0)
    assert rejects(ws) == []


def test_a_sheet_reaching_cell_xfd1048576_is_refused_before_it_is_unpacked(ws, tmp_path):
    f = _patched(_workbook(ROWS), tmp_path / "contacts.xlsx",
                 extra=STRAY.format(r=1048576, c="XFD"))  # fmt: skip
    with pytest.raises(LimitExceeded) as caught:
        import_file(ws, f)
    assert caught.value.cap == "columns" and caught.value.figure == 16_384
    _nothing_loaded(ws)
    ws = _limited(ws, import_max_columns=20_000)
    with pytest.raises(LimitExceeded) as caught:
        import_file(ws, f)
    assert caught.value.message == (
        "contacts.xlsx: sheet 'Sheet' spans A1:XFD1048576 (17,179,869,184 cells); "
        "at most 50,000,000 can be read (setting import_max_sheet_cells)"
    )
    ws.close()


@pytest.mark.parametrize(
    ("dimension", "said"),
    [("A1:XFD3", "has 16,384 columns"), ("A1:D200000001", "has 200,000,000 data rows")],
)
def test_a_declared_dimension_over_the_caps_is_refused(ws, tmp_path, dimension, said):
    f = _patched(_workbook(ROWS), tmp_path / "contacts.xlsx", dimension=dimension)
    with pytest.raises(LimitExceeded, match=said):
        import_file(ws, f)


def test_a_sheet_that_unpacks_over_the_cap_is_refused(ws, tmp_path):
    ws = _limited(ws, import_max_sheet_bytes=500)
    f = tmp_path / "contacts.xlsx"
    f.write_bytes(_workbook(ROWS))
    with pytest.raises(LimitExceeded, match=r"sheet 'Sheet' unpacks to [\d,]+ bytes; at most 500"):
        import_file(ws, f)
    ws.close()


def test_blank_sheet_rows_are_skipped_and_later_rows_keep_their_numbers(ws, tmp_path):
    rows = [*ROWS[:2], [None, None, None, None], ["", "", "", ""], ["C3", "电话", "A1", "昨天"]]
    f = tmp_path / "contacts.xlsx"
    f.write_bytes(_workbook(rows))
    r = import_file(ws, f)
    assert (r.accepted, r.rejected) == (1, 1)
    assert rejects(ws)[0].row == 5


def test_an_excel_cell_over_the_cap_is_refused(ws, tmp_path):
    ws = _limited(ws, import_max_cell_bytes=10)
    f = tmp_path / "contacts.xlsx"
    f.write_bytes(_workbook(ROWS))
    with pytest.raises(LimitExceeded, match="a cell of column 进线时间 holds 19 bytes"):
        import_file(ws, f)
    ws.close()
