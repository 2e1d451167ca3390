"""The event database's schema version: a new database made at the newest schema, an older one upgraded on open
with Alembic, or one this version cannot use refused with a reason — never used half-migrated."""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, Engine, MetaData, PrimaryKeyConstraint, String, Table, inspect, select

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision of migrations/versions: a database at it opens without Alembic, which is then not even
# imported (a test holds this to Alembic's own head: a new migration that forgets it fails there).
HEAD = "0016"
# Tables every database of this app has had since the first development build, versioned or not.
EVENT_TABLES = {"setting", "control", "event_table", "participant", "idea", "log", "command"}
# Alembic's version table, as its MigrationContext makes it.
VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
log = logging.getLogger(__name__)


class SchemaError(RuntimeError):
    """A database this version cannot use; `code` names why (for a translated message), `found` what it has."""

    def __init__(self, code: str, found: str | None = None):
        super().__init__(f"{code}: {found}" if found else code)
        self.code = code
        self.found = found


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    return HEAD


def alembic_head() -> str | None:
    """The newest revision as Alembic reads it from the migrations' files (what HEAD must say)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _version(connection)


def _version(connection: Connection) -> str | None:
    """The revision the database records (None: none), read from Alembic's table without Alembic."""
    if VERSION.name not in inspect(connection).get_table_names():
        return None
    return connection.execute(select(VERSION.c.version_num)).scalar_one_or_none()


@contextmanager
def _foreign_keys_off(connection):
    """SQLite's foreign keys off while migrating (it ignores the switch inside a transaction): a migration that
    rebuilds a table (adding a column in batch mode, a new primary key) drops it while other tables point at it."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # SQLAlchemy began a transaction for the statement: end it before the migration's
    try:
        yield
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def upgrade(engine: Engine, keep: bool = True) -> str:
    """Bring the database to the newest schema this version knows, with `keep` a copy of it as it was kept
    beside it first (`keep_before_upgrade`); returns the revision it is at.

    A new (empty) database is made at the newest schema at once, the models' tables and the version, as Alembic's
    cookbook has it ("building an up to date database from scratch"): the migrations are for databases that hold
    an event (a test holds the two ways to the same schema)."""
    with engine.connect() as connection:
        if _version(connection) == HEAD:
            return HEAD
        tables = inspect(connection).get_table_names()
    if not tables:
        from sqlmodel import SQLModel

        from facilitation.store import models  # noqa: F401  (the tables, on SQLModel's metadata)

        with engine.begin() as connection:
            SQLModel.metadata.create_all(connection)
            VERSION.create(connection)
            connection.execute(VERSION.insert().values(version_num=HEAD))
        return HEAD
    return _migrate(engine, keep)


def _migrate(engine: Engine, keep: bool) -> str:
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    config = _config()
    script = ScriptDirectory.from_config(config)
    with engine.connect() as connection, _foreign_keys_off(connection), connection.begin():
        revision = _version(connection)
        tables = set(inspect(connection).get_table_names())
        if revision is None and tables and not EVENT_TABLES <= tables:
            raise SchemaError("not_an_event_database", ", ".join(sorted(tables))[:200])
        if revision is not None:
            try:
                script.get_revision(revision)
            except (CommandError, RevisionError):  # alembic wraps an unknown revision in a CommandError
                raise SchemaError("newer_schema", revision) from None
        if revision != HEAD:
            if tables:
                kept = keep_before_upgrade(engine, revision) if keep else None
                log.info(
                    "upgrading the event database from schema %s to %s; %s",
                    revision or "(unversioned)",
                    HEAD,
                    f"the database as it was is kept in {kept}"
                    if kept
                    else "no copy is kept here: the backup it comes from, or a pg_dump, is the way back",
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if connection.dialect.name == "sqlite":
                for table, *_ in connection.exec_driver_sql("PRAGMA foreign_key_check").all():
                    log.warning("after the upgrade, table %s has rows pointing at rows that do not exist", table)
    return HEAD


def keep_before_upgrade(engine: Engine, revision: str | None) -> Path | None:
    """A copy of an SQLite event database before a migration changes it, beside it as
    `<event>.before-upgrade-<revision>-<date-time>.sqlite`: an upgrade that fails, or that is regretted, has
    the database to go back to (`facilitation restore`). None for a database that is not an SQLite file."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    from facilitation.store.backup import copy

    database = Path(url.database)
    kept = database.with_name(
        f"{database.stem}.before-upgrade-{revision or 'unversioned'}-{time.strftime('%Y%m%d-%H%M%S')}.sqlite"
    )
    copy(database, kept)
    with closing(sqlite3.connect(kept)) as db:  # one self-contained file, whatever journal the event uses
        db.execute("PRAGMA journal_mode=DELETE")
    return kept


def revisions() -> set[str]:
    """Every schema revision this release knows (a backup at any of them can be brought to the newest)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def build(engine: Engine, revision: str) -> None:
    """Bring an empty database to `revision` (not further), by the migrations: the reference a backup's schema is
    compared with."""
    from alembic import command

    config = _config()
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
