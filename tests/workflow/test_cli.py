from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from kefu.cli import app
from kefu.cli.workflow import parse_since
from kefu.errors import UsageError
from kefu.workflow import appeals
from tests.workflow.helpers import A1, QA, centre, publish

runner = CliRunner()


def test_audit_lists_filters_and_exports(ws, tmp_path) -> None:  # type: ignore[no-untyped-def]
    centre(ws)
    publish(ws)
    a = appeals.file_appeal(ws, A1, "qa_evaluations", "Q2", reason="复核")
    appeals.decide(ws, QA, a.id, uphold=False, reason="不成立")
    home = ["--home", str(ws.home)]
    result = runner.invoke(app, ["audit", "--action", "appeal", "--format", "json", *home])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["action"], r["actor"]) for r in rows] == [("appeal.file", "a1"),
                                                         ("appeal.reject", "qa")]  # fmt: skip
    assert json.loads(rows[1]["before"])["state"] == "open"
    assert json.loads(rows[1]["after"])["state"] == "rejected"
    out = tmp_path / "audit.xlsx"
    result = runner.invoke(app, ["audit", "--object-type", "appeal", "-o", str(out), *home])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:4] == ["id", "at", "actor", "action"]
    assert sheet.max_row == 1 + 2
    future = runner.invoke(app, ["audit", "--since", "2999-01-01", "-f", "json", *home])
    assert json.loads(future.output) == []


def test_audit_refuses_a_bad_since(ws) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["audit", "--since", "yesterday", "--home", str(ws.home)])
    assert isinstance(result.exception, UsageError)
    assert result.exception.exit_code == 2
    assert "--since" in result.exception.message


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_since_day_is_the_start_of_the_local_day(day: date) -> None:
    moment = parse_since(day.isoformat(), "Asia/Shanghai")
    assert moment.astimezone(ZoneInfo("Asia/Shanghai")).date() == day
    assert (moment.hour, moment.minute, moment.second) == (0, 0, 0)
    # Shanghai is UTC+8 (no daylight saving since 1991): the day starts at 16:00 UTC before.
    assert moment.astimezone(UTC) == datetime.combine(day, time(), UTC) - timedelta(hours=8)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1),
                    timezones=st.just(UTC)))  # fmt: skip
def test_since_moment_with_offset_is_kept_exactly(moment: datetime) -> None:
    assert parse_since(moment.isoformat(), "Asia/Shanghai") == moment
