"""``kefu report`` end to end: a tiny workspace is imported, scored, then exported."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kefu.audit import AuditEntry
from kefu.cli import app
from kefu.errors import NotFound, UsageError
from kefu.scoring import publish, score_period
from kefu.scoring.registry import save_scorecard
from tests.factories import add_records

runner = CliRunner()
SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2027, 1, 1, tzinfo=UTC)
SCORECARD = Path(__file__).parent / "tiny_scorecard.yaml"


def _at(month: int, day: int, hour: int) -> datetime:
    """A Shanghai wall-clock time in 2026 as the stored naive-UTC instant."""
    local = datetime(2026, month, day, hour, tzinfo=SHANGHAI)
    return local.astimezone(UTC).replace(tzinfo=None)


def _contact(cid: str, agent: str, offered: datetime, talk: float, **kw: Any) -> dict[str, Any]:
    return {
        "contact_id": cid,
        "channel": "phone",
        "direction": "in",
        "agent_id": agent,
        "customer_id": f"cust-{cid}",  # one customer per contact: no repeats
        "offered_at": offered,
        "answered_at": offered + timedelta(seconds=10),
        "talk_seconds": talk,
        **kw,
    }


@pytest.fixture
def scored(ws):
    """Two months scored with the tiny scorecard (fcr 60 points, aht band 40 points).

    2026-10:
    - A1 张伟 (一组): 2 contacts, both resolved (fcr 1 → 60), talk 300 s (inside
      [180, 420] → 40): total 100, grade S.
    - A2 李娜 (一组): 2 contacts, one transferred (fcr 0.5 = threshold → 0),
      talk 480 s (60 s above 420, tolerance 120 → 40 × (1 − 60/120) = 20):
      total 20, grade D.
    - B1 王芳 (二组): 1 contact resolved (60), talk 150 s (30 s below 180 →
      40 × (1 − 30/120) = 30): total 90, grade A.
    2026-09: A1 alone, the same as in October: total 100.
    """
    add_records(
        ws,
        "agents",
        [
            {"agent_id": "A1", "name": "张伟", "team": "一组", "site": "北京",
             "hire_date": date(2026, 1, 1)},
            {"agent_id": "A2", "name": "李娜", "team": "一组", "site": "北京",
             "hire_date": date(2026, 1, 1)},
            {"agent_id": "B1", "name": "王芳", "team": "二组", "site": "北京",
             "hire_date": date(2026, 1, 1)},
        ],
    )  # fmt: skip
    add_records(
        ws,
        "contacts",
        [
            _contact("s1", "A1", _at(9, 10, 10), 300.0),
            _contact("c1", "A1", _at(10, 10, 10), 300.0),
            _contact("c2", "A1", _at(10, 11, 10), 300.0),
            _contact("c3", "A2", _at(10, 10, 11), 480.0),
            _contact("c4", "A2", _at(10, 11, 11), 480.0, transferred=True),
            _contact("c5", "B1", _at(10, 12, 9), 150.0),
        ],
    )
    save_scorecard(ws, SCORECARD, actor="test")
    for month in ("2026-09", "2026-10"):
        score_period(ws, month, actor="test", as_of=AS_OF)
    return ws


def _invoke(ws, *args: str) -> Any:
    result = runner.invoke(app, ["report", "--period", "2026-10", "--home", str(ws.home), *args])
    return result


def test_xlsx_export_of_a_scored_period(scored, tmp_path) -> None:
    out = tmp_path / "table.xlsx"
    result = _invoke(scored, "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "draft" in result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "一组", "二组"]
    team = wb["一组"]
    header = [c.value for c in team[2]]
    totals = {
        row[0].value: (row[header.index("总分")].value, row[header.index("等级")].value)
        for row in team.iter_rows(min_row=4)
        if row[0].value in ("A1", "A2")
    }
    assert totals["A1"] == (pytest.approx(60 + 40), "S")
    assert totals["A2"] == (pytest.approx(0 + 40 * (1 - 60 / 120)), "D")
    summary = [[c.value for c in r] for r in wb["汇总"].iter_rows()]
    assert any("草稿" in str(v) for row in summary for v in row)


def test_csv_export_of_one_team(scored, tmp_path) -> None:
    out = tmp_path / "team.csv"
    result = _invoke(scored, "--format", "csv", "--team", "二组", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["工号"] for r in rows] == ["B1"]
    assert rows[0]["总分"] == f"{60 + 40 * (1 - 30 / 120):.2f}"
    assert rows[0]["等级"] == "A"
    assert rows[0]["绩效系数"] == "1.20"


def test_pdf_sheet_of_one_agent_with_history(scored, tmp_path) -> None:
    out = tmp_path / "a1.pdf"
    result = _invoke(scored, "--format", "pdf", "--agent", "A1", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "张伟" in text and "100.00" in text
    assert "2026-09" in text  # the history row of September
    assert "草稿" in text
    # The team's own FCR over its 4 contacts: 3 resolved / 4 = 75 %
    assert "75.00%" in text


def test_pdf_of_a_team_has_a_page_per_agent(scored, tmp_path) -> None:
    out = tmp_path / "team.pdf"
    result = _invoke(scored, "--format", "pdf", "--team", "一组", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 2
    assert "张伟" in pages[0] and "李娜" in pages[1]


def test_published_export_is_not_a_draft(scored, tmp_path) -> None:
    publish(scored, "2026-10", actor="test")
    out = tmp_path / "final.xlsx"
    result = _invoke(scored, "--published", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "draft" not in result.output
    summary = [[c.value for c in r] for r in openpyxl.load_workbook(out)["汇总"].iter_rows()]
    assert any(v == "已发布 · 评分批次 #2" for row in summary for v in row)


def test_published_only_refuses_an_unpublished_period(scored, tmp_path) -> None:
    result = _invoke(scored, "--published", "--out", str(tmp_path / "x.xlsx"))
    assert isinstance(result.exception, NotFound)
    assert "2026-10 has not been published yet" in result.exception.message
    assert not (tmp_path / "x.xlsx").exists()


def test_team_and_agent_together_are_refused(scored, tmp_path) -> None:
    result = _invoke(scored, "--team", "一组", "--agent", "A1")
    assert isinstance(result.exception, UsageError)
    assert result.exception.exit_code == 2


def test_unknown_agent_says_so(scored, tmp_path) -> None:
    result = _invoke(scored, "--agent", "Z9", "--out", str(tmp_path / "z.pdf"), "-f", "pdf")
    assert isinstance(result.exception, NotFound)
    assert result.exception.message == "agent Z9 has no result for 2026-10"


def test_every_export_is_audited(scored, tmp_path) -> None:
    out = tmp_path / "t.csv"
    assert _invoke(scored, "-f", "csv", "--out", str(out)).exit_code == 0
    with scored.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "report.export")).one()
    assert entry.object_id == "2026-10"
    assert entry.after["format"] == "csv" and entry.after["agents"] == 3


def test_a_quarter_exports_its_monthly_mean(scored, tmp_path) -> None:
    score_period(scored, "2026-Q4", actor="test", as_of=AS_OF)
    out = tmp_path / "q4.csv"
    result = runner.invoke(
        app, ["report", "-p", "2026-Q4", "-f", "csv", "-o", str(out), "--home", str(scored.home)]
    )
    assert result.exit_code == 0, result.output
    rows = {r["工号"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    # Only October is scored in Q4: the quarter's totals are October's.
    assert rows["A2"]["总分"] == f"{40 * (1 - 60 / 120):.2f}"
    assert rows["B1"]["总分"] == f"{60 + 40 * (1 - 30 / 120):.2f}"
    pdf = tmp_path / "q4.pdf"
    result = runner.invoke(
        app,
        ["report", "-p", "2026-Q4", "-f", "pdf", "--agent", "A1", "-o", str(pdf),
         "--home", str(scored.home)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026-Q4" in text and "张伟" in text
