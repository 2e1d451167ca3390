"""Who hears what: maps domain events to rooms, and coalesces screen updates into a few batches a second.

A command is acknowledged to its sender at once; everyone else gets at most one `update` per room per tick,
carrying whole topics (or upserted ideas) and the event version they reflect. Broadcasting every dot to every
phone does not survive 300 phones; this does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, defaultdict

from flask_socketio import SocketIO

from facilitation.domain import events as ev
from facilitation.domain.roles import Role
from facilitation.services import queries
from facilitation.services import audience as au
from facilitation.services import readmodels as rm
from facilitation.services.commands import Principal
from facilitation.services.event import EventService
from facilitation.services.presenter import present

log = logging.getLogger(__name__)
ANSWER_FIRST = 0.5  # seconds before a replaced secret's screens are cut: the request's own answer goes out first
BREAKDOWN_INTERVAL = 1.0  # seconds between recomputations of the tally's breakdowns for staff

# A room per audience (facilitation.services.audience decides which topics each receives), and per table.
AUDIENCE_ROOMS = {
    au.STAFF_AUDIENCE: "staff",
    au.PROJECTOR_AUDIENCE: "projector",
    au.SCRIBE_AUDIENCE: "scribes",
    au.PHONE_AUDIENCE: "phones",
}
STAFF = AUDIENCE_ROOMS[au.STAFF_AUDIENCE]


def table_room(table_id: int) -> str:
    return f"table:{table_id}"


def scribe_room(table_id: int) -> str:
    return f"scribe:{table_id}"


def participant_room(participant_id: int) -> str:
    return f"participant:{participant_id}"


def role_room(role: Role) -> str:
    """Every screen a role's secret opened: cut together when that secret is replaced."""
    return f"role:{role.value}"


def rooms_for(who: Principal) -> list[str]:
    rooms = [AUDIENCE_ROOMS[au.audience(who.role)]]
    if who.role not in (Role.SCRIBE, Role.PARTICIPANT):  # a staff link's screens (a table's: its scribe room)
        rooms.append(role_room(who.role))
    if who.role is Role.SCRIBE:
        assert who.table_id is not None  # a table screen's token names its table
        rooms.append(scribe_room(who.table_id))
    elif who.role is Role.PARTICIPANT:
        assert who.table_id is not None and who.participant_id is not None  # a phone is someone at a table
        rooms += [table_room(who.table_id), participant_room(who.participant_id)]
    return rooms


_IDEA_EVENTS = (
    ev.IdeaAdded,
    ev.IdeaEdited,
    ev.IdeaHidden,
    ev.IdeaStarred,
    ev.IdeaMerged,
    ev.IdeaGrouped,
    ev.IdeaApproved,
)
_TOPICS: dict[type, tuple[str, ...]] = {
    # "counts": the stats must be counted again in the database (dots change only their voters: see _stats)
    ev.IdeaAdded: ("stats", "counts"),
    ev.IdeaHidden: ("stats", "counts"),
    ev.IdeaMerged: ("stats", "counts"),
    ev.IdeaGrouped: ("themes",),
    ev.ThemeSaved: ("themes",),
    ev.ThemeDeleted: ("themes", "tally"),
    ev.BallotChanged: ("themes", "tally"),
    ev.DotPlaced: ("tally", "stats"),
    ev.DotRemoved: ("tally", "stats"),
    ev.BallotCast: ("tally", "stats"),
    ev.RoundStarted: ("control", "tally", "stats", "counts"),
    ev.RoundSetUp: ("control", "tally"),
    ev.PhaseStarted: ("control",),
    ev.TimerChanged: ("control",),
    ev.ProjectorSet: ("control",),
    ev.VoteOpened: ("control", "tally"),
    ev.VoteClosed: ("control", "tally"),
    ev.ResultsRevealed: ("control", "tally"),
    ev.ParticipantJoined: ("stats", "counts", "seats"),
    ev.ParticipantMoved: ("stats", "counts", "seats"),
    ev.ProfileSet: ("stats", "counts", "seats"),
    ev.ParticipantRemoved: ("stats", "counts", "seats", "tally", "polls", "questions"),
    ev.HeadroomSet: ("seats",),
    ev.JoinRefused: ("seats",),
    ev.QaSet: ("control",),
    ev.IdeasModerationSet: ("control",),
    ev.IdeaApproved: ("stats", "counts"),
    ev.QuestionAsked: ("questions",),
    ev.QuestionUpvoted: ("questions",),
    ev.QuestionModerated: ("questions",),
    ev.PollChanged: ("polls", "control"),
    ev.PollAnswered: ("polls",),
    ev.AlignmentSet: ("alignments",),
    ev.StepStarted: ("control",),
    ev.HarvestSet: ("harvests",),
    ev.ResultsPublished: ("control",),
    ev.PlanChanged: ("event", "control"),
    ev.MaterialImported: ("themes", "stats", "counts"),
}


