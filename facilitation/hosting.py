"""The events one server runs (issue 22): each with its own database, secrets, join codes, writer, workers and
screens' rooms, found by what a request or a socket carries (a staff secret, a phone's device token, a join
code, `?event=`). Two events live at once never touch: a token, a phone or a burst on one reaches only it.

An event the workspace keeps is opened when first needed: at start the server only glances at its database
(`store.places`: its codes, tokens and figures), and the first request or socket that names it opens it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from facilitation.plan import Plan
from facilitation.services.commands import Principal
from facilitation.services.event import EventService
from facilitation.store.datadir import Glance
from facilitation.workers.pool import Pool


class CodeClash(ValueError):
    """Two events on one server share a join code: a phone could not know which event it joins."""


@dataclass
class Hosted:
    """One event on this server: its service (every change and read), its workers and its broadcaster."""

    id: str
    service: EventService
    workers: Pool
    broadcaster: Any = None  # realtime.notify.Broadcaster, set once the sockets are up
    relay: Any = None  # services.relay.Relay: with several processes on the event (REDIS_URL), its Redis

    @property
    def rooms(self) -> str:
        """The prefix of this event's socket rooms: another event's screens are never in them."""
        return f"{self.id}/"


@dataclass
class Asleep:
    """An event the workspace keeps that no one has reached since the server started: its plan and a glance at
    its database, until the first request or socket naming it opens it (`Host.get`)."""

    id: str
    plan: Plan
    plan_text: str
    glance: Glance


class Host:
    REMEMBERED = 100_000  # tokens whose event is remembered (a lookup per event otherwise)

    def __init__(self) -> None:
        self.events: dict[str, Hosted] = {}  # the events opened: their services, workers and screens
        self.asleep: dict[str, Asleep] = {}  # the others, opened by `wake` when first needed
        self.wake: Callable[[Asleep], Hosted] | None = None  # set by the application: opens and serves one
        self.organiser: str | None = None  # the workspace's secret (`serve --workspace`), else no home
        self.locks: dict = {}  # each event's database lock, by id: released when it is deleted or archived
        self._order: list[str] = []  # every event's id, as they came: the home lists them so
        self._codes: dict[str, str] = {}  # join code -> event id
        self._tokens: OrderedDict[str, str] = OrderedDict()  # token -> event id, the most recent last
        self._sleepers: dict[str, str] = {}  # token -> the id of the event asleep it opens
        self._lock = threading.RLock()

    def add(self, hosted: Hosted) -> None:
        """Host one more event (or open one asleep); refused if one of its join codes is another event's."""
        codes = hosted.service.join_codes()
        clash = {code: self._codes[code] for code in codes if self._codes.get(code, hosted.id) != hosted.id}
        if hosted.id in self.events or (hosted.id not in self.asleep and hosted.id in self._order) or clash:
            raise CodeClash(f"{hosted.id}: {', '.join(sorted(clash)) or hosted.id}")
        self.events[hosted.id] = hosted
        if hosted.id not in self._order:
            self._order.append(hosted.id)
        self._codes.update(dict.fromkeys(codes, hosted.id))
        hosted.service.codes_taken = self.codes  # tables a plan's form adds get codes no other event has

    def sleep(self, asleep: Asleep) -> None:
        """Keep an event to open when first needed: its codes are taken and its tokens known from now."""
        clash = {code: self._codes[code] for code in asleep.glance.codes if code in self._codes}
        if asleep.id in self._order or clash:
            raise CodeClash(f"{asleep.id}: {', '.join(sorted(clash)) or asleep.id}")
        self.asleep[asleep.id] = asleep
        self._order.append(asleep.id)
        self._codes.update(dict.fromkeys(asleep.glance.codes, asleep.id))
        self._sleepers.update(dict.fromkeys(asleep.glance.tokens, asleep.id))

    def remove(self, event_id: str) -> Hosted | None:
        """Stop serving an event: it is no longer found by its codes or tokens (the caller closes the rest).
        Returns it if it was open."""
        with self._lock:
            hosted = self.events.pop(event_id, None)
            self.asleep.pop(event_id, None)
            self._order.remove(event_id)
            self._codes = {code: owner for code, owner in self._codes.items() if owner != event_id}
            self._tokens = OrderedDict((t, owner) for t, owner in self._tokens.items() if owner != event_id)
            self._sleepers = {t: owner for t, owner in self._sleepers.items() if owner != event_id}
        return hosted

    def __contains__(self, event_id: object) -> bool:
        return event_id in self.events or event_id in self.asleep

    def ids(self) -> list[str]:
        """Every event this server runs, open or asleep, in the order they came."""
        return list(self._order)

    @property
    def several(self) -> bool:
        """More than one event: requests then say which (a secret, a code, `?event=`)."""
        return len(self._order) > 1

    def plans(self) -> Iterator[tuple[str, Plan]]:
        """Every event's id and plan, open or asleep."""
        for event_id in self.ids():
            asleep = self.asleep.get(event_id)
            yield event_id, asleep.plan if asleep else self.events[event_id].service.plan

    def each(self) -> Iterator[tuple[str, Plan, dict, str]]:
        """Every event's id, plan, figures (`EventService.overview`) and facilitator secret, without opening one
        asleep: the organiser's home and retention read them."""
        for event_id in self.ids():
            if (asleep := self.asleep.get(event_id)) is not None:
                yield event_id, asleep.plan, asleep.glance.overview, asleep.glance.facilitator
            elif (hosted := self.events.get(event_id)) is not None:
                service = hosted.service
                yield event_id, service.plan, service.overview(), service.settings()["facilitator_token"]

    def codes(self) -> set[str]:
        """Every join code taken by the events hosted so far (a new event's are chosen among the others)."""
        return set(self._codes)

    @property
    def first(self) -> Hosted:
        """The event a request naming none reads (the only one, when the server runs one)."""
        found = next(iter(self.events.values()), None) or self.get(self._order[0])
        assert found is not None, "a server runs at least one event"
        return found

    def get(self, event_id: str | None) -> Hosted | None:
        """The event of that id, opened now if it was asleep."""
        if not event_id:
            return None
        hosted = self.events.get(event_id)
        if hosted is None and event_id in self.asleep:
            with self._lock:  # one opening, however many phones ask at once
                hosted = self.events.get(event_id)
                if hosted is None and (asleep := self.asleep.get(event_id)) is not None:
                    assert self.wake is not None, "the application sets how an event is opened"
                    hosted = self.wake(asleep)
                    del self.asleep[event_id]
                    self._sleepers = {t: owner for t, owner in self._sleepers.items() if owner != event_id}
        return hosted

    def by_code(self, code: str) -> Hosted | None:
        """The event a join code (a table's, the online one, a seat code) opens."""
        from facilitation.services.codes import normal_code

        code = normal_code(code)
        hosted = self.get(self._codes.get(code))
        if hosted is None and self.several:  # a seat code printed since the event started
            hosted = next((h for h in self.events.values() if h.service.place(code)[0] is not None), None)
            if hosted is not None:
                self._codes[code] = hosted.id
        return hosted

    def by_token(self, token: str | None) -> tuple[Hosted, Principal] | None:
        """The event a token (a staff secret, a table screen's, a phone's device token) opens, and who it is."""
        if not token or not self.several:
            hosted = self.first
            who = hosted.service.resolve(token)
            return (hosted, who) if who else None
        with self._lock:
            owner = self._tokens.get(token) or self._sleepers.get(token)
        known = self.get(owner)
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
