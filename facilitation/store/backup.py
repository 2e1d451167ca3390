"""Consistent copies of an event's SQLite database, taken while a server may be writing to it, and put back.

SQLite's online backup API copies a consistent snapshot page by page, WAL included; a file copy of a live
database in WAL mode may not be."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from facilitation.plan import parse_plan


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


def event_id(path: Path) -> str:
    """The id of the event a backup file holds (from the plan stored in it), or BackupError."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("corrupt", path=str(path))
            row = db.execute("SELECT value FROM setting WHERE key = 'plan'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError("not_a_backup", path=str(path), reason=str(exc)) from None
    if row is None:
        raise BackupError("not_a_backup", path=str(path), reason="no event in it")
    return parse_plan(row[0], "stored plan").event.id
