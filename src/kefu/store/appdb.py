"""The application store: SQLAlchemy 2 on SQLite (WAL) or PostgreSQL, with Alembic.

Every model of every sub-package derives from :class:`Base`; the schema is
created and upgraded only by the migrations in ``kefu/store/migrations``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


#: Connections the pool keeps by default (SQLAlchemy's own default).
DEFAULT_POOL_SIZE = 5


def changed_rows(session: Session, statement: UpdateBase) -> int:
    """How many rows an UPDATE or DELETE changed (the claim and lease checks count on it).

    ``Session.execute`` is typed as returning a ``Result``; for these statements it
    is a ``CursorResult``, the one that carries ``rowcount``.
    """
    result = session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} carries no row count")
    return int(result.rowcount)


def make_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """An engine for ``url``; SQLite gets WAL, 8 KiB pages, foreign keys and a busy timeout.

    ``pool_size``: connections kept open; up to 10 more are opened when all are busy.
    """
    pool = {} if pool_size == DEFAULT_POOL_SIZE else {"pool_size": pool_size}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # Takes effect only when the file is created: a scoring result is 2–4 KB, so a
            # page of the default 4 KiB holds one while 8 KiB holds two or three.
            cur.execute("PRAGMA page_size=8192")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_REVISION = re.compile(r'^(down_)?revision\s*(?::[^=]*)?=\s*(None|"([^"]*)")', re.MULTILINE)


@cache
def known_revisions() -> tuple[str, ...]:
    """The migrations of this version of Kefu, oldest first.

    Read from the migration files' ``revision`` / ``down_revision`` lines rather than
    through Alembic, whose import every command would otherwise pay on opening a
    workspace (a test checks the chain against Alembic's own).
    """
    parent: dict[str | None, str] = {}
    for path in sorted(MIGRATIONS.joinpath("versions").glob("*.py")):
        found = {bool(m[1]): m[3] for m in _REVISION.finditer(path.read_text("utf-8"))}
        if False in found:
            parent[found.get(True)] = str(found[False])
    chain: list[str] = []
    while (nxt := parent.get(chain[-1] if chain else None)) is not None:
        chain.append(nxt)
    return tuple(chain)


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: never migrated)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        try:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except Exception:  # no such table, or another failure: told apart below
            conn.rollback()
            if inspect(conn).has_table("alembic_version"):
                raise
            return None
    return str(rows[0][0]) if rows else None


class _Binding:
    """The session a web request holds; cleared (for every copy of the context) at its end."""

    def __init__(self, session: Session) -> None:
        self.session: Session | None = session


# The request's session, seen by the code the request calls (and the threads it runs
# on, which copy the context): while a request holds a connection, nothing it calls
# takes a second one from the pool, so N concurrent requests need N connections.
_bound: ContextVar[_Binding | None] = ContextVar("kefu_request_session", default=None)


class AppDB:
    """Engine plus session factory for one workspace."""

    def __init__(self, url: str, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self.url = url
        self.pool_size = pool_size
        self.engine = make_engine(url, pool_size)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def size_pool(self, pool_size: int) -> None:
        """Keep at least ``pool_size`` connections (the web server: one per thread)."""
        if pool_size <= self.pool_size:
            return
        old = self.engine
        self.pool_size = pool_size
        self.engine = make_engine(self.url, pool_size)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        old.dispose()

    def bound(self) -> Session | None:
        """The session of the request being served on this context, if any."""
        binding = _bound.get()
        return binding.session if binding is not None else None

    @contextmanager
    def request_session(self) -> Iterator[Session]:
        """The one session of a web request: committed at the end, rolled back on error.

        Until it ends, :meth:`session` and :meth:`transaction` called by the
        request's code hand out this session instead of opening another.
        """
        session = self._sessions()
        binding = _Binding(session)
        token = _bound.set(binding)
        try:
            with session.begin():
                yield session
        finally:
            binding.session = None
            # Ended from a copy of the context (a worker thread): the binding is cleared.
            with suppress(ValueError):
                _bound.reset(token)
            session.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading; inside a web request, the request's own."""
        bound = self.bound()
        if bound is not None:
            yield bound
            return
        with self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error.

        Inside a web request it is a savepoint of the request's session: an error
        undoes this block only; the request commits everything when it ends.
        """
        bound = self.bound()
        if bound is not None:
            with bound.begin_nested():
                yield bound
            return
        with self._sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        migrate(self.engine)

    def schema_gap(self) -> tuple[str | None, str, bool] | None:
        """None when the schema is this Kefu's newest; else ``(the database's migration,
        this Kefu's newest, whether the database is the older one)``."""
        current, known = current_revision(self.engine), known_revisions()
        if current == known[-1]:
            return None
        return current, known[-1], current is None or current in known

    def dispose(self) -> None:
        self.engine.dispose()
