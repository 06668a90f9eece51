from __future__ import annotations

import pytest
from sqlalchemy import inspect

from kefu.errors import NoWorkspace
from kefu.workspace import Workspace


def test_open_without_init_says_how_to_create_one(tmp_path):
    with pytest.raises(NoWorkspace, match="kefu init"):
        Workspace.open(tmp_path / "nothing")


def test_init_creates_schema_on_each_backend(any_ws):
    tables = set(inspect(any_ws.db.engine).get_table_names())
    assert {"import_batches", "import_rejects", "alembic_version"} <= tables


def test_init_twice_keeps_settings(tmp_path):
    Workspace.init(tmp_path / "w", timezone="Europe/Paris")
    again = Workspace.init(tmp_path / "w")
    assert again.timezone == "Europe/Paris"


def test_sqlite_store_runs_in_wal_mode(ws):
    with ws.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_new_sqlite_store_holds_two_results_per_page(ws):
    # A 10,000-agent run stores 2–4 KB per agent: 8 KiB pages, not the default 4 KiB.
    with ws.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 8192


def test_a_workspace_older_than_this_kefu_says_how_to_upgrade_it(tmp_path):
    from alembic import command

    from kefu.errors import OutdatedWorkspace
    from kefu.store.appdb import alembic_config

    ws = Workspace.init(tmp_path / "ws")
    cfg = alembic_config(ws.database_url)
    with ws.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005_workflow")
    ws.close()
    with pytest.raises(OutdatedWorkspace, match=r"0005_workflow.*kefu init --home"):
        Workspace.open(tmp_path / "ws")
    Workspace.init(tmp_path / "ws").close()  # the upgrade: data and settings kept
    Workspace.open(tmp_path / "ws").close()


def test_a_workspace_of_a_newer_kefu_is_not_touched(tmp_path):
    from kefu.errors import OutdatedWorkspace

    ws = Workspace.init(tmp_path / "ws")
    with ws.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_future'")
    ws.close()
    with pytest.raises(OutdatedWorkspace, match=r"newer Kefu.*0099_future"):
        Workspace.open(tmp_path / "ws")


def test_with_closes_the_database_even_when_the_body_raises(tmp_path):
    # SQLite folds its write-ahead log back into kefu.db when the last connection
    # closes: the -wal file is there while the workspace is open and gone after.
    Workspace.init(tmp_path / "w").close()
    wal = tmp_path / "w" / "kefu.db-wal"
    assert not wal.exists()
    with pytest.raises(RuntimeError, match="body failed"), Workspace.open(tmp_path / "w") as ws:
        with ws.db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
        assert wal.exists() and ws.db.engine.pool.checkedin() == 1
        raise RuntimeError("body failed")
    assert ws.db.engine.pool.checkedin() == 0
    assert not wal.exists()


def test_init_as_a_context_manager_closes_too(tmp_path):
    with Workspace.init(tmp_path / "w") as ws:
        assert ws.db.engine.pool.checkedin() >= 1  # the migration's connection, pooled
    assert ws.db.engine.pool.checkedin() == 0
