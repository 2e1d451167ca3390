"""What a socket may send, decided before anything reads it: a flood costs the server a length and a subtraction,
not a JSON parse, a request context and a handler per message.

Every Engine.IO message passes here before python-socketio decodes it:
- a socket that has not joined the event may send only its small CONNECT packet: anything else is a script's
  (a Socket.IO client holds its messages until it is connected), and the connection is closed at once;
- each phone's and table screen's connection has a budget of messages and of bytes (above any honest screen,
  below a script); past it a message is not read: if it asks for an answer, it gets `too_fast` at once (the
  answer's id is read from the message's first characters), and a connection that keeps going past it
  (DROPS_BEFORE_CLOSE within DROP_WINDOW seconds) is closed. Staff screens, whose tokens are secret, are
  trusted: a console may send a burst of commands;
- a message from a phone or table screen longer than any command of theirs can be (PHONE_MESSAGE) is a script's:
  it gets `too_large` and its connection is closed at once, so a flood of big messages costs one message per
  connection, not a budget's worth. A connection being closed is not read any further (under gevent: the
  runtime's websocket `stop_reading`), so what the script had already sent is not paid for either;
- binary packets are not part of the protocol and are dropped;
- a message that fails (malformed, or a bug) writes one log line, and then a count per source at 10, 100, ...
  instead of a traceback each: a phone sending garbage in a loop cannot fill the data disk.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter

from facilitation.i18n import translator
from facilitation.messages import MESSAGES as TEXTS
from facilitation.services.limits import RateLimit

log = logging.getLogger(__name__)

MESSAGES = (60, 20.0)  # per connection: burst, then per second (a phone's commands are limited lower, politely)
BYTES = (256 * 1024, 32 * 1024)  # per connection: burst, then per second (phones send ~200 bytes a message)
UNJOINED_BYTES = 2048  # a CONNECT packet with its token and language is ~100 bytes
PHONE_MESSAGE = 16 * 1024  # characters: a phone's longest command (an idea of 4,000 characters) is ~4,100
DROPS_BEFORE_CLOSE, DROP_WINDOW = 100, 10.0  # messages refused on one connection within seconds: then closed
CONNECT, BINARY = "0", ("5", "6")  # Socket.IO packet types, the first character of a message
ACK_ID = re.compile(r"2(\d{1,15})\[")  # an event on the default namespace that asks for an answer: 2<id>[...


class Tally:
    """Counts troubles per source and says when to log: the first, then at 10, 100, 1,000, ..."""

    MAX_SOURCES = 10_000

    def __init__(self):
        self.counts: Counter[str] = Counter()

    def add(self, source: str) -> int | None:
        """Count one for `source`; returns the count when it deserves a log line, else None."""
        if len(self.counts) >= self.MAX_SOURCES and source not in self.counts:
            self.counts.clear()
        self.counts[source] += 1
        n = self.counts[source]
        return n if n == 1 or (n >= 10 and str(n).rstrip("0") == "1") else None


class Guard:
    def __init__(self, server, languages: list[str]):
        """Put the checks in front of `server` (a python-socketio Server)'s Engine.IO message handler."""
        self.server = server
        self.eio = server.eio
        self.languages = languages
        self._handle, self._closed = self.eio.handlers["message"], self.eio.handlers["disconnect"]
        self.messages, self.volume = RateLimit(*MESSAGES), RateLimit(*BYTES)
        self.trusted: set[str] = set()
        self.lang: dict[str, str] = {}
        self.drops: dict[str, list[float]] = {}
        self.dropped, self.failed = Tally(), Tally()
        self._refusals: dict[tuple[str, str], str] = {}
        self.eio.on("message", self.on_message)
        self.eio.on("disconnect", self.on_disconnect)

    def joined(self, sid: str, lang: str | None, trusted: bool) -> None:
        """The Socket.IO connection `sid` joined the event: its language for refusals, and whether it is a
        staff screen (no message budget)."""
        eio_sid = self.server.manager.eio_sid_from_sid(sid, "/")
        if eio_sid:
            self.lang[eio_sid] = lang if lang in self.languages else self.languages[0]
            if trusted:
                self.trusted.add(eio_sid)

    def source(self, eio_sid: str) -> str:
        return (self.server.environ.get(eio_sid) or {}).get("REMOTE_ADDR") or "?"

    def refuse(self, eio_sid: str, data: str, why: str, code: str = "too_fast", close: bool = False) -> None:
        """The message is not read; if it asks for an answer, `code` (in the phone's language) at once. The
        connection is closed with it (`close`), or once it keeps sending past its budget."""
        asked = ACK_ID.match(data, 0, 20)
        if asked:
            self.eio.send(eio_sid, f"3{asked.group(1)}{self._refusal(code, self.lang.get(eio_sid))}")
        n = self.dropped.add(self.source(eio_sid))
        if n:
            log.warning(
                "socket messages refused unread from %s: %s (%s so far from this address)", self.source(eio_sid), why, n
            )
        now = time.monotonic()
        recent = [t for t in self.drops.get(eio_sid, ()) if t > now - DROP_WINDOW] + [now]
        self.drops[eio_sid] = recent
        if close or len(recent) >= DROPS_BEFORE_CLOSE:
            del self.drops[eio_sid]
            if not close:
                log.warning("a socket from %s kept sending past its budget: closed", self.source(eio_sid))
            websocket = getattr(self.eio.sockets.get(eio_sid), "websocket", None)  # gevent's runtime sets it
            if websocket is not None:
                websocket.stop_reading()
            self.eio.disconnect(eio_sid)

    def _refusal(self, code: str, lang: str | None) -> str:
        """The answer's JSON for a refusal `code` in `lang`, made once per code and language."""
        lang = lang or self.languages[0]
        if (code, lang) not in self._refusals:
            message = translator(self.languages, lang)(TEXTS[code])
            self._refusals[code, lang] = json.dumps([{"ok": False, "error": {"code": code, "message": message}}])
        return self._refusals[code, lang]

    def on_message(self, eio_sid, data):
        if eio_sid not in self.server.environ:
            return  # closed meanwhile (messages already received are still being handed over): nobody to answer
        if not isinstance(data, str) or data[:1] in BINARY:
            return self.refuse(eio_sid, "", "binary")
        size = len(data)
        if eio_sid not in self.trusted:
            if self.server.manager.sid_from_eio_sid(eio_sid, "/") is None:
                if data[:1] != CONNECT or size > UNJOINED_BYTES:
                    return self.refuse(eio_sid, "", "not joined", close=True)
            elif size > PHONE_MESSAGE:
                return self.refuse(eio_sid, data, "larger than any command", code="too_large", close=True)
            elif not self.messages.allow(eio_sid) or not self.volume.allow(eio_sid, cost=size):
                return self.refuse(eio_sid, data, "too many or too large")
        try:
            return self._handle(eio_sid, data)
        except Exception as exc:  # noqa: BLE001 - one line, counted, whatever the client sent
            n = self.failed.add(self.source(eio_sid))
            if n:
                log.warning(
                    "a socket message from %s could not be handled: %s: %.120s (%s so far from this address)",
                    self.source(eio_sid),
                    type(exc).__name__,
                    exc,
                    n,
                )

    def on_disconnect(self, eio_sid, *args):
        self.drops.pop(eio_sid, None)
        self.lang.pop(eio_sid, None)
        self.trusted.discard(eio_sid)
        return self._closed(eio_sid, *args)
