"""The server's door: how many connections it holds at once, how many one address may hold, and a clear
"event full" answer past either cap, so that nobody can fill the server with connections that never speak.

eventlet's own pool waits when it is full, and while it waits the server accepts nobody: ~1,030 silent
connections were enough to lock every phone, screen and export out. `Door` is the pool handed to
`eventlet.wsgi.server`: it never blocks the accept loop; a connection past a cap is answered 503 at once.
Silent and idle connections are closed by the server's timeouts (see `facilitation.cli.serve`).
"""
from __future__ import annotations

import logging
import resource
from collections import Counter

import eventlet
from eventlet import greenio

log = logging.getLogger(__name__)

REFUSING_AT_ONCE = 64  # refusals being written at the same time; past this a refused connection is just closed
RESERVED_FILES = 128  # file descriptors kept for the database, the log, the listener and refusals


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

    def __init__(self, size: int, per_address: int, full: bytes):
        self.size = size
        self.per_address = per_address
        self.full = full
        self.pool = eventlet.GreenPool(size)
        self.by_address: Counter[str] = Counter()
        self.open = 0
        self.refused = 0
        self._refusing = 0

    def spawn(self, serve, connection):
        """Called by the accept loop with [address, socket, state]; must return a green thread at once."""
        address = connection[0][0] if isinstance(connection[0], tuple) else str(connection[0])
        if self.open >= self.size or self.by_address[address] >= self.per_address:
            self.refused += 1
            if self.refused in (1, 10, 100, 1000) or self.refused % 10000 == 0:
                log.warning("event full: %s connections refused so far (this one from %s, which holds %s; "
                            "%s open of %s)", self.refused, address, self.by_address[address], self.open, self.size)
            return eventlet.spawn(self._refuse, connection[1])
        self.open += 1
        self.by_address[address] += 1
        thread = self.pool.spawn(serve, connection)
        thread.link(self._closed, address)
        return thread

    def _closed(self, _thread, address: str) -> None:
        self.open -= 1
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]

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
                "busiest_address": max(self.by_address.values(), default=0)}

