"""Imports in the reader's language: reject reasons, the file's own headers, batch labels.

The reject log keeps its stable reason codes (``unknown_agent: …``); the pages say them
as sentences and name a column as the file did.
"""

from __future__ import annotations

from pathlib import Path

from kefu.ingest import import_file
from kefu.users.roles import Role
from kefu.web.i18n import Translator
from kefu.web.import_text import file_label, header, reason
from tests.ingest.helpers import write
from tests.web.support import Web

ZH, EN = Translator("zh-CN"), Translator("en")
ROSTER = "工号,姓名,班组\nA001,张三,T1\n"
# Row 3 names an agent the roster does not know; row 4 a time no one can read.
TICKETS = (
    "工单号,处理人工号,创建时间\n"
    "W1,A001,2026-10-05 09:00:00\n"
    "W2,A404,2026-10-05 09:05:00\n"
    "W3,A001,昨天\n"
)


def test_an_unknown_agent_is_said_in_each_language() -> None:
    stored = "unknown_agent: agent is not in the roster"
    assert reason(ZH, "contacts", "agent_id", stored) == "坐席不在花名册中"
    assert reason(EN, "contacts", "agent_id", stored) == "the agent is not in the roster"


def test_a_duplicate_names_the_row_it_repeats() -> None:
    said = reason(ZH, "contacts", "contact_id", "duplicate_key: same key as row 7")
    assert said == "与第 7 行的编号重复"


def test_an_unreadable_time_says_what_a_time_looks_like() -> None:
    said = reason(ZH, "contacts", "offered_at", "unparsable: not a date and time (e.g. …)")
    assert said == "不是日期时间（如 2026-10-01 08:00:05）"


def test_a_range_keeps_its_bounds() -> None:
    assert reason(ZH, "surveys", "csat", "out_of_range: must be 1–5") == "应在 1 到 5 之间"


def test_a_reason_code_the_catalogue_does_not_know_is_still_a_sentence() -> None:
    assert reason(ZH, "contacts", None, "brand_new: something") == "不符合导入规则"


def test_the_column_is_named_by_the_files_own_header() -> None:
    raw = {"通话ID": "C2", "渠道": "电话", "坐席工号": "A404"}
    assert header("contacts", "agent_id", raw, ZH) == "坐席工号"
    # an English export keeps its English header
    assert header("contacts", "agent_id", {"agent_id": "A404"}, ZH) == "agent_id"


def test_a_column_the_row_does_not_show_gets_its_name_in_the_readers_language() -> None:
    assert header("contacts", "agent_id", {}, ZH) == "坐席工号"
    assert header("contacts", "agent_id", None, EN) != "agent_id"
    assert header("contacts", None, {}, ZH) is None


def test_records_kefu_wrote_itself_are_labelled_in_words() -> None:
    assert file_label("kefu: 1 improvement_items record(s)", ZH) == "系统写入的 1 条改进计划项记录"
    assert file_label("坐席花名册.csv", ZH) == "坐席花名册.csv"


def test_the_rejects_page_shows_the_files_header_and_the_reason_in_chinese(
    web: Web, tmp_path: Path
) -> None:
    import_file(web.ws, write(tmp_path / "花名册.csv", ROSTER))
    result = import_file(web.ws, write(tmp_path / "工单.csv", TICKETS))
    assert result.rejected == 2
    client = web.login("mgr", Role.manager)
    page = client.get(f"/imports/{result.batch}/rejects").text
    assert "处理人工号" in page and "坐席不在花名册中" in page
    assert "创建时间" in page and "不是日期时间" in page
    assert "unknown_agent" not in page and "agent_id" not in page and "unparsable" not in page
    # the stored codes are unchanged: the CSV download and the API keep them
    csv = client.get(f"/imports/{result.batch}/rejects.csv").content.decode("utf-8-sig")
    assert "unknown_agent" in csv
