"""The workspace: one folder that owns settings, the application store and the fact store.

Everything in Kefu is reached through a :class:`Workspace`; there is no
import-time state, so tests and the web app each build their own::

    ws = Workspace.init(tmp_path / "ws")     # creates folders, settings, schema
    with Workspace.open(tmp_path / "ws") as ws:   # later, from another process
        ...                                  # the database is closed on leaving
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kefu.errors import NoWorkspace, OutdatedWorkspace, UsageError
from kefu.settings import DEFAULT_TIMEZONE, Settings, SettingsInvalid
from kefu.store.appdb import AppDB
from kefu.store.engines import EngineChoice, duckdb_backend, engine_choice, spark_for
from kefu.store.facts import FactStore

__all__ = ["DEFAULT_TIMEZONE", "Settings", "SettingsInvalid", "Workspace", "default_home"]

if TYPE_CHECKING:
    from ibis.backends import BaseBackend
    from ibis.backends.duckdb import Backend as DuckDBBackend

SETTINGS_FILE = "kefu.yaml"
DEFAULT_HOME = "kefu-data"


def default_home() -> Path:
    return Path(os.environ.get("KEFU_HOME") or DEFAULT_HOME)


class Workspace:
    """An initialised workspace folder."""

    def __init__(self, home: Path, settings: Settings) -> None:
        self.home = home
        self.settings = settings

    # -- life cycle ---------------------------------------------------------
    @classmethod
    def init(
        cls,
        home: Path | None = None,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        database_url: str | None = None,
    ) -> Workspace:
        """Create (or upgrade) a workspace; safe to run on an existing one."""
        home = Path(home or default_home()).resolve()
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"unknown time zone '{timezone}' (e.g. Asia/Shanghai)") from None
        home.mkdir(parents=True, exist_ok=True)
        settings_path = home / SETTINGS_FILE
        if settings_path.exists():
            settings = Settings.load(settings_path)
        else:
            settings = Settings(timezone=timezone, database_url=database_url)
            settings.dump(settings_path)
        ws = cls(home, settings)
        for folder in (ws.facts_dir, ws.mappings_dir, ws.scorecards_dir, ws.uploads_dir):
            folder.mkdir(parents=True, exist_ok=True)
        ws.db.migrate()
        return ws

    @classmethod
    def open(cls, home: Path | None = None) -> Workspace:
        """Open an initialised workspace, or say clearly that there is none."""
        home = Path(home or default_home()).resolve()
        settings_path = home / SETTINGS_FILE
        if not settings_path.is_file():
            raise NoWorkspace(
                f"no Kefu workspace at {home}; create one with `kefu init --home {home}` "
                "or point KEFU_HOME at an existing one"
            )
        ws = cls(home, Settings.load(settings_path))
        if (gap := ws.db.schema_gap()) is not None:
            ws.close()
            current, newest, older = gap
            if older:
                raise OutdatedWorkspace(
                    f"the workspace at {home} was set up by an older Kefu (database at "
                    f"{current or 'no revision'}, this version needs {newest}); upgrade it "
                    f"with `kefu init --home {home}`, which keeps its data and settings"
                )
            raise OutdatedWorkspace(
                f"the workspace at {home} was last used by a newer Kefu (database at "
                f"{current}, unknown to this version); use that version or a newer one"
            )
        return ws

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closed whether the body ended or raised; the exception, if any, goes on.
        self.close()

    # -- places ---------------------------------------------------------------
    @property
    def facts_dir(self) -> Path:
        return self.home / "facts"

    @property
    def mappings_dir(self) -> Path:
        return self.home / "mappings"

    @property
    def scorecards_dir(self) -> Path:
        return self.home / "scorecards"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def timezone(self) -> str:
        return self.settings.timezone

    @property
    def database_url(self) -> str:
        return (
            os.environ.get("KEFU_DATABASE_URL")
            or self.settings.database_url
            or f"sqlite:///{self.home / 'kefu.db'}"
        )

    # -- stores ---------------------------------------------------------------
    @cached_property
    def db(self) -> AppDB:
        return AppDB(self.database_url)

    @cached_property
    def facts(self) -> FactStore:
        return FactStore(self.facts_dir, self.db)

    def duckdb(self) -> DuckDBBackend:
        """A fresh in-process DuckDB backend for analytic queries (one per caller)."""
        return duckdb_backend(self.settings)

    @cached_property
    def engine(self) -> EngineChoice:
        """The engine indicators are computed on (kefu.yaml, KEFU_ENGINE, KEFU_SPARK_MASTER)."""
        return engine_choice(self.settings)

    @cached_property
    def spark(self) -> BaseBackend:
        """The workspace's Spark backend, started once per process (``engine: spark``)."""
        return spark_for(self.engine)
