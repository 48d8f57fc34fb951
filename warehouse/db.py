"""Connecting to the warehouse and bringing its schema to the latest migration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def head_revision() -> str:
    """The newest migration's revision: each file under versions/ is named for its revision (0007_status_words.py
    holds revision '0007'; tests/test_migrations.py holds alembic's own head to it)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def engine_for(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a generous busy time-out."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at our migrations and at this engine."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (idempotent; safe to call on every run, from several processes at once).

    A warehouse already at the newest revision is left alone without loading alembic (0.35 s of a command's start)."""
    if _at_head(engine):
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database != ":memory:":
        with FileLock(f"{database}.migrate.lock", timeout=600):  # SQLite has no advisory locks: a lock file beside it
            _upgrade(engine)
    else:
        _upgrade(engine)


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    except DBAPIError:  # no table yet (a new warehouse) or not reachable: the full path below says why
        return False


def _upgrade(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # two processes starting at once must not both run the migrations
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
