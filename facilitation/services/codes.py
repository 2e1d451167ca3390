"""Codes people type from paper: a table's join code, the online code, seat codes (one per person)."""

from __future__ import annotations

import secrets

from sqlmodel import col, func, select, Session

from facilitation.plan import Plan
from facilitation.planedit import layout
from facilitation.store.models import EventTable, SeatCode

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are typed from a card


def code(length: int = 5) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def unused_code(taken: set[str]) -> str:
    """A new join code that is none of `taken` (the other events' on this server), added to it."""
    while (new := code()) in taken:
        pass
    taken.add(new)
    return new


SEAT_CODE_LENGTH = 8  # 31^8 codes: guessing one at two tries a second (the join rate per address) takes years


def normal_code(typed: str) -> str:
    """Codes are typed from paper: case, spaces, dashes and anything else but letters and digits do not matter
    (and a NUL, which PostgreSQL refuses in a text, never reaches a query)."""
    return "".join(char for char in typed.upper() if char.isalnum())[:16]


def add_seat_codes(s: Session, plan: Plan, spare: int) -> None:
    """Give every table and online group its seats plus `spare` codes (never fewer than it already has): a room
    table's are printed on slips, an online group's are personal links the organisers send out."""
    have = dict(s.exec(select(SeatCode.table_id, func.count()).group_by(col(SeatCode.table_id))).all())
    for table in s.exec(select(EventTable)):
        for _ in range(plan.tables.seats(table.online) + spare - have.get(table.id, 0)):
            s.add(SeatCode(code=code(SEAT_CODE_LENGTH), table_id=table.id))


def sync_tables(s: Session, plan: Plan, taken: set[str], spare: int) -> None:
    """Make the event's tables the plan's after it changed (facilitation.planedit keeps every table with people
    or ideas in place): a table whose place is new gets a new code, one no longer planned goes with its codes."""
    wanted = layout(plan.tables.count, plan.tables.online_groups)
    taken |= set(s.exec(select(EventTable.join_code)))
    for table in list(s.exec(select(EventTable))):
        if wanted.get(table.id) != (table.online, table.number):
            for seat in s.exec(select(SeatCode).where(SeatCode.table_id == table.id)):
                s.delete(seat)
            s.delete(table)
    s.flush()
    have = {table.id for table in s.exec(select(EventTable))}
    for table_id, (online, number) in wanted.items():
        if table_id not in have:
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
        add_seat_codes(s, plan, spare)
    else:
        for seat in s.exec(select(SeatCode).where(col(SeatCode.participant_id).is_(None))):
            s.delete(seat)
