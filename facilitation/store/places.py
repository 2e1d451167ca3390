"""Where a server keeps its events: a data folder with one SQLite file per event (the laptop's), or one PostgreSQL
database with a schema per event (a hosted server's, `DATABASE_URL`). The organiser's workspace lists, opens,
archives and deletes its events through either the same way."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import NullPool, create_engine, text

from facilitation.store import datadir
from facilitation.store.engine import sqlite_file, sqlite_path, sqlite_url, with_schema

Rows = Callable[[str], list[tuple]]  # the rows a query reads from one event's database
Read = TypeVar("Read")


def _settings(rows: Rows) -> tuple[str | None, bool]:
    """The plan an event's database keeps and whether it is archived."""
    settings = dict(rows(f"select key, value from setting where key in ('plan', '{datadir.ARCHIVED}')"))
    return settings.get("plan"), datadir.ARCHIVED in settings


def _glance(rows: Rows) -> datadir.Glance:
    """`datadir.Glance` read through `rows` (its tables named bare: the caller says whose they are)."""
    one = lambda sql: (rows(sql) or [(None,)])[0]  # noqa: E731
    every = lambda sql: {row[0] for row in rows(sql) if row[0]}  # noqa: E731
    revision = one("select version_num from alembic_version")[0]
    settings = dict(rows("select key, value from setting"))
    codes = every("select join_code from event_table") | every("select code from seat_code")
    tokens = every("select scribe_token from event_table") | every(
        "select token from participant where removed_at is null"
    )
    overview = {
        "phase": one("select phase_index from control where id = 1")[0],
        "participants": one("select count(*) from participant where removed_at is null")[0],
        "ideas": one("select count(*) from idea")[0],
        "last_change": one("select max(at) from log")[0],
    }
    online = {settings["online_code"]} if settings.get("online_code") else set()
    return datadir.Glance(
        revision,
        codes | online,
        tokens | {settings[key] for key in datadir.STAFF_SECRETS if settings.get(key)},
        settings.get("facilitator_token", ""),
        overview,
    )


class Folder:
    """A data folder: `<event>.sqlite` per event, locked by a file beside it (`datadir.lock`). With `file`
    (a SQLite DATABASE_URL), the one event it serves is kept in that file instead."""

    def __init__(self, folder: str | Path, file: str | None = None):
        self.folder = Path(folder)
        self.file = file

    def path(self, event_id: str) -> Path:
        return Path(self.file) if self.file else sqlite_path(self.folder, event_id)

    def url(self, event_id: str) -> str:
        return f"sqlite:///{self.file}" if self.file else sqlite_url(self.folder, event_id)

    def exists(self, event_id: str) -> bool:
        return self.path(event_id).exists()

    def lock(self, event_id: str, wait: bool = False) -> datadir.EventLock:
        return datadir.lock(self.path(event_id), event_id)

    def events(self, archived: bool = False) -> dict[str, str]:
        """The events the folder keeps (served, or with `archived` put away), by id, with their plans."""
        found = {}
        for path in sorted(self.folder.glob("*.sqlite")):
            if datadir.KEPT_BEFORE in path.name:
                continue
            plan, put_away = self._read(path, _settings) or (None, False)
            if plan and put_away == archived:
                found[path.stem] = plan
        return found

    def glance(self, event_id: str) -> datadir.Glance | None:
        return self._read(self.path(event_id), _glance)

    @staticmethod
    def _read(path: Path, reader: Callable[[Rows], Read]) -> Read | None:
        """What `reader` reads from an event's file, read-only; None when it cannot be read so."""
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
                return reader(lambda sql: db.execute(sql).fetchall())
        except (sqlite3.Error, TypeError):  # TypeError: a row that is not there
            return None

    def write_setting(self, event_id: str, key: str, value: str | None) -> None:
        """Set (or with None, remove) one of an event's settings, the event not being served."""
        with contextlib.closing(sqlite3.connect(self.path(event_id))) as db, db:
            _write_setting(lambda sql, params: db.execute(sql, params), key, value)

    def last_change(self, event_id: str) -> float | None:
        return (self._read(self.path(event_id), lambda rows: rows("select max(at) from log")) or [(None,)])[0][0]

    def erase(self, event_id: str) -> None:
        """An event's database and everything beside it: its log and shared memory, its vectors, its lock, and
        the copies kept before a restore or an upgrade (they hold the same people's data)."""
        database = Path(os.path.realpath(self.path(event_id)))
        kept = database.parent.glob(f"{database.stem}{datadir.KEPT_BEFORE}*.sqlite")
        for path in [*database.parent.glob(f"{database.name}*"), *kept, database.with_name(f"{database.stem}.lock")]:
            path.unlink(missing_ok=True)


def _write_setting(execute, key: str, value: str | None) -> None:
    execute("delete from setting where key = :key", {"key": key})
    if value is not None:
        execute("insert into setting (key, value) values (:key, :value)", {"key": key, "value": value})


SCHEMA_PREFIX = "event_"
_SAFE = re.compile(r"[^a-z0-9_]")


