"""Joining an event: the `participant.join` command (facilitation.services.commands) asks the `Door`, which
knows the paces people join at (per address, per code, guesses of codes) and which joins it refused lately,
for the console. The rules of who may sit are facilitation.domain.admission's; the door reads what they need
and writes the seat, inside the writer's unit of work like every other change."""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, func, select, Session

from facilitation.domain import admission
from facilitation.domain.errors import Refused
from facilitation.domain.events import JoinRefused, ParticipantJoined, ParticipantMoved
from facilitation.plan import Plan
from facilitation.services import access
from facilitation.services.codes import normal_code
from facilitation.services.limits import Phones, RateLimit
from facilitation.services.queries import PRESENT, headroom, joined_per_table
from facilitation.store.models import EventTable, Participant, SeatCode, Setting

# New phones joining from one network address: a venue router may put a whole room behind one address, so the
# burst (setting JOIN_BURST) lets a room's first minute in; a script minting voters is slowed to this rate, and
# the tables' capacities stop it.
JOINS_PER_SECOND_PER_ADDRESS = 2.0
# Codes that open nothing, per address: their own budget (a person mistyping a few times, never a script
# guessing), so that wrong codes sent from a shared address (a tunnel, a venue's router) do not spend the
# joins of the honest people behind it.
GUESSES_PER_ADDRESS = (20, 0.5)  # at once, then per second
REFUSALS_SHOWN_FOR = 600  # seconds the console shows a refused join


@dataclass
class Place:
    """Where a join code leads: kind "table" (a table's own code), "seat" (a seat code at a table), "online"."""

    kind: str
    table: EventTable | None
    seat: SeatCode | None = None


@dataclass
class Seated:
    """A join's outcome: the phone's device token, its participant, and what changed (nothing for a phone
    already there)."""

    token: str
    participant: int
    events: list


def place_of(s: Session, plan: Plan, join_code: str) -> Place | None:
    """What a join code opens: a table by its code or a seat code at it, the online groups, or nothing."""
    wanted = normal_code(join_code)
    online = s.get(Setting, "online_code")
    if online and wanted == online.value:
        return Place("online", None)
    seat = s.get(SeatCode, wanted) if plan.tables.seat_codes else None
    if seat is not None:
        return Place("seat", s.get(EventTable, seat.table_id), seat)
    table = s.exec(select(EventTable).where(EventTable.join_code == wanted)).first()
    return Place("table", table) if table else None


def already_there(s: Session, place: Place, participant: Participant | None) -> bool:
    if participant is None:
        return False
    if place.kind == "online":
        return s.get(EventTable, participant.table_id).online
    if place.kind == "seat":
        return place.seat.participant_id == participant.id
    return participant.table_id == place.table.id


