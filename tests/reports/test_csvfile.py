from __future__ import annotations

import csv
import io

from kefu.reports.csvfile import appraisal_csv


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_starts_with_a_utf8_bom_for_excel(results, meta) -> None:
    data = appraisal_csv(results, meta)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "张伟".encode() in data


def test_one_row_per_agent_team_by_team_in_rank_order(results, meta) -> None:
    rows = _rows(appraisal_csv(results, meta))
    # Teams in name order (一组 < 二组 by code point), rank order inside a team.
    assert [r["工号"] for r in rows] == ["A001", "A002", "B001"]


def test_figures_are_in_display_units_and_rounded_as_shown(results, meta) -> None:
    second = _rows(appraisal_csv(results, meta))[1]
    assert second["一次性解决率 (12分) 实际值 (%)"] == "75.00"
    assert second["一次性解决率 (12分) 得分"] == f"{12 * 0.6:.2f}"
    # 3 complaints over 500 contacts = 6 per thousand
    assert second["投诉率(客服直接导致) (8分) 实际值 (‰)"] == "6.00"
    assert second["平均通话/交互时长(电话) (6分) 实际值 (秒)"] == "500.0"
    assert second["总分"] == f"{100 - 4.8 - 8 - 4 - 2:.2f}"
    assert second["等级"] == "B"
    assert second["中心排名"] == "3"
    assert "样本不足" in second["说明"]


def test_half_up_rounding_of_points(results, meta) -> None:
    # 2.675 is 2.67499999… in binary; shown half-up as Excel shows it: 2.68.
    results[0]["total"] = 2.675
    first = _rows(appraisal_csv(results, meta))[0]
    assert first["总分"] == "2.68"


def test_vetoes_are_listed(results, meta) -> None:
    third = _rows(appraisal_csv(results, meta))[2]
    assert third["一票否决"] == "严重投诉成立 (C0042)"
    assert third["扣分"] == "5.00"


def test_english_headers(results, meta) -> None:
    rows = _rows(appraisal_csv(results, meta, locale="en"))
    assert rows[0]["Agent ID"] == "A001"
    assert rows[0]["First-contact resolution (12 pts) Value (%)"] == "90.00"