def schema_of(event_id: str) -> str:
    """The PostgreSQL schema that keeps an event: `event_<id>`, `-` written `_`, with a short hash of the id when
    that changed it or made it longer than PostgreSQL's 63 characters (so two ids never share one)."""
    name = SCHEMA_PREFIX + _SAFE.sub("_", event_id)
    if name != SCHEMA_PREFIX + event_id or len(name) > 63:
        name = f"{name[:54]}_{hashlib.sha256(event_id.encode()).hexdigest()[:8]}"
    return name


class Database:
    """One PostgreSQL database, each event in a schema of its own (`schema_of`), locked by a session advisory
    lock (`datadir.DatabaseLock`). A database made before schemas per event keeps its one event in `public`:
    that event is still found there."""

    def __init__(self, url: str):
        self.base = url
        self._in_public: str | None = None  # the id of the event kept in `public`, once read

    def _engine(self):
        return create_engine(self.base, poolclass=NullPool)

    @contextlib.contextmanager
    def _connection(self):
        engine = self._engine()
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()

    def _schemas(self, connection) -> list[str]:
        """The schemas of this database that keep an event: `event_…` ones, and `public` if it has one."""
        found = connection.execute(
            text(
                "select table_schema from information_schema.tables where table_name = 'setting' and "
                "(table_schema like :prefix or table_schema = 'public') order by table_schema"
            ),
            {"prefix": SCHEMA_PREFIX.replace("_", "\\_") + "%"},
        ).scalars()
        return list(found)

    def _public_event(self) -> str | None:
        """The id of the event a database from before schemas per event keeps in `public` (read once)."""
        if self._in_public is None:
            from facilitation.plan import PlanError, parse_plan

            self._in_public = ""
            with self._connection() as connection:
                if "public" in self._schemas(connection):
                    plan = connection.execute(text("select value from public.setting where key = 'plan'")).scalar()
                    with contextlib.suppress(PlanError):
                        self._in_public = parse_plan(plan, "database").event.id if plan else ""
        return self._in_public or None

    def schema(self, event_id: str) -> str:
        return "public" if self._public_event() == event_id else schema_of(event_id)

    def url(self, event_id: str) -> str:
        return with_schema(self.base, self.schema(event_id))

    def exists(self, event_id: str) -> bool:
        with self._connection() as connection:
            return self.schema(event_id) in self._schemas(connection)

    def lock(self, event_id: str, wait: bool = False) -> datadir.DatabaseLock:
        return datadir.DatabaseLock(self.base, event_id, wait=wait)

    def _each(self, schemas: Iterable[str], reader: Callable[[Rows], Read]) -> dict[str, Read]:
        """What `reader` reads from each schema's tables, by schema; a schema that cannot be read is left out."""
        from sqlalchemy import exc

        read: dict[str, Read] = {}
        with self._connection() as connection:
            for schema in schemas:
                connection.execute(text(f'set search_path to "{schema}"'))
                try:
                    read[schema] = reader(lambda sql: [tuple(row) for row in connection.execute(text(sql))])
                    connection.commit()
                except (exc.SQLAlchemyError, TypeError):
                    connection.rollback()
        return read

    def events(self, archived: bool = False) -> dict[str, str]:
        from facilitation.plan import PlanError, parse_plan

        with self._connection() as connection:
            schemas = self._schemas(connection)
        found = {}
        for schema, (plan, put_away) in self._each(schemas, _settings).items():
            if plan and put_away == archived:
                with contextlib.suppress(PlanError):
                    event_id = parse_plan(plan, "database").event.id
                    if self.schema(event_id) == schema:
                        found[event_id] = plan
        return dict(sorted(found.items()))

    def glance(self, event_id: str) -> datadir.Glance | None:
        schema = self.schema(event_id)
        return self._each([schema], _glance).get(schema)

    def write_setting(self, event_id: str, key: str, value: str | None) -> None:
        engine = create_engine(self.url(event_id), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                _write_setting(lambda sql, params: connection.execute(text(sql), params), key, value)
        finally:
            engine.dispose()

    def last_change(self, event_id: str) -> float | None:
        schema = self.schema(event_id)
        found = self._each([schema], lambda rows: rows("select max(at) from log")).get(schema)
        return found[0][0] if found else None

    def erase(self, event_id: str) -> None:
        """The event's schema and every table in it (in `public`, the event's tables alone)."""
        from sqlmodel import SQLModel

        import facilitation.store.models  # noqa: F401  (the tables, named in SQLModel's metadata)

        with self._connection() as connection:
            if self.schema(event_id) == "public":
                for table in ["alembic_version", *(t.name for t in reversed(SQLModel.metadata.sorted_tables))]:
                    connection.execute(text(f'drop table if exists public."{table}" cascade'))
                self._in_public = None
            else:
                connection.execute(text(f'drop schema if exists "{self.schema(event_id)}" cascade'))
            connection.commit()


Place = Folder | Database


def where(config: dict) -> Place:
    """Where a server with these settings keeps its events."""
    url = config.get("DATABASE_URL")
    if not url:
        return Folder(config["DATA_DIR"])
    if (file := sqlite_file(url)) is not None:
        return Folder(config["DATA_DIR"], file=file)
    return Database(url)
