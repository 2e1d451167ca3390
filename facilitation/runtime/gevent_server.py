"""Serving on gevent: its WSGI server, with the door in front of every connection (facilitation.runtime.door),
an idle timeout before each request, a total deadline on each request's head, and a timeout on every read and
write. Websockets are served by python-engineio through simple-websocket, on the connection's own socket,
with flow control (`WebSocket`)."""

from __future__ import annotations

import logging

import gevent
import gevent.event
import gevent.selectors
import simple_websocket
from engineio.async_drivers import gevent as engineio_gevent
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from gevent import socket
from gevent.pywsgi import LoggingLogAdapter, WSGIHandler, WSGIServer

from facilitation.runtime.door import HEAD_SECONDS, SOCKET_TIMEOUT, Door, HeadTooSlow

log = logging.getLogger("facilitation.requests")


def listen(host: str, port: int, family: int):
    """Bound for this server alone: no SO_REUSEPORT, so a second server on the port fails instead of silently
    sharing the connections of the event."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


READ_AHEAD = 4  # websocket messages read off a connection before the application has taken them


class _FlowControlled(simple_websocket.Server):
    """simple-websocket's server reads a connection in a thread of its own into a list, as fast as the client
    sends, whether or not anyone takes the messages; and its close() could be undone by that thread, which
    then read on. A client sending without pause grew the server by 100 MB a second (24 GB, then the kernel
    killed it). Here the thread stops reading while READ_AHEAD messages wait (the client's sends then block,
    as TCP intends), and close() shuts the connection down, so nothing is read after it.

    `stop_reading` is for a connection the server has decided to close (facilitation.realtime.guard): nothing
    more is read off it while its last answer goes out. A script flooding 64 KB messages otherwise had each of
    its connections read (and unmasked, and decoded) for megabytes before the close took effect."""

    def __init__(self, *args, **kwargs):
        self._taken = gevent.event.Event()  # before the reading thread starts (in the base class)
        self._stopped = self._closed = False
        super().__init__(*args, **kwargs)

    def stop_reading(self) -> None:
        self._stopped = True

    def _handle_events(self):
        keep_going = super()._handle_events()
        while keep_going and self.connected and (self._stopped or len(self.input_buffer) >= READ_AHEAD):
            self._taken.wait(1.0)
            self._taken.clear()
        # Closed meanwhile: the reading thread ends and closes the socket, whatever is still unread (returning
        # True would set `connected` again and read on, down to the last byte a flooding script had sent).
        return keep_going and not self._closed

    def receive(self, timeout=None):
        try:
            return super().receive(timeout)
        finally:
            self._taken.set()

    def close(self, reason=None, message=None):
        self._closed = True
        try:
            super().close(reason, message)
        finally:
            self._taken.set()  # a reading thread held by `stop_reading` sees the close and ends
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class WebSocket(SimpleWebSocketWSGI):
    """python-engineio's websocket for gevent, on `_FlowControlled`, with engine.io's message size limit
    applied as each frame arrives (not once a whole message is in memory). The Engine.IO socket it serves
    holds it as `websocket`, for the guard's `stop_reading`."""

    def __init__(self, handler, server):
        super().__init__(
            handler,
            server,
            thread_class=engineio_gevent.Thread,
            event_class=gevent.event.Event,
            selector_class=gevent.selectors.DefaultSelector,
        )
        self.max_message_size = server.max_http_buffer_size
        self.engineio_socket = getattr(handler, "__self__", None)  # the handler is that socket's method

    def __call__(self, environ, start_response):
        self.ws = _FlowControlled(environ, max_message_size=self.max_message_size, **self.server_args)
        if self.engineio_socket is not None:
            self.engineio_socket.websocket = self.ws
        return self.app(self)


class Handler(WSGIHandler):
    """gevent's HTTP handler with the idle timeout, the head deadline and the door told when the head is in."""

    door_state: dict | None = None
    _head_timer = None

    def read_requestline(self):
        self.socket.settimeout(self.server.idle_timeout)  # the wait for a request's first byte
        try:
            if not self.rfile.peek(1):
                return ""
        except (OSError, ValueError):
            return ""
        self.socket.settimeout(SOCKET_TIMEOUT)
        self._head_timer = gevent.Timeout.start_new(HEAD_SECONDS, HeadTooSlow())
        return super().read_requestline()

    def read_request(self, raw_requestline):
        try:
            parsed = super().read_request(raw_requestline)
        finally:
            self._stop_head_timer()
        if parsed and self.door_state is not None:
            self.server.door.opened(self.door_state)
        return parsed

    def handle_one_request(self):
        try:
            result = super().handle_one_request()
        except HeadTooSlow:
            return None
        finally:
            self._stop_head_timer()
        if result is True and self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            return None  # the websocket has ended: what follows on the connection is not HTTP, close it
        return result

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.close()
            self._head_timer = None


class Server(WSGIServer):
    handler_class = Handler

    def __init__(self, listener, app, door: Door, idle_timeout: float):
        super().__init__(listener, app, log=None, error_log=LoggingLogAdapter(log, logging.ERROR))
        self.door = door
        self.idle_timeout = idle_timeout

    def do_handle(self, sock, address):
        """Called by the accept loop for each connection: never waits, whatever the caps say."""
        host = address[0] if isinstance(address, tuple) else str(address)
        state = self.door.admit(host, lambda: sock.shutdown(socket.SHUT_RDWR))
        gevent.spawn(self._refuse if state is None else self._serve, sock, address, state)

    def _serve(self, sock, address, state) -> None:
        try:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                # Every answer at once: a response's head and body, or a dot's ack right after a screen update,
                # are separate small writes, and Nagle's algorithm held the second until the client's delayed
                # acknowledgement came (40 ms on Linux, up to 200 ms elsewhere) for every keep-alive request.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            handler = self.handler_class(sock, address, self)
            handler.door_state = state
            handler.handle()
        finally:
            self.door.closed(state)
            self.do_close(sock, address)

    def _refuse(self, sock, address, _state) -> None:
        try:
            self.door.refuse(sock)
        finally:
            self.do_close(sock, address)


def serve(listener, app, door: Door, idle_timeout: float) -> None:
    engineio_gevent._async["websocket"] = WebSocket  # python-engineio looks it up at each websocket upgrade
    Server(listener, app, door, idle_timeout).serve_forever()
