from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from kefu.cli import app
from tests.factories import add_records
from tests.metrics.helpers import contact, roster, sh

runner = CliRunner()
KEYS = {"period", "level", "key", "indicator", "value", "numerator", "denominator", "sample",
        "status", "provisional"}  # fmt: skip


def _data(ws):
    roster(ws, ("A1", "T1"), ("A2", "T1"))
    add_records(
        ws,
        "contacts",
        [
            contact("c1", "A1", sh(2026, 10, 5), talk_seconds=120.0),
            contact("c2", "A2", sh(2026, 10, 5), talk_seconds=60.0),
        ],
    )


def test_metrics_json_has_exactly_the_figure_keys(ws):
    _data(ws)
    result = runner.invoke(app, ["metrics", "--period", "2026-10", "--level", "team",
                                 "--indicator", "aht_avg", "--indicator", "contacts_handled",
                                 "--format", "json", "--home", str(ws.home)])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(r) == KEYS for r in rows)
    aht = next(r for r in rows if r["indicator"] == "aht_avg")
    assert (aht["key"], aht["value"], aht["status"]) == ("T1", (120 + 60) / 2, "ok")


def test_metrics_csv_and_table(ws):
    _data(ws)
    result = runner.invoke(app, ["metrics", "-p", "2026-10", "-i", "nps", "-f", "csv",
                                 "--home", str(ws.home)])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(rows[0]) == KEYS
    assert [(r["key"], r["value"], r["status"]) for r in rows] == [
        ("A1", "", "no_data"),
        ("A2", "", "no_data"),
    ]
    table = runner.invoke(app, ["metrics", "-p", "2026-10", "-i", "contacts_handled",
                                "--home", str(ws.home)])  # fmt: skip
    assert table.exit_code == 0
    assert "A1" in table.stdout and "ok" in table.stdout


def test_metrics_with_a_scorecard_uses_its_parameters(ws, tmp_path):
    from pathlib import Path

    _data(ws)
    default = Path(__file__).parents[2] / "src" / "kefu" / "scoring" / "default_scorecard.yaml"
    args = ["metrics", "-p", "2026-10", "-i", "frt_within_target", "-f", "json"]
    result = runner.invoke(app, [*args, "--scorecard", str(default), "--home", str(ws.home)])
    assert result.exit_code == 0, result.output
    assert {r["value"] for r in json.loads(result.stdout)} == {1.0}


def test_unknown_indicator_is_a_usage_error(ws):
    from kefu.errors import UsageError

    result = runner.invoke(app, ["metrics", "-p", "2026-10", "-i", "speed", "--home", str(ws.home)])
    assert isinstance(result.exception, UsageError)
    assert "frt_avg" in result.exception.message


def test_explain_lists_records_in_json_and_csv(ws):
    _data(ws)
    result = runner.invoke(app, ["explain", "--agent", "A1", "-p", "2026-10", "-i", "aht_avg",
                                 "-f", "json", "--home", str(ws.home)])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["figure"]["value"] == 120.0
    assert [r["id"] for r in data["records"]] == ["c1"]
    as_csv = runner.invoke(app, ["explain", "--team", "T1", "-p", "2026-10", "-i", "aht_avg",
                                 "-f", "csv", "--home", str(ws.home)])  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert sorted(r["id"] for r in rows) == ["c1", "c2"]
    assert rows[0]["source_file"] == "contacts.csv"


def test_explain_needs_exactly_one_key(ws):
    result = runner.invoke(app, ["explain", "-p", "2026-10", "-i", "aht_avg",
                                 "--home", str(ws.home)])  # fmt: skip
    assert result.exception is not None and "exactly one" in result.exception.message
