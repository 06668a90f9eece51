from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.errors import UsageError
from kefu.reports.formatting import COLOURS, Rating
from kefu.reports.meta import ReportMeta
from kefu.reports.xlsx import SHEET_NAME_MAX, appraisal_workbook, sheet_name

HEADER_ROWS = 3  # title, indicator names, value/points


def _book(results: list[dict[str, Any]], meta: Any, locale: str = "zh-CN") -> Any:
    return openpyxl.load_workbook(io.BytesIO(appraisal_workbook(results, meta, locale=locale)))


def _table(sheet: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """The team sheet as (column keys, rows by key): group header + sub-header."""
    groups = [c.value for c in sheet[2]]
    subs = [c.value for c in sheet[3]]
    keys, current = [], None
    for g, s in zip(groups, subs, strict=True):
        current = g if g is not None else current if s is not None else None
        keys.append(f"{current}|{s}" if s is not None and current else g)
    rows = []
    for row in sheet.iter_rows(min_row=HEADER_ROWS + 1):
        if row[0].value is None or row[1].value is None:
            break
        rows.append({k: c for k, c in zip(keys, row, strict=True)})
    return keys, rows


def test_one_summary_sheet_then_one_sheet_per_team(results, meta) -> None:
    wb = _book(results, meta)
    assert wb.sheetnames == ["汇总", "一组", "二组"]


def test_team_sheets_carry_the_scores(results, meta) -> None:
    wb = _book(results, meta)
    _, rows = _table(wb["一组"])
    assert [r["工号"].value for r in rows] == ["A001", "A002"]
    first, second = rows
    assert first["姓名"].value == "张伟"
    assert first["总分"].value == pytest.approx(100 + 3)
    assert first["等级"].value == "S"
    assert second["总分"].value == pytest.approx(100 - (12 - 7.2) - 8 - (6 - 2) - 2)
    assert second["等级"].value == "B"
    assert (second["班组排名"].value, second["职场排名"].value, second["中心排名"].value) == (
        2,
        2,
        3,
    )
    assert second["一次性解决率 (12分)|得分"].value == pytest.approx(
        12 * (0.75 - 0.6) / (0.85 - 0.6)
    )
    assert second["加分"].value == 0
    _, rows = _table(wb["二组"])
    (only,) = rows
    assert only["总分"].value == pytest.approx(100 - 5)
    assert only["扣分"].value == 5
    assert only["一票否决"].value == "严重投诉成立 (C0042)"
    assert only["等级"].value == "C"


def test_dimension_points_are_shown_per_agent(results, meta) -> None:
    _, rows = _table(_book(results, meta)["一组"])
    second = rows[1]
    assert second["维度|响应与解决效率 (30分)"].value == pytest.approx(6 + 2 + 7.2 + 6)
    assert second["维度|服务质量与准确性 (30分)"].value == pytest.approx(10 + 8 + 0 + 4)


def test_header_rows_and_name_columns_are_frozen(results, meta) -> None:
    wb = _book(results, meta)
    for name in ("一组", "二组"):
        assert wb[name].freeze_panes == "C4"


def test_team_sheets_have_an_autofilter_on_the_header(results, meta) -> None:
    sheet = _book(results, meta)["一组"]
    assert sheet.auto_filter.ref is not None
    assert sheet.auto_filter.ref.startswith("A3:")
    assert sheet.auto_filter.ref.endswith("5")  # two agents below the header


def test_number_formats_follow_the_unit(results, meta) -> None:
    _, rows = _table(_book(results, meta)["一组"])
    second = rows[1]
    fcr = second["一次性解决率 (12分)|实际值"]
    assert fcr.value == pytest.approx(0.75) and fcr.number_format == "0.00%"
    aht = second["平均通话/交互时长(电话) (6分)|实际值"]
    assert aht.value == pytest.approx(500) and aht.number_format == "0.0"
    complaints = second["投诉率(客服直接导致) (8分)|实际值"]
    # Per thousand contacts: 3 / 500 = 0.006 → 6 ‰
    assert complaints.value == pytest.approx(3 / 500 * 1000)
    assert "‰" in complaints.number_format
    assert second["服务规范遵守度 (8分)|实际值"].number_format == "0.00"
    assert second["一次性解决率 (12分)|得分"].number_format == "0.00"
    assert second["总分"].number_format == "0.00"


def _fill(cell: Any) -> str:
    return "#" + cell.fill.fgColor.rgb[-6:].upper()


def test_indicator_values_are_coloured_against_the_scorecard(results, meta) -> None:
    _, rows = _table(_book(results, meta)["一组"])
    second = rows[1]
    green, amber, red, grey = (COLOURS[r][0] for r in Rating)
    # 0.95 ≥ target 0.9
    assert _fill(second["首次响应达标率 (6分)|实际值"]) == green
    # threshold 0.6 < 0.75 < target 0.85
    assert _fill(second["一次性解决率 (12分)|实际值"]) == amber
    # lower-better 0.006 ≥ threshold 0.005
    assert _fill(second["投诉率(客服直接导致) (8分)|实际值"]) == red
    # band [180, 420], tolerance 120: 500 is outside but before 540
    assert _fill(second["平均通话/交互时长(电话) (6分)|实际值"]) == amber
    # steps: 0.0005 ≤ 0.001 → share 1
    assert _fill(second["错误操作发生率 (4分)|实际值"]) == green
    # below the minimum sample: shown, grey, with the reason as a comment
    exam = second["培训考核成绩 (2分)|实际值"]
    assert _fill(exam) == grey
    assert "样本不足" in exam.comment.text
    assert "按零分计" in second["培训考核成绩 (2分)|得分"].comment.text


def test_summary_counts_means_and_grade_distribution(results, meta) -> None:
    sheet = _book(results, meta)["汇总"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[:3] == ["班组", "职场", "人数"])
    assert rows[header][6:11] == ["S", "A", "B", "C", "D"]
    team1, team2, centre = rows[header + 1 : header + 4]
    assert team1[:3] == ["一组", "北京职场", 2]
    assert team1[3] == pytest.approx((103 + 81.2) / 2)
    assert (team1[4], team1[5]) == (pytest.approx(103), pytest.approx(81.2))
    assert team1[6:11] == [1, 0, 1, 0, 0]
    assert team2[:3] == ["二组", "上海职场", 1]
    assert team2[6:11] == [0, 0, 0, 1, 0]
    assert centre[0] == "全中心" and centre[2] == 3
    assert centre[3] == pytest.approx((103 + 81.2 + 95) / 3)
    ranking = next(i for i, r in enumerate(rows) if r[:2] == ["中心排名", "工号"])
    ranked = [(r[0], r[1], r[5], r[6]) for r in rows[ranking + 1 : ranking + 4]]
    assert ranked == [(1, "A001", 103, "S"), (2, "B001", 95, "C"), (3, "A002", 81.2, "B")]
    assert sheet.auto_filter.ref.startswith(f"A{ranking + 1}:")


def test_english_headers(results, meta) -> None:
    wb = _book(results, meta, locale="en")
    assert wb.sheetnames[0] == "Summary"
    keys, rows = _table(wb["一组"])
    assert {"Agent ID", "Name", "Total", "Grade", "Team rank"} <= set(keys)
    assert "First-contact resolution (12 pts)|Value" in keys
    assert rows[0]["Total"].value == pytest.approx(103)


def test_unknown_locale_is_refused(results, meta) -> None:
    with pytest.raises(UsageError, match="unknown locale"):
        appraisal_workbook(results, meta, locale="fr")


def test_columns_are_wide_enough_for_chinese_names(results, meta) -> None:
    sheet = _book(results, meta)["一组"]
    # "北京职场": 4 CJK characters = 8 width units, plus padding.
    assert sheet.column_dimensions["D"].width >= 8
    assert sheet.column_dimensions["B"].width >= 6


def test_awkward_team_names_get_valid_unique_sheet_names(results, meta) -> None:
    results[0]["team"] = "热线/投诉:夜班*[A]?" + "长" * 40
    results[1]["team"] = "热线/投诉:夜班*[A]?" + "长" * 40 + "二"
    results[2]["team"] = "汇总"
    wb = _book(results, meta)
    assert len(wb.sheetnames) == 4
    assert len({n.casefold() for n in wb.sheetnames}) == 4
    for name in wb.sheetnames:
        assert len(name) <= SHEET_NAME_MAX and not set(name) & set("[]:*?/\\")


def test_no_results_still_gives_a_summary(meta) -> None:
    wb = _book([], meta)
    assert wb.sheetnames == ["汇总"]


@given(st.lists(st.text(max_size=60), max_size=8))
def test_sheet_names_are_always_valid_and_distinct(names: list[str]) -> None:
    taken: list[str] = ["汇总"]
    for n in names:
        name = sheet_name(n, taken)
        assert 1 <= len(name) <= SHEET_NAME_MAX
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
        assert name.casefold() not in {t.casefold() for t in taken}
        taken.append(name)


def test_pay_coefficient_column_when_the_results_carry_one(results, meta) -> None:
    for r, coefficient in zip(results, (1.5, 1.0, 0.8), strict=True):
        r["pay_coefficient"] = coefficient
    _, rows = _table(_book(results, meta)["一组"])
    assert [r["绩效系数"].value for r in rows] == [1.5, 1.0]
    assert rows[0]["绩效系数"].number_format == "0.00"


def test_a_draft_is_marked_on_every_sheet(results, meta) -> None:
    draft = ReportMeta.of(*meta.scorecards, status="stale", run="#3 rev 1")
    wb = _book(results, draft)
    summary = [[c.value for c in r] for r in wb["汇总"].iter_rows(max_row=3)]
    assert summary[2][:2] == ["状态:", "草稿(数据已更新,需重新评分) · 评分批次 #3 第 1 次修订"]
    for name in ("一组", "二组"):
        assert wb[name]["A1"].value.endswith("草稿(数据已更新,需重新评分)")
    final = _book(results, ReportMeta.of(*meta.scorecards, status="published"))
    assert "草稿" not in final["一组"]["A1"].value


def test_notes_column_explains_unusual_points_once(results, meta) -> None:
    _, rows = _table(_book(results, meta)["一组"])
    assert rows[0]["说明"].value is None
    assert rows[1]["说明"].value == "培训考核成绩 (2分): 样本不足 (1 < 2),按零分计"


def test_a_single_teams_book_has_no_row_claiming_to_be_the_centre(results, meta) -> None:
    one_team = [r for r in results if r["team"] == "一组"]
    sheet = _book(one_team, meta)["汇总"]
    values = [c.value for r in sheet.iter_rows() for c in r]
    assert "全中心" not in values
    assert "一组" in values


def test_some_teams_total_is_labelled_a_total_not_the_centre(results, meta) -> None:
    data = appraisal_workbook(results, meta, whole_centre=False)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["汇总"]
    firsts = [r[0].value for r in sheet.iter_rows()]
    assert "全中心" not in firsts and "合计" in firsts


def test_a_runs_revision_and_a_penalty_condition_are_said_in_words() -> None:
    from kefu.reports.labels import run_text, where_text

    assert run_text("#3 rev 1", "zh-CN") == "#3 第 1 次修订"
    assert run_text("#3 rev 1", "en") == "#3 revision 1"
    assert run_text("#3", "zh-CN") == "#3"
    assert where_text({"severity": "major"}, "zh-CN") == "重大"
    assert where_text("severity=critical, attributed=True", "zh-CN") == "严重、客服责任"
    assert where_text({"region": "north"}, "en") == "region=north"  # no label: as written
