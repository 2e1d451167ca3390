"""Consistent copies of an event's SQLite database, taken while a server may be writing to it, and put back.

SQLite's online backup API copies a consistent snapshot page by page, WAL included; a file copy of a live
database in WAL mode may not be."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine

from facilitation.plan import PlanError, parse_plan
from facilitation.store import schema


class BackupError(RuntimeError):
    """A file that is not a usable event backup; `code` names why."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


def copy(source: Path, target: Path) -> None:
    """Copy the database at `source` into `target` (replacing what `target` held) and check the result."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("corrupt", path=str(target))


def from_database(engine: Engine, target: Path) -> None:
    """An event kept in another database (PostgreSQL) written into `target` as the SQLite file a laptop keeps it
    in, at the same schema revision, every row copied in one snapshot of the event: restored with `facilitation
    restore`, it runs anywhere. `engine` is a `store.engine.snapshot_engine` (one REPEATABLE READ transaction,
    whatever the server writes meanwhile); `target` must not exist."""
    from sqlalchemy import MetaData, insert, select

    revision = schema.current(engine)
    assert revision is not None, "an event's database is versioned"
    made = create_engine(f"sqlite:///{target}")
    try:
        schema.build(made, revision)
        tables = MetaData()
        tables.reflect(made)
        with engine.connect() as source, source.begin(), made.begin() as copy:
            for table in tables.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = [dict(row) for row in source.execute(select(*table.columns)).mappings()]
                if rows:
                    copy.execute(insert(table), rows)
    finally:
        made.dispose()
    with closing(sqlite3.connect(target)) as db:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("corrupt", path=str(target))


def check(path: Path) -> str:
    """The id of the event the backup at `path` holds, once it is known to be safe to restore: a sound SQLite
    file whose schema is exactly the one this release's migrations make at the revision it records (no trigger,
    no view, no table or column of anyone else's), with a plan this release can read. Raises BackupError; reads
    only."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("corrupt", path=str(path))
            extra = [
                f"{kind} {name}"
                for kind, name in db.execute(
                    "SELECT type, name FROM sqlite_master WHERE type NOT IN ('table', 'index') ORDER BY name"
                )
            ]
            if extra:  # a trigger runs on the server's own writes; nothing this app makes is ever one
                raise BackupError("foreign_objects", objects=", ".join(extra)[:200])
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise BackupError("not_a_backup", path=str(path), reason="no schema version in it")
            revision = (db.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
            if revision not in schema.revisions():
                raise BackupError("newer_schema", found=str(revision)[:40])
            difference = _difference(_shape(db), _reference(revision))
            if difference:
                raise BackupError("foreign_schema", difference=difference)
            row = db.execute("SELECT value FROM setting WHERE key = 'plan'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError("not_a_backup", path=str(path), reason=str(exc)) from None
    if row is None:
        raise BackupError("not_a_backup", path=str(path), reason="no event in it")
    try:
        return parse_plan(row[0], "stored plan").event.id
    except PlanError as exc:
        raise BackupError("broken_plan", reason=str(exc)[:300]) from None


Shape = dict[str, tuple[frozenset, frozenset]]  # table -> its columns and its indexes


def _shape(db: sqlite3.Connection) -> Shape:
    """Every table's columns (name, type, not null, primary key) and indexes (name, unique, columns)."""
    shape = {}
    for (table,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
    ):
        columns = frozenset(
            (name, kind.upper(), bool(notnull), pk)
            for name, kind, notnull, pk in db.execute(
                'SELECT name, type, "notnull", pk FROM pragma_table_info(?)', (table,)
            )
        )
        indexes = frozenset(
            (
                name,
                bool(unique),
                tuple(
                    column for (column,) in db.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (name,))
                ),
            )
            for name, unique in db.execute('SELECT name, "unique" FROM pragma_index_list(?)', (table,)).fetchall()
        )
        shape[table] = (columns, indexes)
    return shape


def _reference(revision: str) -> Shape:
    """The schema this release's migrations make at `revision`, built in an empty database to compare with."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reference.sqlite"
        engine = create_engine(f"sqlite:///{path}")
        try:
            schema.build(engine, revision)
        finally:
            engine.dispose()
        with closing(sqlite3.connect(path)) as db:
            return _shape(db)


def _difference(found: Shape, expected: Shape) -> str:
    """What differs between two shapes, in a few words (empty when they are the same)."""
    words = [f"+{table}" for table in sorted(found.keys() - expected.keys())]
    words += [f"-{table}" for table in sorted(expected.keys() - found.keys())]
    words += [f"~{table}" for table in sorted(found.keys() & expected.keys()) if found[table] != expected[table]]
    return ", ".join(words)[:200]
