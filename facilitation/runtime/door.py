"""The server's door: how many connections it holds at once, how many one address may hold, how many of those
may still be sending their request's head, and a clear "event full" answer past any cap, so that nobody can
fill the server with connections that never speak or speak a byte at a time.

A server's own pool waits when it is full, and while it waits it accepts nobody: ~1,030 silent connections
were enough to lock every phone, screen and export out. The door never blocks the accept loop: a connection
past a cap is answered 503 at once (`refuse`), in a green thread of its own.

A connection is *opening* from its accept until its first request's head (request line and headers) has
arrived whole. One address may hold at most `opening` such connections: a venue router or a tunnel puts a
whole room behind one address, and honest phones send their head in one packet, so they are opening for
milliseconds; a slowloris script's connections stay opening. When a new connection would pass the address's
share, the oldest connection of that address still opening is closed to make room (it is, almost surely,
the attacker's), so one attacker behind the shared address can neither take every place nor lock out the
people who share the address with it. Every runtime's server (facilitation.runtime) gives a request's head HEAD_SECONDS
from its first byte, however slowly it trickles in, and closes connections that stay silent.

The door only counts; it is the same under every runtime.
"""

from __future__ import annotations

import logging
import socket
from collections import Counter, OrderedDict
from collections.abc import Callable

try:
    import resource
except ImportError:  # Windows: no per-process cap on open sockets to raise
    resource = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

REFUSING_AT_ONCE = 64  # refusals being written at the same time; past this a refused connection is just closed
RESERVED_FILES = 128  # file descriptors kept for the database, the log, the listener and refusals
HEAD_SECONDS = 5.0  # a request's line and headers, from its first byte (a websocket upgrade is such a request)
SOCKET_TIMEOUT = 45  # seconds one read or write may wait: above the websocket ping interval (10 s)


def open_files_limit(wanted: int) -> int:
    """Raise this process's open-files limit towards `wanted` connections (up to the hard limit); returns how
    many connections the limit allows."""
    if resource is None:
        return wanted
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
    return (
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Retry-After: %d\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
        % (retry_after, len(body))
    ) + body


class HeadTooSlow(BaseException):
    """A request's head did not arrive whole within HEAD_SECONDS of its first byte. A BaseException, so that no
    server's `except Exception` turns it into an answer: the connection is closed without one."""


class Door:
    """The connection caps: a total, per address, and per address of connections still opening."""

    def __init__(self, size: int, per_address: int, full: bytes, opening: int | None = None):
        self.size = size
        self.per_address = per_address
        self.opening_per_address = per_address if opening is None else min(opening, per_address)
        self.full = full
        self.by_address: Counter[str] = Counter()
        self.opening: Counter[str] = Counter()  # connections per address whose first request's head is not in
        self._oldest: dict[str, OrderedDict[int, dict]] = {}  # per address, its opening connections, oldest first
        self.open = 0
        self.refused = 0
        self.evicted = 0
        self._refusing = 0

    def admit(self, address: str, close: Callable[[], None]) -> dict | None:
        """A new connection from `address`: its state (to hand back to `opened` and `closed`), or None when a cap
        is reached and it must be refused. `close` ends the connection, should it be evicted while opening."""
        if self.opening[address] >= self.opening_per_address:
            self._evict_oldest(address)
        if self.open >= self.size or self.by_address[address] >= self.per_address:
            self.refused += 1
            if self.refused in (1, 10, 100, 1000) or self.refused % 10000 == 0:
                log.warning(
                    "event full: %s connections refused so far (this one from %s, which holds %s, %s of "
                    "them opening; %s open of %s)",
                    self.refused,
                    address,
                    self.by_address[address],
                    self.opening[address],
                    self.open,
                    self.size,
                )
            return None
        self.open += 1
        self.by_address[address] += 1
        self.opening[address] += 1
        state = {"address": address, "opening": True, "close": close}
        self._oldest.setdefault(address, OrderedDict())[id(state)] = state
        return state

    def opened(self, state: dict) -> None:
        """The connection's first request head has arrived whole: it is no longer opening."""
        if state.get("opening"):
            state["opening"] = False
            address = state["address"]
            self._uncount(self.opening, address)
            oldest = self._oldest[address]
            del oldest[id(state)]
            if not oldest:
                del self._oldest[address]

    def _evict_oldest(self, address: str) -> None:
        state = next(iter(self._oldest[address].values()))
        self.opened(state)  # its place is free now, whenever its thread notices
        self.evicted += 1
        if self.evicted in (1, 10, 100, 1000) or self.evicted % 10000 == 0:
            log.warning(
                "%s connections closed so far for sending their request too slowly while newer ones came "
                "(this one from %s)",
                self.evicted,
                address,
            )
        try:
            state["close"]()
        except OSError:
            pass

    def closed(self, state: dict) -> None:
        self.open -= 1
        self._uncount(self.by_address, state["address"])
        self.opened(state)

    @staticmethod
    def _uncount(counter: Counter, address: str) -> None:
        counter[address] -= 1
        if counter[address] <= 0:
            del counter[address]

    def refuse(self, sock) -> None:
        """Read what the client sent (so closing does not reset the answer away), answer 503; the caller closes."""
        if self._refusing >= REFUSING_AT_ONCE:
            return
        self._refusing += 1
        try:
            sock.settimeout(1)
            try:
                sock.recv(8192)
            except OSError:
                pass
            sock.sendall(self.full)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            self._refusing -= 1

    def state(self) -> dict:
        return {
            "open": self.open,
            "size": self.size,
            "per_address": self.per_address,
            "refused": self.refused,
            "busiest_address": max(self.by_address.values(), default=0),
            "opening": sum(self.opening.values()),
            "opening_per_address": self.opening_per_address,
            "evicted": self.evicted,
        }
