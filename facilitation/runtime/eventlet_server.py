"""Serving on eventlet (kept to measure it against gevent; see facilitation.runtime)."""
from __future__ import annotations

import eventlet
import eventlet.wsgi
from eventlet import greenio

from facilitation.runtime.door import HEAD_SECONDS, SOCKET_TIMEOUT, Door, HeadTooSlow


def listen(host: str, port: int, family: int):
    return eventlet.listen((host, port), family=family, backlog=1024, reuse_addr=True, reuse_port=False)


class _Pool:
    """The door as the pool `eventlet.wsgi.server(custom_pool=...)` wants: `spawn` returns at once."""

    def __init__(self, door: Door):
        self.door = door

    def spawn(self, serve, connection):
        address = connection[0][0] if isinstance(connection[0], tuple) else str(connection[0])
        state = self.door.admit(address, lambda: greenio.shutdown_safe(connection[1]))
        if state is None:
            return eventlet.spawn(self._refuse, connection[1])
        connection.append(state)  # eventlet's [address, socket, state]: the protocol finds it as conn_state[-1]
        thread = eventlet.spawn(serve, connection)
        thread.link(lambda _thread: self.door.closed(state))
        return thread

    def _refuse(self, sock) -> None:
        self.door.refuse(sock)
        greenio.shutdown_safe(sock)

    def waitall(self) -> None:
        pass


class _Protocol(eventlet.wsgi.HttpProtocol):
    """eventlet's HTTP protocol with a total deadline on each request's head, and the door told when the
    connection's first head is in."""

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
            self.door.opened(self.conn_state[-1])
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


def serve(listener, app, door: Door, idle_timeout: float) -> None:
    protocol = type("Protocol", (_Protocol,), {"door": door})
    eventlet.wsgi.server(listener, app, custom_pool=_Pool(door), log_output=False,  # request log: facilitation.requests
                         keepalive=idle_timeout, socket_timeout=SOCKET_TIMEOUT, protocol=protocol)
