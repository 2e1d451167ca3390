"""Codes people type from paper: a table's join code, the online code, seat codes (one per person)."""
from __future__ import annotations

import secrets

from sqlmodel import Session, func, select

from facilitation.plan import Plan
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
    """Codes are typed from paper: case, spaces and dashes do not matter."""
    return typed.upper().replace("-", "").replace(" ", "")[:16]


def add_seat_codes(s: Session, plan: Plan, spare: int) -> None:
    """Give every table and online group its seats plus `spare` codes (never fewer than it already has): a room
    table's are printed on slips, an online group's are personal links the organisers send out."""
    have = dict(s.exec(select(SeatCode.table_id, func.count()).group_by(SeatCode.table_id)).all())
    for table in s.exec(select(EventTable)):
        for _ in range(plan.tables.seats(table.online) + spare - have.get(table.id, 0)):
            s.add(SeatCode(code=code(SEAT_CODE_LENGTH), table_id=table.id))
