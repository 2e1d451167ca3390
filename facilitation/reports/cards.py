"""Printable join cards: one per table (and one for online participants), with QR code and short link."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from facilitation import qr
from facilitation.services.event import EventService


@dataclass(frozen=True)
class Card:
    table_id: int | None
    number: int | None
    online: bool
    name: dict | None
    url: str
    code: str
    scribe_url: str | None

    def qr_svg(self) -> str:
        return qr.svg(self.url)

    def qr_png(self) -> bytes:
        return qr.png(self.url)


def join_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/j/{code}"


def cards(service: EventService, base_url: str) -> list[Card]:
    """Room tables get a card each, and online groups share the online link, which places people by itself;
    not with seat codes, where slips admit people at the tables and personal links online (`online_links`)."""
    names = service.plan.tables.names
    result = [
        Card(
            t.id,
            t.number,
            False,
            names[t.number - 1] if names else None,
            join_url(base_url, t.join_code),
            t.join_code,
            f"{base_url.rstrip('/')}/table/{t.scribe_token}",
        )
        for t in service.tables()
        if not t.online and not service.plan.tables.seat_codes
    ]
    if service.plan.tables.online_groups and not service.plan.tables.seat_codes:
        code = service.settings()["online_code"]
        result.append(Card(None, None, True, None, join_url(base_url, code), code, None))
    return result


@dataclass(frozen=True)
class Slip:
    """One seat code, to cut out and hand to one person."""

    code: str
    url: str
    used: bool

    @property
    def shown(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    def qr_svg(self) -> str:
        return qr.svg(self.url)


@dataclass(frozen=True)
class Sheet:
    number: int
    name: dict | None
    slips: list[Slip]


def seat_sheets(service: EventService, base_url: str, unused_only: bool = False) -> list[Sheet]:
    """A sheet of seat-code slips per room table (plan `tables.seat_codes`)."""
    names = service.plan.tables.names
    room = {t.id for t in service.tables() if not t.online}
    by_table: dict[int, list[Slip]] = {}
    for seat in (seat for seat in service.seat_codes() if seat.table_id in room):
        if not (unused_only and seat.participant_id is not None):
            by_table.setdefault(seat.table_id, []).append(
                Slip(seat.code, join_url(base_url, seat.code), seat.participant_id is not None)
            )
    return [
        Sheet(t.number, names[t.number - 1] if names else None, by_table[t.id])
        for t in service.tables()
        if t.id in by_table
    ]


def online_links(service: EventService, base_url: str) -> str:
    """With seat codes, the online groups' personal links as CSV (group, code, link, used), for the organisers
    to send one to each online participant (a mail merge): the shared online link admits nobody then."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["group", "code", "link", "used"])
    groups = {t.id: t.number for t in service.tables() if t.online}
    for seat in service.seat_codes():
        if seat.table_id in groups:
            rows.writerow(
                [
                    groups[seat.table_id],
                    seat.code,
                    join_url(base_url, seat.code),
                    "yes" if seat.participant_id is not None else "no",
                ]
            )
    return out.getvalue()


def card_texts(languages: list[str]) -> list[dict]:
    """The card's words in every language of the plan: a card on the table speaks to everyone at once."""
    from flask_babel import force_locale, gettext

    texts = []
    for lang in languages:
        with force_locale(lang):
            texts.append(
                {
                    "lang": lang,
                    "table": gettext("Table"),
                    "online": gettext("Join online"),
                    "how": gettext("Scan the QR code with your phone: no account, no name needed."),
                    "seat": gettext("Your personal code: one phone, one person. Keep this slip."),
                    "used": gettext("used"),
                }
            )
    return texts
