from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from kefu.cli import app
from kefu.errors import KefuError, UsageError
from kefu.ingest.mapping import Profile, norm_header, parse_profile
from kefu.ingest.recognize import (
    available_profiles,
    match_headers,
    named_headers,
    peek,
    recognise,
    table_from_headers,
    table_from_name,
)
from kefu.store.catalog import ImportBatch
from kefu.store.tables import TABLES
from kefu.workspace import Workspace
from tests.ingest.helpers import stored, write

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("contacts.csv", "contacts"),
        ("contacts_2026-10.xlsx", "contacts"),
        ("工单.csv", "tickets"),
        ("10月工单导出.csv", "tickets"),
        ("质检记录.xlsx", "qa_evaluations"),
        ("qa_evaluations.csv", "qa_evaluations"),
        ("协作评价.csv", "ratings"),
        ("满意度评价.csv", "surveys"),
        ("花名册.xlsx", "agents"),
        ("export.csv", None),
    ],
)
def test_table_from_file_name(name, table):
    assert table_from_name(Path(name)) == table


def test_headers_match_aliases_whatever_the_case_spacing_or_width():
    found = match_headers(TABLES["contacts"], ["Contact ID", "ＣＨＡＮＮＥＬ", " 进线时间 ", "x"])
    assert found == {
        "contact_id": "Contact ID",
        "channel": "ＣＨＡＮＮＥＬ",
        "offered_at": " 进线时间 ",
    }


def test_table_from_headers_scores_required_columns():
    assert table_from_headers(Path("x.csv"), ["工单号", "处理人工号", "创建时间"]) == "tickets"
    assert table_from_headers(Path("x.csv"), ["投诉单号", "投诉时间", "处理状态"]) == "complaints"


def test_ambiguous_headers_name_the_candidates():
    # Both praise and operation errors fit an id-less agent/time pair of their own.
    headers = ["表扬编号", "差错编号", "工号", "表扬时间", "发生时间"]
    with pytest.raises(
        KefuError, match=r"several tables \((operation_errors, praise|praise, operation_errors)\)"
    ):
        table_from_headers(Path("x.csv"), headers)


def test_unrecognised_headers_are_listed():
    with pytest.raises(KefuError, match="headers \\(foo, bar\\)"):
        table_from_headers(Path("x.csv"), ["foo", "bar"])


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1))
def test_full_width_and_spacing_never_change_a_header(header):
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in header)
    assert norm_header(f"  {wide} ") == norm_header(header)


# Profile recognition: small synthetic profiles in the workspace's mappings/ folder.

ACME = """\
table: contacts
source: acme
description: Acme PBX calls
match_headers: false
columns:
  contact_id: CallRef
  channel: {const: phone}
  agent_id:
    when:
      - if: {column: Answered, equals: "Y"}
        then: Ext
  offered_at: Start
"""
# Names CallRef and Start only; other columns by header (match_headers defaults to true).
LOOSE = """\
table: contacts
description: Loose calls
columns:
  contact_id: CallRef
  offered_at: Start
  channel: {const: phone}
"""
# The same two headers as LOOSE under another name: a genuine tie.
TWIN = LOOSE.replace("Loose calls", "Twin calls")


def profiles(ws: Workspace, **texts: str) -> list[tuple[Profile, bool]]:
    for name, text in texts.items():
        (ws.mappings_dir / f"{name.replace('_', '-')}.yaml").write_text(text, encoding="utf-8")
    return [(p, b) for p, b in available_profiles(ws.mappings_dir) if not b]


def test_named_headers_leave_out_literals_and_constants():
    profile = parse_profile(ACME, name="acme")
    # "Y" is a value compared with, "phone" a constant: neither is a header.
    assert named_headers(profile) == {"CallRef", "Answered", "Ext", "Start"}


def test_the_one_fitting_profile_is_recognised(ws: Workspace):
    found = recognise(["callref", "Start", "Answered", "Ext", "Queue"], profiles(ws, acme=ACME))
    assert found.profile is not None and found.profile.name == "acme"
    # match_headers false: it reads exactly the four headers it names (not Queue).
    assert found.profile.reads == 4
    assert found.profile.label == "acme (Acme PBX calls)"


def test_a_missing_named_header_means_no_fit(ws: Workspace):
    found = recognise(["CallRef", "Start", "Answered"], profiles(ws, acme=ACME))
    assert found.profile is None and found.candidates == []


def test_match_headers_counts_the_aliases_of_unlisted_columns(ws: Workspace):
    fit = recognise(["CallRef", "Start", "工号", "通话时长", "x"], profiles(ws, loose=LOOSE))
    # CallRef, Start named; 工号 (agent_id) and 通话时长 (talk_seconds) by alias: 4, not x.
    assert fit.profile is not None and fit.profile.reads == 4


def test_several_fitting_profiles_are_candidates(ws: Workspace):
    found = recognise(["CallRef", "Start"], profiles(ws, loose=LOOSE, twin=TWIN))
    assert found.ambiguous and found.profile is None
    assert [c.name for c in found.candidates] == ["loose", "twin"]


def test_a_profile_naming_a_subset_of_anothers_headers_gives_way(ws: Workspace):
    # ACME names {CallRef, Answered, Ext, Start} ⊃ LOOSE's {CallRef, Start}.
    found = recognise(["CallRef", "Start", "Answered", "Ext"], profiles(ws, acme=ACME, loose=LOOSE))
    assert found.profile is not None and found.profile.name == "acme"


