"""Test clients that speak the socket protocol over a real connection, as the phones and screens do."""

from __future__ import annotations

import threading
import time
import uuid

import requests
import socketio
from http.cookiejar import DefaultCookiePolicy
from requests.adapters import HTTPAdapter


def cid() -> str:
    return uuid.uuid4().hex


class Client:
    """A python-socketio client holding the same state a screen would: snapshot + batched updates."""

    def __init__(self, url: str, token: str | None = None, cookie: str | None = None, lang: str = "en"):
        self.state: dict = {}
        self.updates: list[dict] = []
        self._changed = threading.Condition()
        self._connection = (url, token, cookie, lang)
        self._connect()

    def _connect(self) -> None:
        url, token, cookie, lang = self._connection
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("update", self._on_update)
        headers = {"Cookie": f"facilitation_device={cookie}"} if cookie else {}
        self.sio.connect(
            url,
            auth={"token": token, "lang": lang} if token else {"lang": lang},
            headers=headers,
            transports=["websocket"],
            wait_timeout=10,
        )
        self.sync()

    def reconnect_once_closed(self, seconds: float = 5.0) -> None:
        """Wait until the server has closed this connection, then connect again, as a screen would."""
        deadline = time.monotonic() + seconds
        while self.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.sio.connected, "the server did not close the connection"
        self._connect()

    def _on_update(self, update: dict) -> None:
        with self._changed:
            self.updates.append(update)
            self._changed.notify_all()

    def sync(self, since: int | None = None) -> dict:
        reply = self.sio.call("sync", {"since": since}, timeout=10)
        if reply.get("ok") and not reply.get("current"):
            self.state = reply
        return reply

    def send(self, name: str, payload: dict | None = None, client_id: str | None = None) -> dict:
        return self.sio.call(name, {"cid": client_id or cid(), **(payload or {})}, timeout=10)

    def wait_for(self, predicate, timeout: float = 5.0) -> dict:
        """Wait until an update satisfies predicate; returns that update."""
        with self._changed:
            seen = 0
            while True:
                for update in self.updates[seen:]:
                    if predicate(update):
                        return update
                seen = len(self.updates)
                if not self._changed.wait(timeout):
                    raise TimeoutError("no matching update")

    def close(self) -> None:
        self.sio.disconnect()


def join(url: str, code: str) -> str:
    """Join with a table's code as a phone does (the join page posts its form); returns the device token."""
    session = requests.Session()
    response = session.post(f"{url}/j/{code}", allow_redirects=False, timeout=10)
    assert response.status_code == 303, response.text
    return session.cookies["facilitation_device"]


def open_vote(server, titles: list[str]) -> list[int]:
    """Themes with these titles on the ballot and the vote open, as the facilitator would; returns their ids."""
    facilitator = Client(server.url, server.facilitator)
    ids = []
    for title in titles:
        ids.append(facilitator.send("theme.create", {"title": title})["theme"])
        assert facilitator.send("theme.ballot", {"theme": ids[-1]})["ok"]
    assert facilitator.send("vote.open")["ok"]
    facilitator.close()
    return ids


def new_phone(server, table_index: int = 0, lang: str = "en") -> Client:
    """A phone that scanned the join card of the server's table at `table_index` (0 is table 1)."""
    return Client(server.url, cookie=join(server.url, server.tables()[table_index][3]), lang=lang)


class FromAddress(HTTPAdapter):
    """Requests sent from one loopback address (127.0.0.2, ...): to the server, another device or network."""

    def __init__(self, address: str):
        self.address = address
        super().__init__(pool_maxsize=16)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str, keep_cookies: bool = False) -> requests.Session:
    """A client sending from `address`. By default it keeps no cookie: every join is a new device, as an
    attacker's script would be; with `keep_cookies`, a phone's browser."""
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    if not keep_cookies:
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return session
