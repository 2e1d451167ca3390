"""One engine per event database; SQLite gets WAL, a busy timeout and short transactions."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import URL, Engine, event, make_url, text
from sqlmodel import create_engine

from facilitation.store import schema


def sqlite_path(data_dir: str | Path, event_id: str) -> Path:
    return Path(data_dir) / f"{event_id}.sqlite"


def sqlite_url(data_dir: str | Path, event_id: str) -> str:
    path = sqlite_path(data_dir, event_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def sqlite_file(url: str) -> str | None:
    """The file a SQLite database URL names (None for another database, or SQLite in memory)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return (
        parsed.database
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
        else None
    )


def with_schema(url: str | URL, schema: str) -> str:
    """A PostgreSQL `url` whose connections see `schema` alone (libpq's `options`, kept with any others the URL
    has): every table the app reads, writes and migrates is then that schema's (facilitation.store.places)."""
    parsed = make_url(url)
    options = [str(parsed.query["options"])] if "options" in parsed.query else []
    parsed = parsed.update_query_dict({"options": " ".join([*options, f"-csearch_path={schema}"])})
    return parsed.render_as_string(hide_password=False)


def schema_in(url: str | URL) -> str | None:
    """The schema a `with_schema` URL names, or None."""
    found = re.search(r"-csearch_path=(\S+)", str(make_url(url).query.get("options", "")))
    return found.group(1) if found else None


def make_engine(url: str, keep_before_upgrade: bool = True) -> Engine:
    """An engine on a database at the newest schema: an older one is upgraded (a copy of it kept beside it
    first, unless `keep_before_upgrade` is off), one it cannot use is refused (`schema.SchemaError`)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a process kill in WAL mode
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
        if (named := schema_in(url)) is not None:  # an event of a database that keeps several: its schema first
            with engine.connect() as connection:
                connection.execute(text(f'create schema if not exists "{named}"'))
                connection.commit()
    schema.upgrade(engine, keep=keep_before_upgrade)
    return engine


def follower_engine(url: str, wait: float = 60.0) -> Engine:
    """An engine on an event database that another process, the event's writer, makes and upgrades
    (facilitation.services.relay): this one waits up to `wait` seconds for the newest schema and never migrates."""
    import time

    engine = create_engine(url, pool_pre_ping=True)
    deadline = time.monotonic() + wait
    while (found := schema.current(engine)) != schema.head():
        if found is not None and found not in schema.revisions():
            raise schema.SchemaError("newer_schema", found)
        if time.monotonic() > deadline:
            raise schema.SchemaError("writer_not_ready", found or "-")
        time.sleep(0.5)
    return engine


def snapshot_engine(url: str) -> Engine:
    """An engine for readers in another process (the workers that draw reports and exports): no schema
    upgrade, nothing written, and each session one real transaction, so that everything a report reads is one
    consistent snapshot of the event even while the server keeps writing to it."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, isolation_level="REPEATABLE READ")
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # pysqlite would not begin before a SELECT: we do, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")  # WAL: the first read fixes the snapshot until the session ends

    return engine


def create_elsewhere(url: str, timeout: float = 120) -> None:
    """Make a new event's database at the newest schema in a process of its own: the migrations take a tenth of
    a second, which the server's event loop (every phone of the other events) must not wait for. Under gevent
    the wait for the child yields to the loop; the server then opens the database already made."""
    import subprocess
    import sys

    try:
        done = subprocess.run(
            [sys.executable, "-m", "facilitation.store.engine", url], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.SubprocessError as exc:
        raise schema.SchemaError(f"the new database could not be made: {exc}") from None
    if done.returncode != 0:
        raise schema.SchemaError(f"the new database could not be made: {done.stderr.strip()[-500:]}")


if __name__ == "__main__":  # `create_elsewhere`'s child
    import sys

    make_engine(sys.argv[1]).dispose()
