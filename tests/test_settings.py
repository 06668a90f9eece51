"""kefu.yaml is a typed model: unknown keys and wrong types are refused, each named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli import app
from kefu.settings import Settings, SettingsInvalid
from kefu.workspace import Workspace

TYPOS = "appeal_window_day: 10\nduckdb_threads: many\nappeal_window_days: '14'\n"


def _with(tmp_path, text):
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    path = tmp_path / "ws" / "kefu.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def test_every_problem_is_reported_with_its_key_and_a_suggestion(tmp_path):
    path = _with(tmp_path, TYPOS)
    with pytest.raises(SettingsInvalid) as caught:
        Settings.load(path)
    assert sorted(caught.value.problems) == [
        "appeal_window_day: unknown setting; did you mean appeal_window_days?",
        "appeal_window_days: must be a whole number, not the text '14' (write it unquoted)",
        "duckdb_threads: must be a whole number, not 'many'",
    ]


def test_a_workspace_with_a_bad_settings_file_does_not_open(tmp_path):
    _with(tmp_path, TYPOS)
    with pytest.raises(SettingsInvalid, match="did you mean appeal_window_days"):
        Workspace.open(tmp_path / "ws")
    with pytest.raises(SettingsInvalid):
        Workspace.init(tmp_path / "ws")  # nor is it upgraded over


def test_a_valid_file_gives_the_values_it_holds(tmp_path):
    _with(tmp_path, "appeal_window_days: 14\nimport_max_rejects: 10\n")
    ws = Workspace.open(tmp_path / "ws")
    assert ws.settings.appeal_window_days == 14
    assert ws.settings.import_max_rejects == 10
    ws.close()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("timezone: Mars/Olympus\n", "timezone: unknown time zone 'Mars/Olympus'"),
        ("duckdb_memory_limit: lots\n", "duckdb_memory_limit: 'lots' is not a size"),
        ("duckdb_threads: 0\n", "duckdb_threads: must be at least 1"),
        ("appeal_window_days: 7.5\n", "appeal_window_days: must be a whole number, not 7.5"),
        ("appeal_window_days: true\n", "appeal_window_days: must be a whole number, not True"),
        ("import_max_rows: -1\n", "import_max_rows: must be at least 1"),
        ("database_url: 5\n", "database_url: must be text, not 5"),
        ("notifications: 3\n", "notifications: must be a mapping of settings, not 3"),
        ("web_threads: 5000\n", "web_threads: must be at most 1000"),
        ("api_token_days: 0\n", "api_token_days: must be at least 1"),
        ("trusted_proxies: 10.0.0.1\n", "trusted_proxies: must be a list, not '10.0.0.1'"),
        ("trusted_proxies: [10.0.0.1, 8]\n", "trusted_proxies.1: must be text, not 8"),
        ("- a list\n", "the file must hold `setting: value` lines"),
        ("timezone: [unclosed\n", "not valid YAML at line"),
    ],
)
def test_wrong_values_are_refused_with_the_rule(tmp_path, text, problem):
    path = tmp_path / "kefu.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsInvalid) as caught:
        Settings.load(path)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_the_cli_says_it_in_one_line_without_a_traceback(tmp_path):
    _with(tmp_path, TYPOS)
    home = str(tmp_path / "ws")
    kefu = Path(sys.executable).parent / "kefu"
    env = {**os.environ, "COLUMNS": "1000"}
    env.pop("KEFU_DEBUG", None)
    out = subprocess.run([str(kefu), "metrics", "--home", home, "--period", "2026-10"],
                         capture_output=True, text=True, env=env, check=False)  # fmt: skip
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (line,) = out.stderr.strip().splitlines()
    assert line.startswith("error: ") and "did you mean appeal_window_days?" in line
    checked = CliRunner().invoke(app, ["config", "check", "--home", home])
    assert checked.exit_code == 2
    lines = [x for x in checked.output.splitlines() if x.startswith("error:")]
    assert len(lines) == 3 and any("did you mean appeal_window_days?" in x for x in lines)


def test_config_check_passes_a_good_file_and_show_prints_the_effective_settings(
    tmp_path, monkeypatch
):
    _with(tmp_path, "appeal_window_days: 14\n")
    home = str(tmp_path / "ws")
    assert CliRunner().invoke(app, ["config", "check", "--home", home]).exit_code == 0
    monkeypatch.setenv("KEFU_DATABASE_URL", "postgresql+psycopg://kefu:secret@db/kefu")
    out = CliRunner().invoke(app, ["config", "show", "--home", home, "--format", "json"])
    rows = {r["setting"]: r for r in json.loads(out.output)}
    assert rows["appeal_window_days"] == {
        "setting": "appeal_window_days", "value": 14, "from": "kefu.yaml",
    }  # fmt: skip
    assert rows["import_max_rows"]["from"] == "default"
    assert rows["database_url"]["value"] == "postgresql+psycopg://kefu:***@db/kefu"
    assert set(rows) == set(Settings.model_fields)


def test_init_writes_a_file_that_checks_clean(tmp_path):
    Workspace.init(tmp_path / "ws", timezone="Europe/Paris").close()
    assert Settings.load(tmp_path / "ws" / "kefu.yaml").timezone == "Europe/Paris"


def test_kefu_init_over_a_bad_settings_file_names_each_problem_and_changes_nothing(
    tmp_path, monkeypatch, capsys
):
    from kefu.cli import main

    path = _with(tmp_path, TYPOS)
    before = path.read_text(encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "1000")
    monkeypatch.setattr(sys, "argv", ["kefu", "init", "--home", str(tmp_path / "ws")])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: ") and "Traceback" not in line
    assert "appeal_window_day: unknown setting; did you mean appeal_window_days?" in line
    assert "duckdb_threads: must be a whole number, not 'many'" in line
    assert path.read_text(encoding="utf-8") == before