# what a follower's cached stage does not depend on: a dot, a ballot, a join refused, the disk's trouble
_NOT_STAGE = (ev.DotPlaced, ev.DotRemoved, ev.BallotCast, ev.JoinRefused, ev.StorageTrouble)
ROOM_CUTS = ("tally", "themes", "questions", "polls")  # topics the presenter cuts for the room
UNSENT = object()


class Broadcaster:
    def __init__(self, socketio: SocketIO, service: EventService, interval: float = 0.25, rooms: str = ""):
        self.socketio = socketio
        self.service = service
        self.rooms = rooms  # this event's rooms' prefix (facilitation.hosting): other events' screens are not in them
        self.interval = interval
        self._lock = threading.Lock()
        self._topics: set[str] = set()
        self._ideas: set[int] = set()
        self._task = None
        self.stopped = False  # the event is no longer served here: nothing more is drawn for it
        # what each audience but the staff was last sent of the topics the presenter cuts for it: a topic that
        # changed only for the staff is not sent to 300 phones (a hidden tally starts as sent: None)
        self._room_sent: dict[tuple[str, str], object] = {("tally", group): None for group in au.TOPICS["tally"]}
        self._breakdowns: tuple[float, dict] = (0.0, {})  # when the staff's breakdowns were computed, and them
        self._counts: dict | None = None  # the stats last counted in the database
        self.relay = None  # with several processes on the event (services.relay.Relay): cuts reach them all
        self._refusals: Counter[int | None] = Counter()  # joins refused since the followers were last told, by table

    def tell_followers(self, events: list[ev.DomainEvent]) -> None:
        """With several processes on the event: a change that is not a dot has the followers read their cached
        stage again (and the plan, when it changed); a join refused is counted by each (its consoles' seats)."""
        if self.relay is None:
            return
        if any(not isinstance(event, _NOT_STAGE) for event in events):
            self.relay.signal("changed", plan=any(isinstance(event, ev.PlanChanged) for event in events))
        refused = [event.table for event in events if isinstance(event, ev.JoinRefused)]
        if refused:  # each console counts them, whichever process it reached: told once a tick (a flood of them)
            with self._lock:
                self._refusals.update(refused)

    def publish(self, events: list[ev.DomainEvent]) -> None:
        self.tell_followers(events)
        for event in events:
            if isinstance(event, (ev.ParticipantMoved, ev.ParticipantRemoved)):
                self.rescope(event.participant)  # a removed one's phone reconnects and is refused: signed out
            elif isinstance(event, ev.StorageTrouble):
                self.alert_staff(event.problem)
            elif isinstance(event, ev.SecretReplaced):  # after the answer: the facilitator may have cut their own
                room = scribe_room(event.table) if event.table else role_room(Role(event.secret))
                self.socketio.start_background_task(self._cut_after, room, ANSWER_FIRST)
        with self._lock:
            for event in events:
                if isinstance(event, _IDEA_EVENTS):
                    self._ideas.add(event.idea)
                self._topics.update(_TOPICS.get(type(event), ()))
        self.start()

    def alert_staff(self, problem: str) -> None:
        """Straight to the consoles, not batched: each console shows it in its own language."""
        self.socketio.emit("alert", {"code": problem}, to=self.rooms + STAFF)

    def rescope(self, participant_id: int) -> None:
        """A phone moved table: its open sockets still carry the old table (rooms and identity are set when a
        socket connects), so they are closed; the phone reconnects at once and is scoped to its new table."""
        self.cut(participant_room(participant_id))

    def _cut_after(self, room: str, seconds: float) -> None:
        self.socketio.sleep(seconds)
        self.cut(room)

    def cut(self, room: str) -> None:
        """Close every socket in one of this event's rooms: each reconnects with what it holds, and is refused
        if that no longer opens anything (a phone taken out, a secret replaced). With several processes on the
        event, each closes its own (the sockets a room holds are known only where they are connected)."""
        if self.relay is None or not self.relay.signal("cut", room=room):
            self.cut_here(room)  # one process, or Redis unreachable: this one's sockets at least

    def cut_here(self, room: str) -> None:
        """`cut`, for the sockets this process holds."""
        server = self.socketio.server
        for sid, _eio_sid in list(server.manager.get_participants("/", self.rooms + room)):
            server.disconnect(sid, namespace="/")

    def _staff_tally(self, s, plan, row) -> dict:
        """The ranking on every tick, from the vote book's running totals; its breakdowns (axis, table, channel,
        category, zone: the costly part with a thousand voters) at most once per BREAKDOWN_INTERVAL, the last
        ones riding along in between. A skipped recomputation leaves the topic pending, so the breakdowns catch
        up once the burst is over."""
        now = time.monotonic()
        computed_at, breakdowns = self._breakdowns
        totals = self.service.vote_totals(row.id)
        if now - computed_at >= BREAKDOWN_INTERVAL or breakdowns.get("round") != row.id:
            full = rm.tally(s, plan, breakdowns=True, rows=self.service.dot_rows(row.id), totals=totals, row=row)
            self._breakdowns = (now, {k: v for k, v in full.items() if k.startswith("by_") or k == "round"})
            return full
        with self._lock:
            self._topics.add("tally")
        return {**rm.tally(s, plan, breakdowns=False, totals=totals, row=row), **breakdowns}

    def _stats(self, s, counted: bool, round_id: int) -> dict:
        """Joins and ideas are counted in the database when they changed; voters come from the vote book, so a
        vote burst (which changes only them) costs no query."""
        totals = self.service.vote_totals(round_id)
        if counted or self._counts is None or totals is None:
            self._counts = rm.stats(s)
        return self._counts if totals is None else {**self._counts, "voters": totals.voters}

    def start(self) -> None:
        if self._task is None:
            self._task = self.socketio.start_background_task(self._run)

    def stop(self) -> None:
        """The event is no longer served here (archived or deleted): its ticks end, and what its sockets' last
        disconnections left to draw is dropped (its database may be gone)."""
        self.stopped = True

    def _run(self) -> None:
        while not self.stopped:
            self.socketio.sleep(self.interval)
            try:
                self.flush()
            except Exception:  # a bad tick must not stop every screen from updating
                log.exception("broadcast failed")

    def flush(self) -> None:
        if self.stopped:
            return
        with self._lock:
            topics, idea_ids, refusals = self._topics, self._ideas, self._refusals
            self._topics, self._ideas, self._refusals = set(), set(), Counter()
        if refusals and self.relay is not None:
            self.relay.signal("refused", tables=[[table, n] for table, n in refusals.items()])
        if not topics and not idea_ids:
            return
        service, plan = self.service, self.service.plan
        out: dict[str, dict] = defaultdict(dict)
        with service.reading() as s:
            control, row = queries.control(s), queries.current_round(s)
            values: dict = {}
            if "control" in topics:
                values["control"] = rm.control_view(s, plan, control)
            if "event" in topics:
                values["event"] = rm.event_info(plan, rm.event_tables(s))
            if "themes" in topics:
                values["themes"] = rm.themes(s)
            if "tally" in topics:
                values["tally"] = self._staff_tally(s, plan, row)
            if "stats" in topics:
                values["stats"] = self._stats(s, counted="counts" in topics, round_id=row.id)
            if "seats" in topics:
                values["seats"] = rm.seats(s, plan, service.refused_joins())
            if "alignments" in topics:
                values["alignments"] = rm.alignments(s)
            if "harvests" in topics:
                values["harvests"] = rm.harvests(s)
            if "questions" in topics:
                values["questions"] = rm.questions(s)
            if "polls" in topics:
                values["polls"] = rm.polls(s)
            # the room's results: as the projector sees them (revealed, or a plan that shows them live)
            results_shown = rm.sees_results(Principal(Role.PROJECTOR), row, plan)
            for topic, value in values.items():
                for group in au.TOPICS[topic]:
                    if group == au.STAFF_AUDIENCE:
                        out[AUDIENCE_ROOMS[group]][topic] = value
                        continue
                    shown = present(topic, group, value, results_shown)
                    if topic in ROOM_CUTS and self._room_sent.get((topic, group), UNSENT) == shown:
                        continue  # unchanged for this audience: the change was the staff's alone
                    self._room_sent[(topic, group)] = shown
                    out[AUDIENCE_ROOMS[group]][topic] = shown
            if idea_ids:
                rows = rm.idea_rows(s, idea_ids)
                by_fullness = {full: [rm.idea_view(idea, full=full) for idea in rows] for full in (True, False)}
                for group, (scope, full) in au.IDEAS.items():
                    if scope == "all":
                        out[AUDIENCE_ROOMS[group]]["ideas"] = by_fullness[full]
                        continue
                    room_of = scribe_room if group == au.SCRIBE_AUDIENCE else table_room
                    for view in by_fullness[full]:
                        if view["table"] is not None:
                            out[room_of(view["table"])].setdefault("ideas", []).append(view)
            version = service.version(s)
        for room, payload in out.items():
            self.socketio.emit("update", {"version": version, **payload}, to=self.rooms + room)
