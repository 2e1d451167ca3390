"""Socket.IO handlers: authenticate the connection, then validate, check, call one service function, ack."""

from __future__ import annotations

import logging

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, join_room
from socketio.packet import Packet

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Role
from facilitation.extensions import socketio
from facilitation.messages import describe, error
from facilitation.realtime.notify import rooms_for
from facilitation.services import assistant
from facilitation.services import readmodels as rm
from facilitation.services.audience import IDEAS, audience
from facilitation.services.commands import COMMANDS, Principal
from facilitation.services.event import DEVICE_COOKIE

log = logging.getLogger(__name__)


class TextPacket(Packet):
    """Socket.IO packets as JSON text only (the server's `serializer`). python-socketio walks every outgoing
    payload item by item for bytes to send as binary attachments; this app never sends bytes, and with the
    staff's idea lists and tallies that walk was a quarter of each broadcast in the mixed day's profile. A
    client's binary packet is still read as before, and refused like any payload no command takes."""

    uses_binary_events = False


def _hosted():
    """The event this socket joined (set at its handshake), of those the server runs (facilitation.hosting)."""
    host = current_app.extensions["facilitation.host"]
    return host.get(session.get("event")) or host.first


def _service():
    return _hosted().service


def _who() -> Principal:
    who = session.get("who")
    if who is None:
        raise Refused("invalid_token")
    return who


def _one_payload(args: tuple) -> object:
    """Every event carries at most one payload; any other shape is refused, never a TypeError without an ack."""
    if len(args) > 1:
        raise Refused("invalid_payload", fields="payload")
    return args[0] if args else None


@socketio.on("connect")
def connect(auth=None, *_extra):
    if session.get("who") is not None:
        # Only a client can call this a second time, by sending an event named "connect": answer, change nothing.
        return error(Refused("unknown_command", name="connect"))
    auth = auth if isinstance(auth, dict) else {}
    if isinstance(auth.get("lang"), str):
        session["lang"] = auth["lang"][:5]
    token = auth.get("token") or request.cookies.get(DEVICE_COOKIE)
    found = current_app.extensions["facilitation.host"].by_token(token if isinstance(token, str) else None)
    if found is None:
        raise ConnectionRefusedError(describe(Refused("invalid_token")))
    hosted, who = found
    session["who"], session["event"] = who, hosted.id
    current_app.extensions["facilitation.guard"].joined(
        request.sid, session.get("lang"), trusted=who.role not in (Role.PARTICIPANT, Role.SCRIBE)
    )
    for room in rooms_for(who):
        join_room(hosted.rooms + room)  # the event's own rooms: another event's updates never reach this socket


@socketio.on("disconnect")
def disconnect(*_args):
    """Runs when a socket closes (nothing to clean up: rooms go with it), and when a client sends an event
    named "disconnect", which the catch-all never sees (a reserved name): that one gets its answer here."""
    return error(Refused("unknown_command", name="disconnect"))


@socketio.on("sync")
def sync(*args):
    """A (re)connected client asks for the state it missed: a fresh snapshot unless it is already current."""
    try:
        data = _one_payload(args)
        who = _who()
        service = _service()
        service.throttle(who)  # a snapshot is the costliest answer: a phone asking in a loop is slowed down
        since = data.get("since") if isinstance(data, dict) else None
        with service.reading() as s:
            version = service.version(s)
            if type(since) is int and since == version:
                return {"ok": True, "version": version, "current": True}
            return {"ok": True, **rm.snapshot(s, service.plan, who, version, service.refused_joins)}
    except Refused as refused:
        return error(refused)


@socketio.on("ideas.page")
def ideas_page(*args):
    """The next page of a screen's ideas after its snapshot (`ideas_next`), in the snapshot's scope: a snapshot
    never carries more than one page, however many ideas an import brought."""
    try:
        data = _one_payload(args)
        after = data.get("after") if isinstance(data, dict) else None
        if type(after) is not int or after < 0:
            raise Refused("invalid_payload", fields="after")
        who = _who()
        service = _service()
        service.throttle(who)
        scope, full = IDEAS[audience(who.role)]
        with service.reading() as s:
            return {"ok": True, **rm.idea_page(s, full, who.table_id if scope == "own table" else None, after)}
    except Refused as refused:
        return error(refused)


