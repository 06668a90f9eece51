"""Shared fixtures: a fresh workspace per test, and a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kefu.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _no_ambient_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own KEFU_HOME / KEFU_DATABASE_URL must never leak into a test.
    monkeypatch.delenv("KEFU_HOME", raising=False)
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A new SQLite-backed workspace in a temporary folder."""
    workspace = Workspace.init(tmp_path / "ws")
    yield workspace
    workspace.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A PostgreSQL server for this test session (one per xdist worker)."""
    from tests.pg import PostgresServer

    server = PostgresServer()
    server.start()
    yield server
    server.stop()


_db_counter = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def any_ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A workspace whose application store is SQLite, then PostgreSQL."""
    url = None
    if request.param == "postgres":
        server = request.getfixturevalue("postgres")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        url = server.create_database(f"kefu_{worker}_{next(_db_counter)}")
    workspace = Workspace.init(tmp_path / "ws", database_url=url)
    yield workspace
    workspace.close()
