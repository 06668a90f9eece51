"""Names from imported data are inert on the terminal and in every CSV the CLI writes.

An agent called ``[/bold]…`` once made ``kefu score`` fail after the run was
stored; a name with escape sequences recoloured the terminal; a name starting
with ``+`` or ``=`` became a formula in a spreadsheet opened from ``--format csv``.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from kefu.cli import app, common
from kefu.cli.common import term_text
from tests.factories import add_records

runner = CliRunner()
MARKUP = "[/bold]张三[link=https://evil.example]点我[/link]"
ESCAPES = "李四\x1b[2J\x1b]0;pwned\x07\u202e"
FORMULA = "+cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide enough that no cell wraps: the names can be looked for whole.
    monkeypatch.setattr(common.console, "_width", 400)


@pytest.fixture
def hostile(ws):
    add_records(ws, "agents", [
        {"agent_id": a, "name": n, "team": "T1", "site": "武汉", "valid_from": date(2026, 1, 1)}
        for a, n in (("A1", MARKUP), ("A2", ESCAPES), ("A3", FORMULA))
    ])  # fmt: skip
    rows = []
    for agent in ("A1", "A2", "A3"):
        for k in range(40):
            t = datetime(2026, 10, 2, 1) + timedelta(hours=3 * k)
            rows.append({
                "contact_id": f"{agent}-{k}", "channel": "phone", "agent_id": agent,
                "customer_id": f"{agent}-c{k}", "offered_at": t,
                "answered_at": t + timedelta(seconds=10), "talk_seconds": 250,
                "resolved": k % 4 != 0,
            })  # fmt: skip
    add_records(ws, "contacts", rows)
    return ws


def invoke(ws, *args):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--home", str(ws.home)])


def _inert(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
    assert "[link=https://evil.example]" in output  # shown as typed, not as a link


def test_term_text_escapes_markup_and_drops_control_characters() -> None:
    assert term_text("[bold]x[/bold]") == "\\[bold]x\\[/bold]"
    assert term_text("a\x1b[31mb\x9bc\u202ed") == "a[31mbcd"
    assert term_text("line\nbreak\ttab") == "line break tab"
    assert term_text(None) == "" and term_text(3) == "3"


def test_score_and_applications_tables_show_hostile_names_as_text(hostile):
    scored = invoke(hostile, "score", "-p", "2026-10")
    assert scored.exit_code == 0, scored.output
    _inert(scored.stdout)
    assert invoke(hostile, "publish", "-p", "2026-10").exit_code == 0
    apps = invoke(hostile, "applications", "-p", "2026-10")
    assert apps.exit_code == 0, apps.output
    _inert(apps.stdout)


def test_monitor_table_shows_hostile_names_as_text(hostile):
    result = invoke(hostile, "monitor", "--date", "2026-10-02")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


@pytest.mark.parametrize("command", [["score", "-p", "2026-10"], ["metrics", "-p", "2026-10"]])
def test_csv_output_neutralises_formula_names(hostile, command):
    result = invoke(hostile, *command, "--format", "csv")
    assert result.exit_code == 0, result.output
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert FORMULA not in cells
    if command[0] == "score":
        assert "'" + FORMULA in cells


def test_applications_csv_neutralises_formula_names(hostile):
    assert invoke(hostile, "score", "-p", "2026-10").exit_code == 0
    assert invoke(hostile, "publish", "-p", "2026-10").exit_code == 0
    result = invoke(hostile, "applications", "-p", "2026-10", "--format", "csv")
    assert result.exit_code == 0, result.output
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_rejects_table_and_csv_keep_hostile_values_inert(ws, tmp_path):
    f = tmp_path / "contacts.csv"
    f.write_text(
        "通话ID,渠道,进线时间,通话时长\n"
        f'C1,电话,"{FORMULA}",60\n'
        'C2,电话,"[/bold]\x1b[31m昨天",30\n',
        encoding="utf-8",
    )
    invoke(ws, "import", str(f))
    table = invoke(ws, "rejects")
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.stdout and "[/bold]" in table.stdout
    result = invoke(ws, "rejects", "--format", "csv")
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