@socketio.on("room")
def room(*args):
    """What the room's screen shows that a phone is not sent otherwise (the idea wall, the counts), for its
    view of that screen; the same answer for every screen, read at most once a second (Service.room_view)."""
    try:
        _one_payload(args)
        who = _who()
        service = _service()
        service.throttle(who)
        return {"ok": True, **service.room_view()}
    except Refused as refused:
        return error(refused)


def _assistant(name: str):
    def handle(*args):
        """The theme team's assistant (facilitation.services.assistant): made by a worker, off the event loop."""
        try:
            hosted = _hosted()
            return {"ok": True, **assistant.ask(hosted.workers, hosted.service, _who(), name, _one_payload(args))}
        except Refused as refused:
            return error(refused)

    handle.__name__ = f"on_{name.replace('.', '_')}"
    return handle


for _name in assistant.QUERIES:
    socketio.on_event(_name, _assistant(_name))


@socketio.on("proxies")
def proxies(*args):
    """A table facilitator's paper ballots (people of the table without a phone), with their dots."""
    try:
        _one_payload(args)
        return {"ok": True, "proxies": _service().proxies(_who())}
    except Refused as refused:
        return error(refused)


@socketio.on("participants")
def participants(*args):
    """Who joined at a table (numbers, never names), for the facilitator checking a table the console flags."""
    try:
        data = _one_payload(args)
        table = data.get("table") if isinstance(data, dict) else None
        if type(table) is not int:
            raise Refused("invalid_payload", fields="table")
        return {"ok": True, "table": table, "participants": _service().people_at(_who(), table)}
    except Refused as refused:
        return error(refused)


@socketio.on("*")
def unknown(event, *_args):
    """Any event the protocol does not name gets an answer too, so a client never waits for a silent server."""
    name = event if isinstance(event, str) else ""
    return error(Refused("unknown_command", name=name[:40]))


def _command_handler(name: str):
    def handle(*args):
        try:
            return {"ok": True, **_service().execute(_who(), name, _one_payload(args))}
        except Refused as refused:
            return error(refused)
        except Exception:
            log.exception("command %s failed", name)
            return error(Refused("server_error"))

    handle.__name__ = f"on_{name.replace('.', '_')}"
    return handle


for _name in COMMANDS:
    socketio.on_event(_name, _command_handler(_name))


def guard_event_names(server) -> None:
    """An event literally named "*" would reach the catch-all above without its name (python-socketio passes
    the name only for events the catch-all stands in for), and Flask-SocketIO then fails before any answer.
    Route it to the catch-all under a name that says what happened, so it is answered like any unknown event."""
    find = server._get_event_handler

    def _get_event_handler(event, namespace, args):
        return find("(*)" if event == "*" else event, namespace, args)

    server._get_event_handler = _get_event_handler


def close_unjoined(server, seconds: float) -> None:
    """Close an Engine.IO connection that has not joined the event (a Socket.IO connect with a valid token)
    within `seconds`: it answers pings, so no timeout would ever end it, and a refused connect leaves it open.
    Real clients join within a second of opening."""
    eio = server.eio
    opened = eio.handlers["connect"]

    def on_open(eio_sid, environ, *rest):
        answer = opened(eio_sid, environ, *rest)
        eio.start_background_task(_close_if_unjoined, eio_sid)
        return answer

    def _close_if_unjoined(eio_sid):
        eio.sleep(seconds)
        if server.manager.sid_from_eio_sid(eio_sid, "/") is None:
            eio.disconnect(eio_sid)  # a no-op if it closed meanwhile

    eio.on("connect", on_open)


def without_websocket_compression(wsgi_app):
    """Answer every websocket without permessage-deflate. Browsers and the Socket.IO clients offer it, and the
    server would keep a zlib compressor per connection: ~100 KB each, 1,000 phones ≈ 100 MB, and one compression
    per phone for every broadcast. Our messages are small JSON: the server simply does not see the offer."""

    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app
