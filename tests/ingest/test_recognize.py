from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.errors import KefuError
from kefu.ingest.mapping import norm_header
from kefu.ingest.recognize import match_headers, table_from_headers, table_from_name
from kefu.store.tables import TABLES


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
