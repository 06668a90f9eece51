"""The engine as a setting: kefu.yaml, KEFU_ENGINE / KEFU_SPARK_MASTER, a master that is down."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli import app
from kefu.settings import Settings, SettingsInvalid
from kefu.store.engines import EngineUnavailable, engine_choice

runner = CliRunner()
SRC = Path(__file__).resolve().parents[2] / "src"


def test_duckdb_is_the_default_engine():
    choice = engine_choice(Settings(), {})
    assert (choice.name, choice.master, choice.source) == ("duckdb", None, "default")


def test_kefu_yaml_chooses_spark_and_its_master():
    spark = {"master": "spark://h:7077", "conf": {"spark.executor.memory": "8g"}}
    settings = Settings.parse({"engine": "spark", "spark": spark})
    choice = engine_choice(settings, {})
    assert (choice.name, choice.master, choice.source) == ("spark", "spark://h:7077", "kefu.yaml")
    assert dict(choice.conf) == {"spark.executor.memory": "8g"}


def test_environment_overrides_the_file():
    settings = Settings.parse({"engine": "duckdb"})
    env = {"KEFU_ENGINE": "Spark", "KEFU_SPARK_MASTER": "local[2]"}
    choice = engine_choice(settings, env)
    assert (choice.name, choice.master, choice.source) == ("spark", "local[2]", "KEFU_ENGINE")


def test_unknown_engine_is_refused_in_the_file_and_in_the_environment():
    with pytest.raises(SettingsInvalid, match="engine"):
        Settings.parse({"engine": "presto"})
    with pytest.raises(SettingsInvalid, match="spark"):
        Settings.parse({"spark": {"mastr": "local[2]"}})
    with pytest.raises(EngineUnavailable, match="unknown engine 'presto'"):
        engine_choice(Settings(), {"KEFU_ENGINE": "presto"})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_master_is_one_line_and_exit_code_3(tmp_path: Path):
    home = tmp_path / "ws"
    assert runner.invoke(app, ["init", "--home", str(home)]).exit_code == 0
    master = f"spark://127.0.0.1:{_closed_port()}"
    env = {**os.environ, "PYTHONPATH": str(SRC), "KEFU_ENGINE": "spark",
           "KEFU_SPARK_MASTER": master, "COLUMNS": "300"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", "from kefu.cli import main; main()",
         "metrics", "--period", "2026-10", "--home", str(home)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 3
    said = (done.stdout + done.stderr).strip()
    assert said == (
        f"error: the Spark master {master} cannot be reached (connection refused); "
        "check spark.master in kefu.yaml or KEFU_SPARK_MASTER"
    )


def test_config_show_says_which_engine_and_master(tmp_path: Path, monkeypatch):
    home = tmp_path / "ws"
    assert runner.invoke(app, ["init", "--home", str(home)]).exit_code == 0
    shown = runner.invoke(app, ["config", "show", "--home", str(home), "--format", "json"])
    rows = {r["setting"]: r for r in json.loads(shown.output)}
    assert (rows["engine"]["value"], rows["engine"]["from"]) == ("duckdb", "default")
    monkeypatch.setenv("KEFU_ENGINE", "spark")
    monkeypatch.setenv("KEFU_SPARK_MASTER", "spark://10.0.0.5:7077")
    shown = runner.invoke(app, ["config", "show", "--home", str(home), "--format", "json"])
    rows = {r["setting"]: r for r in json.loads(shown.output)}
    assert (rows["engine"]["value"], rows["engine"]["from"]) == ("spark", "KEFU_ENGINE")
    in_use = rows["spark master in use"]
    assert (in_use["value"], in_use["from"]) == ("spark://10.0.0.5:7077", "KEFU_SPARK_MASTER")
