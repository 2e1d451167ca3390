"""The events one server runs (issue 22): each with its own database, secrets, join codes, writer, workers and
screens' rooms, found by what a request or a socket carries (a staff secret, a phone's device token, a join
code, `?event=`). Two events live at once never touch: a token, a phone or a burst on one reaches only it."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from facilitation.services.commands import Principal
from facilitation.services.event import EventService
from facilitation.workers.pool import Pool


class CodeClash(ValueError):
    """Two events on one server share a join code: a phone could not know which event it joins."""


@dataclass
class Hosted:
    """One event on this server: its service (every change and read), its workers and its broadcaster."""

    id: str
    service: EventService
    workers: Pool
    broadcaster: object = None  # realtime.notify.Broadcaster, set once the sockets are up

    @property
    def rooms(self) -> str:
        """The prefix of this event's socket rooms: another event's screens are never in them."""
        return f"{self.id}/"


class Host:
    REMEMBERED = 100_000  # tokens whose event is remembered (a lookup per event otherwise)

    def __init__(self) -> None:
        self.events: dict[str, Hosted] = {}
        self.organiser: str | None = None  # the workspace's secret (`serve --workspace`), else no home
        self.locks: list = []  # the events' database locks, released when an event is deleted or archived
        self._codes: dict[str, str] = {}  # join code -> event id
        self._tokens: OrderedDict[str, str] = OrderedDict()  # token -> event id, the most recent last
        self._lock = threading.Lock()

    def add(self, hosted: Hosted) -> None:
        """Host one more event; refused if one of its join codes is another event's."""
        codes = hosted.service.join_codes()
        clash = {code: self._codes[code] for code in codes if code in self._codes}
        if hosted.id in self.events or clash:
            raise CodeClash(f"{hosted.id}: {hosted.id if hosted.id in self.events else ', '.join(sorted(clash))}")
        self.events[hosted.id] = hosted
        self._codes.update(dict.fromkeys(codes, hosted.id))
        hosted.service.codes_taken = self.codes  # tables a plan's form adds get codes no other event has

    def remove(self, event_id: str) -> Hosted:
        """Stop serving an event: it is no longer found by its codes or tokens (the caller closes the rest)."""
        hosted = self.events.pop(event_id)
        self._codes = {code: owner for code, owner in self._codes.items() if owner != event_id}
        with self._lock:
            self._tokens = OrderedDict((t, owner) for t, owner in self._tokens.items() if owner != event_id)
        return hosted

    def codes(self) -> set[str]:
        """Every join code taken by the events hosted so far (a new event's are chosen among the others)."""
        return set(self._codes)

    @property
    def first(self) -> Hosted:
        """The event a request naming none reads (the only one, when the server runs one)."""
        return next(iter(self.events.values()))

    def get(self, event_id: str | None) -> Hosted | None:
        return self.events.get(event_id) if event_id else None

    def by_code(self, code: str) -> Hosted | None:
        """The event a join code (a table's, the online one, a seat code) opens."""
        from facilitation.services.codes import normal_code
        code = normal_code(code)
        hosted = self.get(self._codes.get(code))
        if hosted is None and len(self.events) > 1:  # a seat code printed since the event started
            hosted = next((h for h in self.events.values() if h.service.place(code)[0] is not None), None)
            if hosted is not None:
                self._codes[code] = hosted.id
        return hosted

    def by_token(self, token: str | None) -> tuple[Hosted, Principal] | None:
        """The event a token (a staff secret, a table screen's, a phone's device token) opens, and who it is."""
        if not token or len(self.events) == 1:
            hosted = self.first
            who = hosted.service.resolve(token)
            return (hosted, who) if who else None
        with self._lock:
            known = self.get(self._tokens.get(token))
        for hosted in ([known] if known else []) + [h for h in self.events.values() if h is not known]:
            who = hosted.service.resolve(token)
            if who is not None:
                with self._lock:
                    self._tokens[token] = hosted.id
                    self._tokens.move_to_end(token)
                    while len(self._tokens) > self.REMEMBERED:
                        self._tokens.popitem(last=False)
                return hosted, who
        return None
