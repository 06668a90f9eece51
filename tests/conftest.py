"""Shared fixtures: a fresh workspace per test, and a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kefu.workspace import Workspace
from tests.spark_cluster import spark_cluster  # noqa: F401 - a fixture, shared

# Examples are judged by their result, never by their speed: CI runs on two busy cores, where a
# per-example deadline fails correct code at random (speed is measured by `make bench`).
settings.register_profile("kefu", deadline=None)
settings.load_profile("kefu")

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
# Samples of the public datasets, committed with the tests (origin and licence in its README).
DATASET_SAMPLES = DATA / "datasets"
# The full public datasets are not part of the repository: KEFU_TEST_DATASETS names their folder
# (default: a "shared/datasets" folder beside the checkout). Tests that need them skip without.
DATASETS = Path(os.environ.get("KEFU_TEST_DATASETS") or REPO.parent / "shared" / "datasets")


@pytest.fixture(autouse=True)
def _no_ambient_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own KEFU_HOME / KEFU_DATABASE_URL must never leak into a test.
    monkeypatch.delenv("KEFU_HOME", raising=False)
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A new SQLite-backed workspace in a temporary folder."""
    with Workspace.init(tmp_path / "ws") as workspace:
        yield workspace


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
    with Workspace.init(tmp_path / "ws", database_url=url) as workspace:
        yield workspace


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium per test worker, shared by the web tests and the journeys."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
