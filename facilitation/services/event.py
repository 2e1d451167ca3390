"""One running event: its database, its access tokens, and the single door every command goes through."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from facilitation.domain.errors import Refused
from facilitation.domain.events import DomainEvent, ParticipantJoined, ParticipantMoved
from facilitation.domain.roles import Role
from facilitation.plan import Plan, parse_plan
from facilitation.services.commands import COMMANDS, Principal, Tx
from facilitation.store.models import CommandRecord, Control, EventTable, LogEntry, Participant, Setting

STAFF_TOKENS = {"facilitator_token": Role.FACILITATOR, "theme_token": Role.THEME,
                "projector_token": Role.PROJECTOR, "observer_token": Role.OBSERVER}
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are typed from a card


def _code(length: int = 5) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


class EventService:
    def __init__(self, engine: Engine, plan: Plan, publish: Callable[[list[DomainEvent]], None] | None = None):
        self.engine = engine
        self.plan = plan
        self.publish = publish or (lambda events: None)
        # One writer at a time: SQLite serialises writes anyway, and this keeps waits out of sqlite's busy loop.
        self._write_lock = threading.Lock()

    # --- setup ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, engine: Engine, plan: Plan, plan_text: str) -> "EventService":
        """Create the event's rows on first start; later starts keep every token and every idea."""
        with Session(engine) as s:
            settings = {row.key: row for row in s.exec(select(Setting))}
            for key in STAFF_TOKENS:
                if key not in settings:
                    s.add(Setting(key=key, value=secrets.token_urlsafe(18)))
            if "online_code" not in settings:
                s.add(Setting(key="online_code", value=_code()))
            s.merge(Setting(key="plan", value=plan_text))
            control = s.get(Control, 1)
            if control is None:
                s.add(Control(id=1))
            elif control.phase_index is not None and control.phase_index >= len(plan.agenda):
                control.phase_index = None  # the plan's agenda was shortened since the last start
            existing = {t.id for t in s.exec(select(EventTable))}
            total = plan.tables.count + plan.tables.online_groups
            for table_id in range(1, total + 1):
                if table_id not in existing:
                    online = table_id > plan.tables.count
                    number = table_id - plan.tables.count if online else table_id
                    s.add(EventTable(id=table_id, number=number, online=online, join_code=_code(),
                                     scribe_token=secrets.token_urlsafe(12)))
            s.commit()
        return cls(engine, plan)

    @classmethod
    def from_database(cls, engine: Engine) -> "EventService":
        with Session(engine) as s:
            row = s.get(Setting, "plan")
            if row is None:
                raise LookupError("this database holds no event")
            return cls(engine, parse_plan(row.value, "stored plan"))

    def settings(self) -> dict[str, str]:
        with Session(self.engine) as s:
            return {row.key: row.value for row in s.exec(select(Setting)) if row.key != "plan"}

    def table(self, table_id: int) -> EventTable | None:
        with Session(self.engine) as s:
            return s.get(EventTable, table_id)

    def tables(self) -> list[EventTable]:
        with Session(self.engine) as s:
            return list(s.exec(select(EventTable).order_by(EventTable.id)))

    # --- who is asking ----------------------------------------------------------------------------

    def resolve(self, token: str | None) -> Principal | None:
        """A capability token (staff, scribe or a phone's device token) -> who it is, or None."""
        if not token or len(token) > 100:
            return None
        with Session(self.engine) as s:
            for key, role in STAFF_TOKENS.items():
                row = s.get(Setting, key)
                if row and secrets.compare_digest(row.value, token):
                    return Principal(role)
            table = s.exec(select(EventTable).where(EventTable.scribe_token == token)).first()
            if table:
                return Principal(Role.SCRIBE, table_id=table.id)
            participant = s.exec(select(Participant).where(Participant.token == token)).first()
            if participant:
                return Principal(Role.PARTICIPANT, table_id=participant.table_id, participant_id=participant.id)
        return None

    def join(self, join_code: str, device_token: str | None) -> str | None:
        """A phone scanned a table's (or the online) join code: place it there; returns its device token."""
        with self._write_lock, Session(self.engine) as s:
            online = s.get(Setting, "online_code")
            if online and join_code.upper() == online.value:
                table = self._emptiest_online_group(s)
            else:
                table = s.exec(select(EventTable).where(EventTable.join_code == join_code.upper())).first()
            if table is None:
                return None
            participant = device_token and s.exec(select(Participant).where(Participant.token == device_token)).first()
            now = time.time()
            if participant:
                if participant.table_id == table.id or (table.online and self._is_online(s, participant)):
                    return participant.token
                participant.table_id = table.id
                events = [ParticipantMoved(participant.id, table.id)]
            else:
                participant = Participant(token=secrets.token_urlsafe(18), table_id=table.id, joined_at=now)
                s.add(participant)
                s.flush()
                events = [ParticipantJoined(participant.id, table.id)]
            self._append(s, f"participant:{participant.id}", events, now)
            s.commit()
            token = participant.token
        self.publish(events)
        return token

    def _is_online(self, s: Session, participant: Participant) -> bool:
        return s.get(EventTable, participant.table_id).online

    def _emptiest_online_group(self, s: Session) -> EventTable | None:
        counts = dict(s.exec(select(Participant.table_id, func.count()).group_by(Participant.table_id)).all())
        groups = list(s.exec(select(EventTable).where(EventTable.online == True)))  # noqa: E712
        if not groups:
            return None
        return min(groups, key=lambda t: (counts.get(t.id, 0), t.id))

    # --- commands ---------------------------------------------------------------------------------

    def execute(self, who: Principal, name: str, raw: object) -> dict:
        """Validate, apply once, log, commit, then publish. A retried client id gets its first answer back."""
        if name not in COMMANDS:
            raise Refused("unknown_command", name=name[:40])
        model, fn = COMMANDS[name]
        if not isinstance(raw, dict):
            raise Refused("invalid_payload", fields="payload")
        try:
            cmd = model.model_validate(raw)
        except ValidationError as exc:
            fields = sorted({".".join(str(x) for x in err["loc"]) or "payload" for err in exc.errors()})
            raise Refused("invalid_payload", fields=", ".join(fields)) from None
        key = f"{who.actor}|{cmd.cid}"
        digest = hashlib.sha256(f"{name}|{cmd.model_dump_json(exclude={'cid'})}".encode()).hexdigest()
        with self._write_lock, Session(self.engine, expire_on_commit=False) as s:
            prior = s.get(CommandRecord, key)
            if prior is not None:
                if prior.digest != digest:
                    raise Refused("id_reused")
                return {**prior.result, "replayed": True}
            tx = Tx(s, self.plan, time.time(), who)
            result = fn(tx, cmd) or {}
            result["version"] = self._append(s, who.actor, tx.events, tx.now)
            s.add(CommandRecord(key=key, name=name, digest=digest, result=result, at=tx.now))
            s.commit()
        self.publish(tx.events)
        return result

    def _append(self, s: Session, actor: str, events: list[DomainEvent], now: float) -> int:
        for event in events:
            s.add(LogEntry(at=now, actor=actor, kind=type(event).__name__, data=asdict(event)))
        s.flush()
        return self.version(s)

    @staticmethod
    def version(s: Session) -> int:
        return s.exec(select(func.max(LogEntry.version))).one() or 0

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A short read-only session for the read models."""
        with Session(self.engine) as s:
            yield s

    def log(self, since: int = 0, limit: int = 1000) -> list[dict]:
        with Session(self.engine) as s:
            rows = s.exec(select(LogEntry).where(LogEntry.version > since).order_by(LogEntry.version).limit(limit))
            return [{"version": r.version, "at": r.at, "actor": r.actor, "kind": r.kind, "data": r.data}
                    for r in rows]
