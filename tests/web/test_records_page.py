"""The records drill-down page and its downloads, on :mod:`tests.web.records_data`.

Expected records, counts and words are those worked out by hand in that module.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from kefu.users.roles import Role
from kefu.workspace import Workspace
from tests.web.records_data import build
from tests.web.support import Web, make_web

PAGE = "/agents/A1/records?period=2026-10&indicator=complaint_rate"


@pytest.fixture
def app(ws: Workspace) -> Web:
    build(ws)
    return make_web(ws)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _table(html: str, kind: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (cell texts) of the records table of one kind."""
    found = re.search(rf'<table[^>]*id="records-{kind}">(.*?)</table>', html, re.S)
    assert found is not None, f"no {kind} table"
    head = [_text(h) for h in re.findall(r"<th>(.*?)</th>", found.group(1), re.S)]
    body = re.findall(r"<tr>(.*?)</tr>", found.group(1).split("</thead>")[1], re.S)
    rows = [[_text(c) for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in body]
    return head, rows


def _chips(html: str) -> dict[str, str]:
    return {
        k: _text(v)
        for k, v in re.findall(r'<a class="chip[^"]*" data-counted="([^"]+)"[^>]*>(.*?)</a>', html)
    }


def test_a_complaint_figure_shows_its_complaints_and_its_contacts_apart(app: Web) -> None:
    page = app.login("mgr", Role.manager).get(PAGE).text
    kinds = re.findall(r'<section class="record-kind" data-table="([^"]+)">', page)
    assert kinds == ["complaints", "contacts"]
    head, rows = _table(page, "complaints")
    assert head[:4] == ["记录编号", "计入分子", "计入分母", "受理时间"]
    assert "是否客服责任" in head and "状态" in head and head[-1] == "操作"
    k1 = dict(zip(head, rows[0], strict=True))
    assert (k1["记录编号"], k1["计入分子"], k1["是否客服责任"], k1["状态"]) == (
        "K1",
        "是",
        "是",
        "成立",
    )
    assert k1["受理时间"] == "2026年10月6日 11:00 (UTC+8)"
    head, rows = _table(page, "contacts")
    assert "操作" not in head  # a contact is not appealed
    assert [r[0] for r in rows] == ["C0", "C1", "C2", "C9"]
    c9 = dict(zip(head, rows[3], strict=True))
    assert (c9["渠道"], c9["呼叫方向"], c9["计入分子"], c9["计入分母"]) == (
        "电话",
        "呼出",
        "否",
        "是",
    )
    assert dict(zip(head, rows[0], strict=True))["呼叫方向"] == "呼入"
    assert "phone" not in _text(page) and "offered_at" not in page


def test_numerator_and_denominator_read_as_integers(app: Web) -> None:
    page = app.login("mgr", Role.manager).get(PAGE).text
    assert re.search(r'id="records-numerator">1<', page)
    assert re.search(r'id="records-denominator">4<', page)


def test_filter_chips_count_each_kind_and_not_counted_lists_what_the_figure_leaves_out(
    app: Web,
) -> None:
    client = app.login("mgr", Role.manager)
    chips = _chips(client.get(PAGE).text)
    assert chips == {"all": "全部计入 5", "numerator": "计入分子 1", "denominator": "仅计入分母 4",
                     "not_counted": "未计入 1"}  # fmt: skip
    left_out = client.get(PAGE + "&counted=not_counted").text
    assert re.findall(r'data-table="([^"]+)">', left_out) == ["complaints"]
    head, rows = _table(left_out, "complaints")
    k2 = dict(zip(head, rows[0], strict=True))
    assert (k2["记录编号"], k2["是否客服责任"], k2["状态"], k2["计入分母"]) == (
        "K2",
        "否",
        "不成立",
        "否",
    )
    denominators = client.get(PAGE + "&counted=denominator").text
    assert re.findall(r'data-table="([^"]+)">', denominators) == ["contacts"]
    assert client.get(PAGE + "&counted=everything").status_code == 400


def test_complaint_rows_link_to_the_appeal_form_prefilled(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    page = client.get(PAGE).text
    assert 'href="/appeals?table=complaints&amp;record_id=K1#appeal-form"' in page
    assert "申诉此记录" in page
    form = client.get("/appeals?table=complaints&record_id=K1").text
    assert 'value="K1"' in form


def test_hr_sees_records_without_an_appeal_button(app: Web) -> None:
    hr = app.login("hr", Role.hr, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    page = hr.get("/agents/A1/records?period=2026-09&indicator=complaint_rate")
    assert page.status_code == 200
    assert "申诉此记录" not in page.text


def test_records_page_in_english_speaks_english(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": app.csrf(client, "/")})
    page = client.get(PAGE).text
    head, rows = _table(page, "contacts")
    c9 = dict(zip(head, rows[3], strict=True))
    assert (c9["Channel"], c9["Direction"], c9["In numerator"]) == ("phone", "outbound", "no")
    assert c9["Offered at"] == "9 Oct 2026 10:00 (UTC+8)"
    assert _chips(page)["not_counted"] == "Not counted 1"


def test_the_filtered_records_download_as_xlsx_all_of_them(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    # a page of 2 records, but the download holds all 5
    assert len(re.findall(r"<tr>", client.get(PAGE + "&per_page=2").text)) < 8
    got = client.get("/agents/A1/records.xlsx?period=2026-10&indicator=complaint_rate")
    assert got.status_code == 200
    rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(
        values_only=True)]  # fmt: skip
    head = rows[0]
    assert head[:2] == ["数据表", "记录编号"]
    assert [r[1] for r in rows[1:]] == ["K1", "C0", "C1", "C2", "C9"]
    assert [r[0] for r in rows[1:]] == ["投诉"] + ["通话与会话"] * 4
    c9 = dict(zip(head, rows[5], strict=True))
    assert (c9["渠道"], c9["呼叫方向"]) == ("电话", "呼出")
    assert isinstance(c9["行号"], int)
    only = client.get(
        "/agents/A1/records.xlsx?period=2026-10&indicator=complaint_rate&counted=not_counted"
    )
    left = [list(r) for r in openpyxl.load_workbook(io.BytesIO(only.content)).active.iter_rows(
        values_only=True)]  # fmt: skip
    assert [r[1] for r in left[1:]] == ["K2"]


def test_the_records_download_as_csv(app: Web) -> None:
    client = app.login("mgr", Role.manager)
    got = client.get("/agents/A1/records.csv?period=2026-10&indicator=complaint_rate")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["数据表", "记录编号", "计入分子", "计入分母"]
    assert [r[1] for r in rows[1:]] == ["K1", "C0", "C1", "C2", "C9"]
    assert rows[1][2:4] == ["是", "否"]  # a complaint is divided by contacts, not counted in them
    # the same request twice gives the same file
    again = client.get("/agents/A1/records.csv?period=2026-10&indicator=complaint_rate")
    assert again.content == got.content
