"""The event's data folder, checked before a server uses it (writable, room left) and locked while it runs,
so that two servers can never share one event."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import filelock


class DataDirError(RuntimeError):
    """A data folder a server must not run on; `code` names why, for a translated message."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


@dataclass
class EventLock:
    """Held for as long as the process lives; the kernel releases it when the process ends, even on a crash."""

    path: Path
    held: filelock.BaseFileLock = field(repr=False)

    def release(self) -> None:
        self.held.release()


def _probe(folder: Path) -> None:
    """Write, flush and remove a small file: the only sure test that the disk takes writes (root ignores
    permission bits, but not a read-only mount or a full disk)."""
    probe = folder / f".write-test-{os.getpid()}"
    try:
        with open(probe, "wb") as f:
            f.write(b"\0" * 4096)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        code = "data_dir_full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "data_dir_read_only"
        raise DataDirError(code, folder=str(folder), reason=exc.strerror) from None
    finally:
        with contextlib.suppress(OSError):  # a read-only folder refuses even the clean-up
            probe.unlink(missing_ok=True)


def check(folder: str | Path, min_free_mb: int) -> Path:
    """The folder, created if needed; refused when it cannot take the event's writes."""
    folder = Path(folder).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError("data_dir_read_only", folder=str(folder), reason=exc.strerror) from None
    _probe(folder)
    for existing in folder.glob("*.sqlite*"):
        if not os.access(existing, os.W_OK):
            raise DataDirError("data_dir_read_only", folder=str(existing), reason=os.strerror(errno.EACCES))
    free_mb = shutil.disk_usage(folder).free // 2**20
    if free_mb < min_free_mb:
        raise DataDirError("data_dir_full", folder=str(folder), free=free_mb, needed=min_free_mb)
    return folder


def lock(database: str | Path, event_id: str) -> EventLock:
    """Lock the event's database file for this process, or refuse because another process runs it. The lock
    sits beside the file the path resolves to: a symlinked `.sqlite` in another data folder, or a database URL
    naming the same file, meets the same lock (`<event>.lock` in a plain data folder)."""
    real = Path(os.path.realpath(database))
    path = real.with_name(f"{real.stem}.lock")
    held = filelock.FileLock(path, timeout=0, thread_local=False)  # flock on Linux and macOS, LockFileEx on Windows
    try:
        held.acquire()
    except filelock.Timeout:
        holder = "?"
        with contextlib.suppress(OSError):  # Windows keeps a locked file from other readers
            holder = path.read_text(errors="replace").strip()[:32] or "?"
        raise DataDirError("event_running", event=event_id, pid=holder, path=str(path)) from None
    with contextlib.suppress(OSError), open(path, "w") as note:  # who holds it, for the refusal above
        note.write(f"{os.getpid()}\n")
    return EventLock(path, held)


class DatabaseLock:
    """An event's PostgreSQL database held by this process: a session advisory lock on a connection kept open for
    as long as the process lives; the database releases it when that connection ends, even on a crash.

    With `wait`, a process that does not get it keeps its connection and may `take` it later: a follower
    (facilitation.services.relay) tries it every second, to become the event's writer when the writer ends."""

    def __init__(self, url: str, event_id: str, wait: bool = False):
        import hashlib
        import socket

        from sqlalchemy import NullPool, create_engine

        self.key = int.from_bytes(hashlib.sha256(f"facilitation:{event_id}".encode()).digest()[:8], "big", signed=True)
        me = f"facilitation {socket.gethostname()} pid {os.getpid()}"[:63]
        self.engine = create_engine(url, poolclass=NullPool, connect_args={"application_name": me})
        self.connection = self.engine.connect()
        if not self.take() and not wait:
            holder = self.holder()
            self.release()
            raise DataDirError("event_running_database", event=event_id, holder=holder)

    def take(self) -> bool:
        """Whether this process holds the lock now (tried again if not)."""
        from sqlalchemy import text

        got = bool(self.connection.execute(text("select pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
        self.connection.commit()
        self.held = got
        return got

    def holder(self) -> str:
        """Which process holds the lock: its host and pid (its connection's application name), or '?'."""
        from sqlalchemy import text

        holder = self.connection.execute(
            text(
                "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid "
                "where l.locktype = 'advisory' and l.granted and "
                "((l.classid::bigint << 32) | l.objid::bigint) = :key"
            ),
            {"key": self.key},
        ).scalar()
        self.connection.commit()
        return holder or "?"

    def release(self) -> None:
        self.connection.close()
        self.engine.dispose()


KEPT_BEFORE = ".before-"  # `<event>.before-restore-….sqlite`, `<event>.before-upgrade-….sqlite`: copies, not events
ARCHIVED = "archived_at"  # the setting an archived event keeps: when the organiser put it away


STAFF_SECRETS = ("facilitator_token", "theme_token", "projector_token", "observer_token")


@dataclass
class Glance:
    """What an event's database tells without opening the event (one read, no migration, no service): enough to
    list it on the home and to know which code or token is its, so that it is opened when first needed."""

    revision: str | None  # its schema's version: an older one is opened (migrated) at start
    codes: set[str]  # its tables', seat and online codes
    tokens: set[str]  # its staff secrets, table screens' and present phones' device tokens
    facilitator: str
    overview: dict  # phase, participants, ideas, last_change: as `EventService.overview`