def test_a_profile_of_constants_only_fits_nothing(ws: Workspace):
    only = "table: contacts\ncolumns:\n  channel: {const: phone}\n"
    found = recognise(["contact_id", "offered_at", "channel"], profiles(ws, only=only))
    assert found.profile is None and found.candidates == []
    assert found.canonical == "contacts"


def test_a_canonical_layout_wins_a_tie_with_a_profile(ws: Workspace):
    # The profile names contact_id and offered_at (both canonical headers) and reads the
    # rest by alias: 3 headers, as many as the canonical layout matches → no profile.
    same = "table: contacts\ncolumns:\n  contact_id: contact_id\n  offered_at: offered_at\n"
    found = recognise(["contact_id", "channel", "offered_at"], profiles(ws, same=same))
    assert found.profile is None and found.candidates == []
    assert (found.canonical, found.canonical_reads) == ("contacts", 3)


def test_a_profile_reading_more_than_the_canonical_layout_wins(ws: Workspace):
    # Canonical: 通话ID, 渠道, 进线时间 (3). The profile also reads 分机 (named) → 4 > 3.
    more = "table: contacts\ncolumns:\n  agent_id: 分机\n  contact_id: 通话ID\n"
    found = recognise(["通话ID", "渠道", "进线时间", "分机"], profiles(ws, more=more))
    assert found.profile is not None and found.profile.name == "more"


def test_table_option_limits_the_profiles(ws: Workspace):
    tickets = "table: tickets\ncolumns:\n  ticket_id: CallRef\n  created_at: Start\n"
    found = recognise(["CallRef", "Start"], profiles(ws, loose=LOOSE, tix=tickets),
                      table="tickets")  # fmt: skip
    assert found.profile is not None and found.profile.name == "tix"


def test_a_broken_workspace_profile_is_left_out(ws: Workspace):
    assert profiles(ws, broken="table: nowhere\n", acme=ACME) == [
        (parse_profile(ACME, name="acme"), False)
    ]


def test_peek_reads_headers_under_a_title_line_and_the_first_rows(ws: Workspace, tmp_path: Path):
    profiles(ws, acme=ACME)
    f = write(tmp_path / "x.csv", "Acme export 2026-10\nCallRef,Start\nR1,2026-10-01 09:00\nR2,\n")
    seen = peek(ws, f, rows=5)
    assert seen.headers == ["CallRef", "Start"]
    assert seen.rows == [["R1", "2026-10-01 09:00"], ["R2", None]]


ACME_FILE = "CallRef,Start,Answered,Ext\nR1,2026-10-01 09:00,Y,A1\nR2,2026-10-01 09:05,N,\n"


def test_cli_imports_a_recognised_file_and_says_which_profile(ws: Workspace, tmp_path: Path):
    profiles(ws, acme=ACME)
    f = write(tmp_path / "export.csv", ACME_FILE)
    out = runner.invoke(app, ["import", str(f), "--home", str(ws.home)])
    assert out.exit_code == 0, out.output
    assert "export.csv: recognised as acme (Acme PBX calls)" in out.output
    rows = stored(Workspace.open(ws.home), "contacts")
    # R1 answered → agent A1; R2 not answered → no agent (the when has no else).
    assert [(r["contact_id"], r["agent_id"], r["source"]) for r in rows] == [
        ("R1", "A1", "acme"),
        ("R2", None, "acme"),
    ]


def test_cli_asks_for_a_mapping_when_several_fit_and_writes_nothing(ws: Workspace, tmp_path: Path):
    profiles(ws, loose=LOOSE, twin=TWIN)
    f = write(tmp_path / "export.csv", "CallRef,Start\nR1,2026-10-01 09:00\n")
    out = runner.invoke(app, ["import", str(f), "--home", str(ws.home)])
    # main() turns the UsageError into exit status 2 and this one line.
    assert isinstance(out.exception, UsageError) and out.exception.exit_code == 2
    assert out.exception.message == (
        "export.csv: the headers fit several mapping profiles "
        "(loose (Loose calls); twin (Twin calls)); choose one with --mapping"
    )
    with ws.db.session() as s:
        assert s.scalars(select(ImportBatch)).first() is None


def test_cli_mapping_option_settles_the_question(ws: Workspace, tmp_path: Path):
    profiles(ws, loose=LOOSE, twin=TWIN)
    f = write(tmp_path / "export.csv", "CallRef,Start\nR1,2026-10-01 09:00\n")
    out = runner.invoke(app, ["import", str(f), "--mapping", "twin", "--home", str(ws.home)])
    assert out.exit_code == 0, out.output
    assert "recognised" not in out.output


def test_cli_canonical_layout_imports_with_no_profile(ws: Workspace, tmp_path: Path):
    profiles(ws, acme=ACME)
    f = write(tmp_path / "calls.csv", "contact_id,channel,offered_at\nC1,phone,2026-10-01\n")
    out = runner.invoke(app, ["import", str(f), "--home", str(ws.home)])
    assert out.exit_code == 0, out.output
    assert "recognised" not in out.output
    assert [r["contact_id"] for r in stored(Workspace.open(ws.home), "contacts")] == ["C1"]
