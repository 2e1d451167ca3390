"""The writer's unit of work (issue 22): one transaction on one event's database, owning what every change shares
whichever lane it comes by (a command, a join, a batch of dots): the log's versions, the record of each command
applied once (a retry gets its first answer back, never a second effect) and the commit.

The services decide what changes (facilitation.services.commands, .votes, .event); this module says how it is
kept. The `Ledger` is what the one writer knows between transactions: the last committed version, and every
command key applied (loaded once the dot lane needs it, so retries are spotted without a query)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

from sqlalchemy import Engine, func, insert
from sqlmodel import Session, select

from facilitation.domain.errors import Refused
from facilitation.store.models import CommandRecord, LogEntry

_LOG = insert(LogEntry.__table__)  # type: ignore[attr-defined]  # built once: reused compiled
_RECORD = insert(CommandRecord.__table__)  # type: ignore[attr-defined]


class Ledger:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.version: int | None = None  # the last committed log version, once read
        self.applied: dict[str, str] | None = None  # every command key applied -> its digest, once loaded

    def committed(self) -> int:
        """The last committed version (read once; this process is the event's only writer)."""
        if self.version is None:
            with Session(self.engine) as s:
                self.version = last_version(s)
        return self.version

    @contextmanager
    def unit(self, expire_on_commit: bool = True) -> Iterator[Unit]:
        """One transaction: committed when the block ends, rolled back (and nothing remembered) if it raises."""
        version = self.committed()
        with Session(self.engine, expire_on_commit=expire_on_commit) as s:
            unit = Unit(s, self, version)
            yield unit
            unit.commit()
        self.version = unit.version
        if self.applied is not None:
            self.applied.update(unit.keys)


class Unit:
    def __init__(self, session: Session, ledger: Ledger, version: int):
        self.session = session
        self.version = version  # the last version handed out, committed or in this transaction
        self.keys: dict[str, str] = {}  # the commands this transaction applies: key -> digest
        self._ledger = ledger
        self._logs: list[dict] = []
        self._records: list[dict] = []

    def append(self, actor: str, events: list, now: float) -> int:
        """Log `events` under the next versions (the writer alone hands them out); returns the last one."""
        for event in events:
            self.version += 1
            self._logs.append(
                {
                    "version": self.version,
                    "at": now,
                    "actor": actor,
                    "kind": type(event).__name__,
                    "data": asdict(event),
                }
            )
        return self.version

    def applied(self) -> dict[str, str]:
        """Every command key applied before this transaction (loaded once, then kept by the ledger)."""
        if self._ledger.applied is None:
            self._ledger.applied = dict(
                self.session.connection().exec_driver_sql("SELECT key, digest FROM command").all()
            )
        return self._ledger.applied

    def answered(self, keys: list[str]) -> dict[str, tuple[str, dict]]:
        """The commands among `keys` already applied: key -> (digest, first answer). A plain query: compiling
        an IN of a new length for every batch cost more than the rest of the batch."""
        known = self._ledger.applied
        keys = [key for key in keys if known is None or key in known]
        if not keys:
            return {}
        connection = self.session.connection()
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        rows = connection.exec_driver_sql(
            f"SELECT key, digest, result FROM command WHERE key IN ({', '.join([mark] * len(keys))})", tuple(keys)
        )
        return {
            key: (digest, result if isinstance(result, dict) else json.loads(result)) for key, digest, result in rows
        }

    def first_answer(self, key: str, digest: str) -> dict | None:
        """A retried command's first answer (marked `replayed`), None for a new one; the same id sent with
        another request is refused (`id_reused`)."""
        prior = self.answered([key]).get(key)
        if prior is None:
            return None
        if prior[0] != digest:
            raise Refused("id_reused")
        return {**prior[1], "replayed": True}

    def remember(self, key: str, name: str, digest: str, result: dict, now: float) -> None:
        """The command `key` is applied, with this answer: a retry gets it back."""
        self.keys[key] = digest
        self._records.append({"key": key, "name": name, "digest": digest, "result": result, "at": now})

    def commit(self) -> None:
        if self._logs:
            self.session.execute(_LOG, self._logs)
        if self._records:
            self.session.execute(_RECORD, self._records)
        self.session.commit()


def last_version(s: Session) -> int:
    return s.exec(select(func.max(LogEntry.version))).one() or 0
