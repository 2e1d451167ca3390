"""The async runtime, behind one seam: patch the standard library, bind the port, serve.

`facilitation serve` calls `prepare` before anything else is imported, then `listen` and `serve`; nothing
else in the app names a runtime. The modes (setting ASYNC_MODE):
- gevent: the default. One process, green threads, gevent's WSGI server with the door in front
  (facilitation.runtime.door) and python-engineio's websockets through simple-websocket.
- threading: Werkzeug's threaded server, a real thread per connection; for trying things out, not a hall
  (make bench: past 300 dots/s a burst waits seconds, and with 1,000 phones it loses acknowledgements; it
  has no door).
eventlet, the runtime before, is gone: it is deprecated by its maintainers, warned every facilitator at
start, and the app on gevent answered faster with the same memory in the same run (README, "Runtime").
"""

from __future__ import annotations

import socket
import sys

# python-socketio and python-engineio import their clients with their servers, and with the clients the HTTP
# and websocket libraries those run on; python-socketio imports Redis's client for its Redis manager too. A
# server never uses the clients, nor Redis without REDIS_URL; kept out, it starts 0.5 s of a core sooner, and a
# command that opens the event (cards, import) up to a second (the import statements then find them missing,
# which both packages allow: each is an optional extra of theirs).
CLIENT_ONLY = ("aiohttp", "requests", "websocket")


def keep_out(redis: bool) -> None:
    """Keep the client libraries out of this process: every command but `rehearse`, which is a client. `redis`:
    this process shares its event through Redis (REDIS_URL)."""
    for name in (*CLIENT_ONLY, *(() if redis else ("redis",))):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def prepare(mode: str) -> None:
    """Make the standard library's sockets, threads and locks green. Must run before Flask, SQLAlchemy,
    logging or sockets are imported."""
    if mode == "gevent":
        from importlib import metadata

        from gevent import monkey

        # gevent asks for its plugins' entry points at each of its ~27 patching steps, and every ask reads every
        # installed package's metadata again (0.13 s of a core in all): read once, answered from that while it
        # patches
        every = metadata.entry_points()
        asked = metadata.entry_points
        metadata.entry_points = lambda **selection: every.select(**selection) if selection else every  # type: ignore[assignment]
        try:
            monkey.patch_all()
        finally:
            metadata.entry_points = asked


def listen(host: str, port: int, mode: str):
    """Bind the port for this server alone (no SO_REUSEPORT: a second server on it fails instead of silently
    sharing the event's connections). Raises OSError. Returns the listening socket, or None for threading,
    whose server binds its own (checked here first, so that a taken port is said clearly)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    if mode == "gevent":
        from facilitation.runtime import gevent_server

        return gevent_server.listen(host, port, family)
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    return None


def serve(listener, app, config: dict, door_full: bytes) -> None:
    """Serve until stopped. Under gevent, a door caps the connections (facilitation.runtime.door)
    and timeouts close the silent ones: IDLE_TIMEOUT before each request, a deadline on each request's head,
    SOCKET_TIMEOUT on any read or write."""
    if config["ASYNC_MODE"] != "gevent":
        from facilitation.extensions import socketio

        socketio.run(app, host=config["HOST"], port=config["PORT"], log_output=False, allow_unsafe_werkzeug=True)
        return
    import logging

    from facilitation.runtime.door import Door, open_files_limit

    size = open_files_limit(config["MAX_CONNECTIONS"])
    if size < config["MAX_CONNECTIONS"]:
        logging.getLogger(__name__).warning(
            "this system lets the server open at most %s connections, not %s: raise the open files limit "
            "(ulimit -n) for larger events",
            size,
            config["MAX_CONNECTIONS"],
        )
    door = Door(size, min(size, config["MAX_PER_ADDRESS"]), door_full, config["MAX_OPENING_PER_ADDRESS"])
    app.extensions["facilitation.door"] = door
    from facilitation.runtime import gevent_server

    gevent_server.serve(listener, app, door, config["IDLE_TIMEOUT"])
