"""Who hears what: maps domain events to rooms, and coalesces screen updates into a few batches a second.

A command is acknowledged to its sender at once; everyone else gets at most one `update` per room per tick,
carrying whole topics (or upserted ideas) and the event version they reflect. Broadcasting every dot to every
phone does not survive 300 phones; this does.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict

from flask_socketio import SocketIO

from facilitation.domain import events as ev
from facilitation.domain.roles import Role
from facilitation.services import readmodels as rm
from facilitation.services.commands import Principal
from facilitation.services.event import EventService
from facilitation.store.models import Control

log = logging.getLogger(__name__)

# Rooms. Staff = facilitator, theme team, observers (they see everything, hidden ideas and live tally included).
ALL, STAFF, PROJECTOR, PHONES = "all", "staff", "projector", "phones"


def table_room(table_id: int) -> str:
    return f"table:{table_id}"


def scribe_room(table_id: int) -> str:
    return f"scribe:{table_id}"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def rooms_for(who: Principal) -> list[str]:
    rooms = [ALL]
    if who.role in (Role.FACILITATOR, Role.THEME, Role.OBSERVER):
        rooms.append(STAFF)
    elif who.role is Role.PROJECTOR:
        rooms.append(PROJECTOR)
    elif who.role is Role.SCRIBE:
        rooms.append(scribe_room(who.table_id))
    elif who.role is Role.PARTICIPANT:
        rooms += [PHONES, table_room(who.table_id), participant_room(who.participant_id)]
    return rooms


_IDEA_EVENTS = (ev.IdeaAdded, ev.IdeaEdited, ev.IdeaHidden, ev.IdeaStarred, ev.IdeaMerged, ev.IdeaGrouped)
_TOPICS: dict[type, tuple[str, ...]] = {
    ev.IdeaAdded: ("stats",), ev.IdeaHidden: ("stats",), ev.IdeaMerged: ("stats",),
    ev.IdeaGrouped: ("themes",),
    ev.ThemeSaved: ("themes",), ev.ThemeDeleted: ("themes", "tally"), ev.BallotChanged: ("themes", "tally"),
    ev.DotPlaced: ("tally", "stats"), ev.DotRemoved: ("tally", "stats"),
    ev.PhaseStarted: ("control",), ev.TimerChanged: ("control",),
    ev.VoteOpened: ("control", "tally"), ev.VoteClosed: ("control", "tally"), ev.ResultsRevealed: ("control", "tally"),
    ev.ParticipantJoined: ("stats", "seats"), ev.ParticipantMoved: ("stats", "seats"), ev.ProfileSet: ("stats",),
    ev.HeadroomSet: ("seats",), ev.JoinRefused: ("seats",),
}


class Broadcaster:
    def __init__(self, socketio: SocketIO, service: EventService, interval: float = 0.25):
        self.socketio = socketio
        self.service = service
        self.interval = interval
        self._lock = threading.Lock()
        self._topics: set[str] = set()
        self._ideas: set[int] = set()
        self._task = None

    def publish(self, events: list[ev.DomainEvent]) -> None:
        for event in events:
            if isinstance(event, ev.ParticipantMoved):
                self.rescope(event.participant)
            elif isinstance(event, ev.StorageTrouble):
                self.alert_staff(event.problem)
        with self._lock:
            for event in events:
                if isinstance(event, _IDEA_EVENTS):
                    self._ideas.add(event.idea)
                self._topics.update(_TOPICS.get(type(event), ()))
        self.start()

    def alert_staff(self, problem: str) -> None:
        """Straight to the consoles, not batched: each console shows it in its own language."""
        self.socketio.emit("alert", {"code": problem}, to=STAFF)

    def rescope(self, participant_id: int) -> None:
        """A phone moved table: its open sockets still carry the old table (rooms and identity are set when a
        socket connects), so they are closed; the phone reconnects at once and is scoped to its new table."""
        server = self.socketio.server
        for sid, _eio_sid in list(server.manager.get_participants("/", participant_room(participant_id))):
            server.disconnect(sid, namespace="/")

    def start(self) -> None:
        if self._task is None:
            self._task = self.socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            self.socketio.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # a bad tick must not stop every screen from updating
                log.exception("broadcast failed")

    def flush(self) -> None:
        with self._lock:
            topics, idea_ids = self._topics, self._ideas
            self._topics, self._ideas = set(), set()
        if not topics and not idea_ids:
            return
        service, plan = self.service, self.service.plan
        out: dict[str, dict] = defaultdict(dict)
        with service.reading() as s:
            control = s.get(Control, 1)
            if "control" in topics:
                out[ALL]["control"] = rm.control_view(control)
            if idea_ids:
                rows = rm.idea_rows(s, idea_ids)
                full = [rm.idea_view(idea, full=True) for idea in rows]
                public = [rm.idea_view(idea, full=False) for idea in rows]
                out[STAFF]["ideas"] = full
                out[PROJECTOR]["ideas"] = public
                for views, room_of in ((full, scribe_room), (public, table_room)):
                    for view in views:
                        if view["table"] is not None:
                            out[room_of(view["table"])].setdefault("ideas", []).append(view)
            if "themes" in topics:
                themes = rm.themes(s)
                for room in (STAFF, PROJECTOR, PHONES):
                    out[room]["themes"] = themes
            if "tally" in topics:
                full = out[STAFF]["tally"] = rm.tally(s, plan, breakdowns=True, rows=service.dot_rows())
                shown = rm.sees_results(Principal(Role.PROJECTOR), control, plan)
                out[PROJECTOR]["tally"] = out[PHONES]["tally"] = rm.public_tally(full) if shown else None
            if "stats" in topics:
                out[STAFF]["stats"] = out[PROJECTOR]["stats"] = rm.stats(s)
            if "seats" in topics:
                out[STAFF]["seats"] = rm.seats(s, plan, service.refused_joins())
            version = service.version(s)
        for room, payload in out.items():
            self.socketio.emit("update", {"version": version, **payload}, to=room)
