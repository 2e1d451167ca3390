"""One running event: its database, its access tokens, and the single door every command goes through."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import col, func, select, Session

from facilitation.domain import ranking
from facilitation.domain.errors import Refused
from facilitation.domain.events import (
    BallotChanged,
    DomainEvent,
    ParticipantRemoved,
    PlanChanged,
    RoundSetUp,
    RoundStarted,
    StorageTrouble,
    ThemeDeleted,
    VoteClosed,
    VoteOpened,
)
from facilitation.domain.roles import Action, Role, require
from facilitation.plan import Plan, parse_plan
from facilitation.services import access
from facilitation.services.codes import add_seat_codes, unused_code
from facilitation.services.commands import COMMANDS, Principal, Tx
from facilitation.services import readmodels as rm
from facilitation.services.payloads import validated
from facilitation.services.queries import (
    PRESENT,
    allocation,
    current_round,
    default_rules,
    dots_view,
    plan_locks,
    round_rules,
)
from facilitation.services.joining import Door, Place, already_there, place_of
from facilitation.services.limits import Phones, RateLimit
from facilitation.services.votes import VoteBook, write_dots
from facilitation.services.writer import Job, Writer
from facilitation.store.unit import Ledger, Unit, last_version
from facilitation.store.models import (
    Control,
    Dot,
    EventTable,
    Idea,
    LogEntry,
    Participant,
    SeatCode,
    Setting,
    VoteRound,
)

log = logging.getLogger(__name__)
# The cookie a phone's device token (from `join`) travels in, over HTTP and in the socket handshake alike.
DEVICE_COOKIE = "facilitation_device"
# Commands per phone and per table screen: (burst, per second). Nobody taps 30 times in a few seconds.
COMMAND_LIMITS = {Role.PARTICIPANT: (30, 5.0), Role.SCRIBE: (60, 10.0)}
PHONE_KEY = "phone_key"  # the secret a phone's address is digested with (`limits.Phones`)
# Events after which the vote book is read again from the database (the vote's state or its ballot changed).
VOTE_SHAPERS = (VoteOpened, VoteClosed, BallotChanged, ThemeDeleted, RoundStarted, RoundSetUp, ParticipantRemoved)


def storage_problem(exc: OperationalError) -> str | None:
    """The refusal code for a database error a person can do something about, else None."""
    text = str(exc.orig if getattr(exc, "orig", None) is not None else exc).lower()
    if "disk is full" in text or "disk i/o error" in text or "no space" in text:
        return "disk_full"
    if "database is locked" in text or "database table is locked" in text:
        return "busy"
    return None


class EventService:
    def __init__(
        self,
        engine: Engine,
        plan: Plan,
        publish: Callable[[list[DomainEvent]], None] | None = None,
        join_burst: int = 100,
        phones: Phones | None = None,
    ):
        self.engine = engine
        self.plan = plan
        self._log_to_give_back = False  # a write was refused for a full disk: truncate the log (`_storing`)
        self._plan_text: str | None = None  # the plan's text `reload_plan` last read
        self.publish = publish or (lambda events: None)
        # Every change goes through one writer (facilitation.services.writer): dots in group commits, the rest
        # one transaction each, in arrival order. It alone assigns log versions and keeps the vote book.
        self._writer = Writer(self._write_dots, self._write_one)
        # its transactions: the log's versions and the commands applied once, for every lane (facilitation.store.unit)
        self._ledger = Ledger(engine)
        self._stage: tuple | None = None  # public_stage(), until a change that is not a dot
        self._changes = 0  # changes that are not dots, written so far
        self._book: VoteBook | None = None  # the vote's state for checking dots; reloaded when the vote changes
        # joining: its paces and the joins refused lately (facilitation.services.joining); refusals are shown
        # on the console through whatever `publish` is by then (the broadcaster, once the server runs)
        self.door = Door(lambda events: self.publish(events), join_burst, phones)
        self._commands = RateLimit()  # sized per role, see COMMAND_LIMITS
        self._room_view: tuple[float, dict] | None = None
        self.codes_taken: Callable[[], set[str]] = set  # the other events' join codes (facilitation.hosting sets it)
        # on a follower (facilitation.services.relay): every command goes to the event's writer, none is run here
        self.forward: Callable[[Principal, str, object], dict] | None = None

    # --- setup ------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        engine: Engine,
        plan: Plan,
        plan_text: str,
        join_burst: int = 100,
        seats_per_phone: int = 0,
        phone_networks: str = "",
        taken: set[str] | None = None,
    ) -> "EventService":
        """Create the event's rows on first start; later starts keep every token and every idea. New join codes
        are none of `taken` (the codes of the other events on this server)."""
        taken = set() if taken is None else taken
        with Session(engine) as s:
            settings = {row.key: row for row in s.exec(select(Setting))}
            for key in (*access.STAFF_TOKENS, PHONE_KEY):
                if key not in settings:
                    s.add(Setting(key=key, value=secrets.token_urlsafe(18)))
            if "online_code" not in settings:
                s.add(Setting(key="online_code", value=unused_code(taken)))
            s.merge(Setting(key="plan", value=plan_text))
            control = s.get(Control, 1)
            if control is None:
                s.add(Control(id=1))
            elif control.phase_index is not None and control.phase_index >= len(plan.agenda):
                control.phase_index = control.step_index = None  # the plan's agenda was shortened since the last start
            if s.get(VoteRound, 1) is None:
                method = plan.voting.method
                budget, cap = default_rules(plan, method)
                s.add(VoteRound(id=1, method=method.value, budget=budget, cap=cap, created_at=time.time()))
            existing = {t.id for t in s.exec(select(EventTable))}
            total = plan.tables.count + plan.tables.online_groups
            for table_id in range(1, total + 1):
                if table_id not in existing:
                    online = table_id > plan.tables.count
                    number = table_id - plan.tables.count if online else table_id
                    s.add(
                        EventTable(
                            id=table_id,
                            number=number,
                            online=online,
                            join_code=unused_code(taken),
                            scribe_token=secrets.token_urlsafe(12),
                        )
                    )
            s.flush()
            if plan.tables.seat_codes:
                add_seat_codes(s, plan, plan.tables.headroom)
            s.commit()
            phones = Phones(phone_networks, s.get(Setting, PHONE_KEY).value, seats_per_phone)
        return cls(engine, plan, join_burst=join_burst, phones=phones)

    @classmethod
    def following(
        cls,
        engine: Engine,
        join_burst: int = 100,
        seats_per_phone: int = 0,
        phone_networks: str = "",
        wait: float = 60.0,
    ) -> "EventService":
        """The event as a follower serves it (facilitation.services.relay): as its writer made it (waited for up to
        `wait` seconds), its plan the one the event keeps; nothing is written from here until this process
        becomes the writer, with the same paces as it."""
        deadline = time.monotonic() + wait
        while True:
            with Session(engine) as s:
                plan, key = s.get(Setting, "plan"), s.get(Setting, PHONE_KEY)
            if plan is not None and key is not None:
                break
            if time.monotonic() > deadline:
                raise LookupError("the event's writer has not made it")
            time.sleep(0.5)
        phones = Phones(phone_networks, key.value, seats_per_phone)
        service = cls(engine, parse_plan(plan.value, "stored plan"), join_burst=join_burst, phones=phones)
        service._plan_text = plan.value
        return service

    def changed_elsewhere(self, plan: bool = False) -> None:
        """The writer (another process) wrote a change that is not a dot: what this one keeps of the event's stage
        is read again, and its plan if that changed."""
        self._stage, self._changes, self._room_view = None, self._changes + 1, None
        if plan:
            self.reload_plan()

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

    def seat_codes(self) -> list[SeatCode]:
        with Session(self.engine) as s:
            return list(s.exec(select(SeatCode).order_by(col(SeatCode.table_id), col(SeatCode.code))))

    def plan_text(self) -> str:
        """The plan as the event keeps it (its TOML), for a copy of the event."""
        with Session(self.engine) as s:
            return s.get(Setting, "plan").value

    def reload_plan(self) -> None:
        """Read the plan again if it changed since (a worker, before each job: the server changes it)."""
        text = self.plan_text()
        if text != self._plan_text:
            self.plan, self._plan_text = parse_plan(text, "stored plan"), text

    def plan_locks(self):
        """What the event's data holds on to, for the plan's form (facilitation.planedit.Locks)."""
        with Session(self.engine) as s:
            return plan_locks(s)

    def overview(self) -> dict:
        """How far the event has got, for the organiser's home: its phase (None before the first), the people
        in it and the ideas written."""
        with Session(self.engine) as s:
            return {
                "phase": s.get(Control, 1).phase_index,
                "participants": s.exec(select(func.count()).select_from(Participant).where(PRESENT)).one(),
                "ideas": s.exec(select(func.count()).select_from(Idea)).one(),
                "last_change": s.exec(select(func.max(LogEntry.at))).one(),
            }

    def join_codes(self) -> set[str]:
        """Every code that opens this event: its tables', the online one and its seat codes."""
        with Session(self.engine) as s:
            codes = set(s.exec(select(EventTable.join_code))) | set(s.exec(select(SeatCode.code)))
            online = s.get(Setting, "online_code")
            return codes | ({online.value} if online else set())

    def tables(self) -> list[EventTable]:
        with Session(self.engine) as s:
            return list(s.exec(select(EventTable).order_by(col(EventTable.id))))

    # --- who is asking ----------------------------------------------------------------------------

    def resolve(self, token: str | None) -> Principal | None:
        """A capability token (staff, scribe or a phone's device token) -> who it is, or None (`access`)."""
        with Session(self.engine) as s:
            return access.principal(s, token)

    def place(self, join_code: str, device_token: str | None = None) -> tuple[Place | None, bool]:
        """What a join code opens (a table by its code or a seat code at it, the online groups, or nothing), and
        whether the phone holding `device_token` is already there."""
        with Session(self.engine) as s:
            place = place_of(s, self.plan, join_code)
            return place, place is not None and already_there(s, place, access.participant(s, device_token))

    @contextmanager
    def _storing(self) -> Iterator[None]:
        """A full disk or a locked database refuses the change with a message that says what to do, and warns
        the staff on the console; the transaction is rolled back, so nothing is half-saved. After a full disk,
        the write-ahead log gives its space back (`_give_back_log`)."""
        try:
            yield
        except OperationalError as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            log.error("a change could not be saved: %s", exc.orig if getattr(exc, "orig", None) else exc)
            if problem == "disk_full":
                self._log_to_give_back = True
                self._give_back_log()
            self.publish([StorageTrouble(problem)])
            raise Refused(problem) from None
        if self._log_to_give_back:
            self._give_back_log()

    def _give_back_log(self) -> None:
        """Checkpoint SQLite's write-ahead log and truncate it to nothing: what a write refused for a full disk
        left in it (an import cut short left 199 MB, and the server then would not start) is the disk's again.
        Tried at once, and after each later write until it succeeds: the checkpoint itself needs room in the
        database when the log holds changes not yet copied there. Never waits for a reader (a report being
        drawn): then it is simply tried again at the next write."""
        if self.engine.dialect.name != "sqlite":
            self._log_to_give_back = False
            return
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                try:
                    busy, _pages, _copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
                finally:
                    connection.exec_driver_sql("PRAGMA busy_timeout=5000")
        except OperationalError as exc:
            log.info("the write-ahead log could not be truncated yet: %s", exc)
            return
        self._log_to_give_back = bool(busy)

    def join(self, join_code: str, device_token: str | None, address: str | None = None) -> str:
        """A phone asks to join with a code (a table's, a seat's, the online one); returns its device token. The
        `participant.join` command, through the same door as every change (facilitation.services.joining)."""
        visitor = Principal(Role.VISITOR, device=device_token, address=address)
        answer = self.execute(visitor, "participant.join", {"cid": secrets.token_hex(12), "code": join_code[:64]})
        return answer["token"]

    def refused_joins(self) -> dict[int | None, int]:
        """Joins refused per table (None: online) lately, for the console."""
        return self.door.refused()

    def throttle(self, who: Principal) -> None:
        """Refuse a phone or table screen sending faster than a person can (staff are not limited)."""
        limit = COMMAND_LIMITS.get(who.role)
        if limit and not self._commands.allow(who.actor, *limit):
            raise Refused("too_fast")

    # --- commands ---------------------------------------------------------------------------------

    def execute(self, who: Principal, name: str, raw: object) -> dict:
        """Validate, apply once, log, commit, then publish. A retried client id gets its first answer back."""
        if self.forward is not None:  # a follower: the writer checks and runs it, and answers
            return self.forward(who, name, raw)
        self.throttle(who)
        if name not in COMMANDS:
            raise Refused("unknown_command", name=name[:40])
        model, fn = COMMANDS[name]
        cmd: Any = validated(model, raw)  # the command's own model: each has a cid, dots a proxy
        key = f"{who.actor}|{cmd.cid}"
        digest = hashlib.sha256(f"{name}|{cmd.model_dump_json(exclude={'cid'})}".encode()).hexdigest()
        if COMMANDS[name][1] is None:  # dots: checked and written in batches (services/votes.py)
            if cmd.proxy is not None:
                who = self._proxied(who, cmd.proxy)
            return self._writer.submit(
                Job(True, payload={"who": who, "name": name, "cmd": cmd, "key": key, "digest": digest})
            )  # type: ignore[return-value]
        return self._writer.submit(  # type: ignore[return-value]  # a command's answer is its dict
            Job(False, lambda unit: self._apply(unit, who, name, cmd, key, digest))
        )

    def _proxied(self, who: Principal, participant_id: int) -> Principal:
        """A table facilitator casting for a person of its own table without a phone: the dot is theirs."""
        require(who.role, Action.PROXY_VOTE)
        with self.reading() as s:
            person = s.get(Participant, participant_id)
        if person is None or not person.proxied or person.table_id != who.table_id or person.removed_at is not None:
            raise Refused("not_your_table")
        return Principal(Role.PARTICIPANT, table_id=person.table_id, participant_id=person.id)

    def people_at(self, who: Principal, table_id: int) -> list[dict]:
        """Who joined at a table, newest first, for the facilitator checking a table the console flags:
        participant numbers (never names or tokens), when each joined, the dots they gave in this round and the
        ideas they wrote."""
        require(who.role, Action.RUN_EVENT)
        with self.reading() as s:
            if s.get(EventTable, table_id) is None:
                raise Refused("unknown_table")
            people = s.exec(
                select(Participant)
                .where(Participant.table_id == table_id, PRESENT)
                .order_by(col(Participant.joined_at).desc(), col(Participant.id).desc())
            ).all()
            ids = [p.id for p in people]
            given = (
                dict(
                    s.exec(
                        select(Dot.participant_id, func.sum(Dot.count))
                        .where(Dot.round_id == current_round(s).id, Dot.count > 0, col(Dot.participant_id).in_(ids))
                        .group_by(col(Dot.participant_id))
                    ).all()
                )
                if ids
                else {}
            )
            authors = [f"participant:{pid}" for pid in ids]
            wrote = (
                dict(
                    s.exec(
                        select(Idea.author, func.count())
                        .where(col(Idea.author).in_(authors))
                        .group_by(col(Idea.author))
                    ).all()
                )
                if ids
                else {}
            )
            phones = [p.device for p in people if p.device]
            seats = (
                dict(
                    s.exec(
                        select(Participant.device, func.count())
                        .where(col(Participant.device).in_(phones), PRESENT)
                        .group_by(col(Participant.device))
                    ).all()
                )
                if phones
                else {}
            )
            # seats one phone holds (here or at other tables), and which people here share a phone
            same = {phone: n for n, phone in enumerate(dict.fromkeys(phones), 1) if seats.get(phone, 0) > 1}
            return [
                {
                    "participant": p.id,
                    "joined_at": p.joined_at,
                    "dots": int(given.get(p.id, 0)),
                    "ideas": wrote.get(f"participant:{p.id}", 0),
                    "proxied": p.proxied,
                    "phone_seats": seats.get(p.device, 1) if p.device else None,
                    "phone": same.get(p.device),
                }
                for p in people
            ]

    def proxies(self, who: Principal) -> list[dict]:
        """The paper ballots of a table facilitator's table, with each one's dots."""
        require(who.role, Action.PROXY_VOTE)
        with self.reading() as s:
            people = s.exec(
                select(Participant)
                .where(Participant.table_id == who.table_id, PRESENT, Participant.proxied == True)  # noqa: E712
                .order_by(col(Participant.id))
            ).all()
            row = current_round(s)
            rules = round_rules(self.plan, row)
            return [{"participant": p.id, **dots_view(rules, allocation(s, p.id, row.id))} for p in people]

    def _apply(self, unit: Unit, who: Principal, name: str, cmd, key: str, digest: str) -> tuple[dict, list]:
        """One command through the ORM, inside the writer's unit of work. A retry gets its first answer back."""
        replayed = unit.first_answer(key, digest)
        if replayed is not None:
            return replayed, []
        tx = Tx(unit.session, self.plan, time.time(), who, taken=self.codes_taken, door=self.door)
        result = COMMANDS[name][1](tx, cmd) or {}
        result["version"] = unit.append(tx.actor or who.actor, tx.events, tx.now)
        # a device token in the answer is the phone's alone: a retry of a join is a new join, never a replay
        unit.remember(key, name, digest, {k: v for k, v in result.items() if k != "token"}, tx.now)
        return result, tx.events

    # --- the writer's side ------------------------------------------------------------------------

    def _write_one(self, job: Job) -> None:
        try:
            with self._storing(), self._ledger.unit(expire_on_commit=False) as unit:
                result, events = job.run(unit)
        except Refused as refused:
            job.answer(error=refused)
            return
        self._stage, self._changes = None, self._changes + 1
        if any(isinstance(event, VOTE_SHAPERS) for event in events):
            self._book = None
        if any(isinstance(event, PlanChanged) for event in events):  # in force from the next command on
            self.plan = parse_plan(self.plan_text(), "stored plan")
        job.answer(result)
        self.publish(events)

    def _write_dots(self, jobs: list[Job]) -> None:
        try:
            with self._storing(), self._ledger.unit() as unit:
                book = self._book or VoteBook.load(unit.session, self.plan)
                batch = write_dots(unit, book, jobs, time.time())
        except Refused as refused:  # the disk is full or the database locked: no dot of the batch was kept
            for job in jobs:
                job.answer(error=refused)
            return
        book.apply(batch.allocations)
        self._book = book
        for job, answer in batch.answers:
            if isinstance(answer, Refused):
                job.answer(error=answer)
            else:
                job.answer(answer)
        self.publish(batch.events)

    def quiet_for(self) -> float:
        """Seconds since the last change was submitted."""
        return time.monotonic() - self._writer.last_job

    def submitted(self) -> int:
        """Changes submitted since start (each dot, idea, join...): whether the room wrote meanwhile."""
        return self._writer.submitted

    def vote_totals(self, round_id: int) -> ranking.Totals | None:
        """Dots and voters per theme of round `round_id` from the vote book, when it is loaded (and on that round)."""
        book = self._book
        return None if book is None or book.round != round_id else book.totals

    def dot_rows(self, round_id: int) -> list[tuple[int, int, int]] | None:
        """Every participant's dots in round `round_id` from the vote book, when it is loaded (screens need not
        read them back)."""
        book = self._book
        if book is None or book.round != round_id:
            return None
        return [(pid, theme, n) for pid, mine in dict(book.allocations).items() for theme, n in mine.items()]

    @staticmethod
    def version(s: Session) -> int:
        return last_version(s)

    def current_version(self) -> int:
        """The event's version: the writer's last commit, known without a query once it has written (this
        process is the only writer: workers read, and the command line refuses to write under a server)."""
        if self._ledger.version is not None:
            return self._ledger.version
        with self.reading() as s:
            return self.version(s)

    def public_stage(self) -> tuple[bool, tuple]:
        """Whether the results page is published, and its stage (the phase and each round's state and reveal):
        read again only after a change that is not a dot, so a crowd reading the page during a vote costs no
        query each."""
        stage, changes = self._stage, self._changes
        if stage is None:
            with self.reading() as s:
                control = s.get(Control, 1)
                rounds = s.exec(select(VoteRound.id, VoteRound.state, VoteRound.revealed).order_by(col(VoteRound.id)))
                stage = (control.results_public, (control.phase_index, *(tuple(r) for r in rounds.all())))
            if changes == self._changes:  # no change was written while reading (threading mode)
                self._stage = stage
        return stage

    ROOM_VIEW_FOR = 1.0  # seconds: 300 phones asking what the room's screen shows are answered from one read

    def room_view(self) -> dict:
        """readmodels.room_view, read again at most once every ROOM_VIEW_FOR seconds."""
        now = time.monotonic()
        if self._room_view is None or now - self._room_view[0] >= self.ROOM_VIEW_FOR:
            with self.reading() as s:
                self._room_view = (now, rm.room_view(s))
        return self._room_view[1]

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A short read-only session for the read models."""
        with Session(self.engine) as s:
            yield s

    def log(self, since: int = 0, limit: int = 1000) -> list[dict]:
        with Session(self.engine) as s:
            rows = s.exec(select(LogEntry).where(LogEntry.version > since).order_by(col(LogEntry.version)).limit(limit))
            return [{"version": r.version, "at": r.at, "actor": r.actor, "kind": r.kind, "data": r.data} for r in rows]
