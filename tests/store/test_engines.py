"""The workspace's DuckDB connections: its limits, and nothing drawn on standard output."""

from __future__ import annotations

import duckdb

from kefu.settings import Settings
from kefu.store.engines import duckdb_backend, duckdb_config, set_up_duckdb


def test_duckdb_draws_no_progress_bar_over_the_json_on_stdout() -> None:
    settings = Settings(timezone="Asia/Shanghai", duckdb_threads=1)
    con = duckdb_backend(settings)
    try:
        (bar,) = con.con.execute("SELECT current_setting('enable_progress_bar')").fetchone()
        (threads,) = con.con.execute("SELECT current_setting('threads')").fetchone()
    finally:
        con.disconnect()
    assert (bar, threads) == (False, 1)
    raw = duckdb.connect(config=duckdb_config(settings))
    set_up_duckdb(raw, settings)
    try:
        (bar,) = raw.execute("SELECT current_setting('enable_progress_bar')").fetchone()
    finally:
        raw.close()
    assert bar is False