class Door:
    def __init__(self, publish: Callable[[list], None], join_burst: int = 100, phones: Phones | None = None):
        self.publish = publish  # a refused join is shown on the console, though nothing was written
        self.phones = phones or Phones("", "", 0)  # one phone, a person's share: `_phone_may_sit`
        self._by_address = RateLimit(join_burst, JOINS_PER_SECOND_PER_ADDRESS)
        self._guesses = RateLimit(*GUESSES_PER_ADDRESS)
        # Sized per code: twice a table's capacity at once (moves and retries), then its capacity per minute.
        self._by_code = RateLimit()
        self._refused: dict[int | None, deque[float]] = defaultdict(deque)

    def admit(self, s: Session, plan: Plan, join_code: str, device_token: str | None, address: str | None) -> Seated:
        """A phone joins with a code (a table's, a seat's, the online one). A phone already there changes
        nothing. A new phone is refused past the table's capacity (seats plus the facilitator's headroom), or
        when its address or the join code is joining faster than people do."""
        place = place_of(s, plan, join_code)
        if place is None:
            if address and not self._guesses.allow(address):
                raise Refused("too_many_joins")
            raise Refused("unknown_join_code")
        table, is_online = place.table, place.kind == "online"
        participant = access.participant(s, device_token)
        if already_there(s, place, participant):
            return Seated(participant.token, participant.id, [])
        if place.kind == "seat":
            return self._take_seat(s, place.seat, participant, address)
        refusal = admission.shared_code_refusal(plan.tables.seat_codes, is_online)
        if refusal:
            raise self._refuse(table, refusal)
        phone = self.phones.of(address)
        if participant is None:
            self._phone_may_sit(s, phone, table)
            if address and not self._by_address.allow(address):
                raise self._refuse(table, "too_many_joins")
        counts = joined_per_table(s)
        spare = headroom(s, plan)
        if is_online:
            groups = s.exec(
                select(EventTable.id)
                .where(EventTable.online == True)  # noqa: E712
                .order_by(col(EventTable.id))
            )
            chosen = admission.online_group(
                [(group, counts.get(group, 0)) for group in groups],
                plan.tables.seats(True),
                plan.tables.capacity(True, spare),
            )
            if chosen is None:
                raise self._refuse(None, "online_full")
            table = s.get(EventTable, chosen)
        elif not admission.has_room(counts.get(table.id, 0), plan.tables.capacity(table.online, spare)):
            raise self._refuse(table, "table_full", table=table.number)
        burst, per_second = admission.code_budget(
            plan.tables.capacity(table.online, spare), plan.tables.online_groups if is_online else 1
        )
        if not self._by_code.allow(normal_code(join_code), burst=burst, per_second=per_second):
            raise self._refuse(table, "too_many_joins")
        return _seat(s, participant, table, phone=phone)

    def _phone_may_sit(self, s: Session, phone: str | None, table: EventTable | None) -> None:
        """One phone, a person's share: a phone on the venue's network (`limits.Phones`) holds at most
        SEATS_PER_PHONE seats (the second is for a person whose browser forgot them). A script on the venue's
        Wi-Fi minting voters is stopped there; the staff freeing a phantom's seat gives the phone its share back."""
        if phone is None:
            return
        held = s.exec(select(func.count()).select_from(Participant).where(Participant.device == phone, PRESENT)).one()
        if not admission.phone_may_sit(held, self.phones.seats):
            raise self._refuse(table, "phone_seats_taken", seats=held)

    def _take_seat(self, s: Session, seat: SeatCode, participant: Participant | None, address: str | None) -> Seated:
        """A seat code is one person: the first phone takes the seat; the same code later, on any phone, is
        that same participant again (a new phone, a cleared browser); a phone already seated keeps its seat."""
        if seat.participant_id is not None:
            return Seated(s.get(Participant, seat.participant_id).token, seat.participant_id, [])
        if participant is not None:
            raise Refused("already_seated")
        table = s.get(EventTable, seat.table_id)
        phone = self.phones.of(address)
        self._phone_may_sit(s, phone, table)
        if address and not self._by_address.allow(address):
            raise self._refuse(table, "too_many_joins")
        return _seat(s, None, table, seat, phone)

    def _refuse(self, where: EventTable | None, code: str, **params) -> Refused:
        """Remember a refused join for the console (refusals change nothing, so they are not in the log)."""
        table_id = where.id if where else None
        self.count_refusal(table_id)
        self.publish([JoinRefused(table_id, code)])
        return Refused(code, **params)

    def count_refusal(self, table_id: int | None, n: int = 1) -> None:
        """`n` more joins refused at `table_id`: here, or (a follower told by the writer) at the writer's door."""
        now = time.time()
        recent = self._refused[table_id]
        recent.extend([now] * min(n, 10_000))
        while recent and recent[0] < now - REFUSALS_SHOWN_FOR:
            recent.popleft()

    def refused(self) -> dict[int | None, int]:
        """Joins refused per table (None: online) in the last REFUSALS_SHOWN_FOR seconds."""
        since = time.time() - REFUSALS_SHOWN_FOR
        return {table: n for table, times in self._refused.items() if (n := sum(t >= since for t in times))}


def _seat(
    s: Session,
    participant: Participant | None,
    table: EventTable,
    seat: SeatCode | None = None,
    phone: str | None = None,
) -> Seated:
    """A new participant at `table` (or one moved there); the command logs what changed."""
    now = time.time()
    if participant:
        participant.table_id = table.id
        events: list[ParticipantMoved | ParticipantJoined] = [ParticipantMoved(participant.id, table.id)]
    else:
        participant = Participant(token=secrets.token_urlsafe(18), table_id=table.id, joined_at=now, device=phone)
        s.add(participant)
        s.flush()
        events = [ParticipantJoined(participant.id, table.id)]
    if seat is not None:
        seat.participant_id, seat.used_at = participant.id, now
    return Seated(participant.token, participant.id, events)
