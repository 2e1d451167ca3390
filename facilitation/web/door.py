"""The server's door: how many connections it holds at once, how many one address may hold, how many of those
may still be sending their request's head, and a clear "event full" answer past any cap, so that nobody can
fill the server with connections that never speak or speak a byte at a time.

eventlet's own pool waits when it is full, and while it waits the server accepts nobody: ~1,030 silent
connections were enough to lock every phone, screen and export out. `Door` is the pool handed to
`eventlet.wsgi.server`: it never blocks the accept loop; a connection past a cap is answered 503 at once.

A connection is *opening* from its accept until its first request's head (request line and headers) has
arrived whole. One address may hold at most `opening` such connections: a venue router or a tunnel puts a
whole room behind one address, and honest phones send their head in one packet, so they are opening for
milliseconds; a slowloris script's connections stay opening, and one attacker behind the shared address can
no longer take every place. `HeadDeadline` gives every request's head HEAD_SECONDS from its first byte,
however slowly it trickles in (one byte every 10 s used to keep a connection for ever).
Silent and idle connections are closed by the server's timeouts (see `facilitation.cli.serve`).
"""
from __future__ import annotations

import logging
import resource
from collections import Counter

import eventlet
import eventlet.wsgi
from eventlet import greenio

log = logging.getLogger(__name__)

REFUSING_AT_ONCE = 64  # refusals being written at the same time; past this a refused connection is just closed
RESERVED_FILES = 128  # file descriptors kept for the database, the log, the listener and refusals
HEAD_SECONDS = 5.0  # a request's line and headers, from its first byte (a websocket upgrade is such a request)


def open_files_limit(wanted: int) -> int:
    """Raise this process's open-files limit towards `wanted` connections (up to the hard limit); returns how
    many connections the limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else max(0, min(wanted, soft - RESERVED_FILES))


def full_response(texts: list[str], retry_after: int = 30) -> bytes:
    body = ("\n".join(texts) + "\n").encode()
    return (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Retry-After: %d\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
            % (retry_after, len(body))) + body


class Door:
    """A green pool for `eventlet.wsgi.server(custom_pool=...)` with a total and a per-address cap."""

    def __init__(self, size: int, per_address: int, full: bytes, opening: int | None = None):
        self.size = size
        self.per_address = per_address
        self.opening_per_address = per_address if opening is None else min(opening, per_address)
        self.full = full
        self.pool = eventlet.GreenPool(size)
        self.by_address: Counter[str] = Counter()
        self.opening: Counter[str] = Counter()  # connections per address whose first request's head is not in
        self.open = 0
        self.refused = 0
        self._refusing = 0

    def spawn(self, serve, connection):
        """Called by the accept loop with [address, socket, state]; must return a green thread at once."""
        address = connection[0][0] if isinstance(connection[0], tuple) else str(connection[0])
        if (self.open >= self.size or self.by_address[address] >= self.per_address
                or self.opening[address] >= self.opening_per_address):
            self.refused += 1
            if self.refused in (1, 10, 100, 1000) or self.refused % 10000 == 0:
                log.warning("event full: %s connections refused so far (this one from %s, which holds %s, %s of "
                            "them opening; %s open of %s)", self.refused, address, self.by_address[address],
                            self.opening[address], self.open, self.size)
            return eventlet.spawn(self._refuse, connection[1])
        self.open += 1
        self.by_address[address] += 1
        self.opening[address] += 1
        state = {"opening": True}
        connection.append(state)  # eventlet's [address, socket, state]: the protocol finds it as conn_state[-1]
        thread = self.pool.spawn(serve, connection)
        thread.link(self._closed, address, state)
        return thread

    def opened(self, address: str, state: dict) -> None:
        """The connection's first request head has arrived whole: it is no longer opening."""
        if state.get("opening"):
            state["opening"] = False
            self._uncount(self.opening, address)

    def _closed(self, _thread, address: str, state: dict) -> None:
        self.open -= 1
        self._uncount(self.by_address, address)
        if state.get("opening"):
            state["opening"] = False
            self._uncount(self.opening, address)

    @staticmethod
    def _uncount(counter: Counter, address: str) -> None:
        counter[address] -= 1
        if counter[address] <= 0:
            del counter[address]

    def _refuse(self, sock) -> None:
        """Read what the client sent (so closing does not reset the answer away), answer 503, close."""
        if self._refusing >= REFUSING_AT_ONCE:
            return  # the server closes the socket when this thread ends
        self._refusing += 1
        try:
            sock.settimeout(1)
            try:
                sock.recv(8192)
            except OSError:
                pass
            sock.sendall(self.full)
            greenio.shutdown_safe(sock)
        except OSError:
            pass
        finally:
            self._refusing -= 1

    def waitall(self) -> None:
        self.pool.waitall()

    def state(self) -> dict:
        return {"open": self.open, "size": self.size, "per_address": self.per_address, "refused": self.refused,
                "busiest_address": max(self.by_address.values(), default=0),
                "opening": sum(self.opening.values()), "opening_per_address": self.opening_per_address}


class HeadTooSlow(Exception):
    """A request's head did not arrive whole within HEAD_SECONDS of its first byte."""


class HeadDeadline(eventlet.wsgi.HttpProtocol):
    """eventlet's HTTP protocol with a total deadline on each request's head, and the door told when the
    connection's first head is in (`Door.opened`)."""

    door: Door | None = None
    _head_timer = None

    def _read_request_line(self):
        try:  # the wait for the first byte is the idle timeout's; from it on, the whole head has HEAD_SECONDS
            if self.server.keepalive and not isinstance(self.server.keepalive, bool):
                self.connection.settimeout(self.server.keepalive)
            if not self.rfile.closed and not self.rfile.peek(1):
                self.close_connection = 1
                return b""
        except (OSError, ValueError):
            self.close_connection = 1
            return b""
        self._head_timer = eventlet.Timeout(HEAD_SECONDS, HeadTooSlow())
        return super()._read_request_line()

    def parse_request(self):
        try:
            parsed = super().parse_request()
        finally:
            self._stop_head_timer()
        if parsed and self.door is not None:
            self.door.opened(self.client_address[0], self.conn_state[-1])
        return parsed

    def handle_one_request(self):
        try:
            return super().handle_one_request()
        except HeadTooSlow:
            self.close_connection = 1
        finally:
            self._stop_head_timer()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

