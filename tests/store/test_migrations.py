"""The migration chain read from the files is Alembic's, and a database's place in it."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from kefu.store.appdb import MIGRATIONS, AppDB, current_revision, known_revisions


def test_revision_chain_read_from_files_is_alembics_own() -> None:
    walked = [r.revision for r in ScriptDirectory(str(MIGRATIONS)).walk_revisions()]
    assert known_revisions() == tuple(reversed(walked))


def test_database_never_migrated_has_no_revision(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert current_revision(engine) is None


def test_migrated_database_is_at_the_newest_revision(tmp_path: Path) -> None:
    db = AppDB(f"sqlite:///{tmp_path / 'app.db'}")
    db.migrate()
    assert current_revision(db.engine) == known_revisions()[-1]
    assert db.schema_gap() is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003_scoring'"))
    assert db.schema_gap() == ("0003_scoring", known_revisions()[-1], True)
