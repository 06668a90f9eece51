"""The revisions export's lines and reasons, from hand-written revisions."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from kefu.reports.revisions import reason_text, revision_lines, revisions_csv

REVISION = {
    "run_id": 7,
    "revision": 2,
    "revision_of": 5,
    "state": "scored",
    "created_at": datetime(2026, 11, 3, 2, 0),
    "created_by": "li.manager",
    "published_at": None,
    "changes": [
        {"agent_id": "A1", "name": "张三", "old": {"total": 59.996, "grade": "D",
         "pay_coefficient": 0.5}, "new": {"total": 61.0049, "grade": "C", "pay_coefficient": 0.8},
         "indicators": [], "why": ["bonus 0 → 2", "team T1 → T2"]},
        {"agent_id": "A9", "name": "=cmd", "old": None,
         "new": {"total": 70, "grade": "B", "pay_coefficient": 1.0},
         "indicators": [], "why": ["newly scored"]},
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "zh", "en"),
    [
        ("indicators moved: fcr_rate, csat_avg", "指标变动：一次性解决率、", "indicators moved: "),
        ("scorecard changed from std 1 to std 2", "考核方案由 std 1 改为 std 2",
         "scorecard changed from std 1 to std 2"),
        ("penalty 0 → 5", "扣分 0 → 5", "penalty 0 → 5"),
        ("veto events changed", "否决事项有变化", "veto events changed"),
        ("no longer scored", "不再参加考核", "no longer scored"),
        ("grade or rank population changed", "参与等级或排名的人员有变化",
         "grade or rank population changed"),
        ("something new", "something new", "something new"),  # unknown: kept as stored
    ],
)  # fmt: skip
def test_each_stored_reason_is_said_in_the_readers_language(stored: str, zh: str, en: str) -> None:
    assert reason_text(stored, "zh-CN").startswith(zh)
    assert reason_text(stored, "en").startswith(en)


def test_one_line_per_changed_agent_with_totals_rounded_as_shown() -> None:
    lines = revision_lines([REVISION], "zh-CN")
    assert [x["agent_id"] for x in lines] == ["A1", "A9"]
    first = lines[0]
    assert (first["revision"], first["run_id"], first["state"]) == (2, 7, "已计算，待发布")
    assert (float(first["old_total"]), float(first["new_total"])) == (60.0, 61.0)
    assert first["why"] == "加分 0 → 2；班组 T1 → T2"
    assert lines[1]["old_total"] is None and lines[1]["why"] == "新纳入考核"


def test_formula_like_text_is_neutralised_in_the_csv() -> None:
    data = revisions_csv(revision_lines([REVISION], "en"), locale="en")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Revision", "Run", "State"]
    assert rows[2][6] == "'=cmd" and rows[2][7] == "" and rows[2][8] == "70.0"
