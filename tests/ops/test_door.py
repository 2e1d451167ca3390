"""The server holds its door: connections that never speak cannot lock the room out, one address cannot take
every connection, and past the caps a client hears "event full" instead of waiting in silence.

The attacker connects from 127.0.0.2 (every 127.x address reaches a loopback server on Linux), the new phone
from 127.0.0.1, as a laptop and a phone on the venue Wi-Fi would.
"""

import http.client
import resource
import socket
import statistics
import threading
import time

import pytest
import requests

from facilitation.runtime.door import HEAD_SECONDS
from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client, join

ATTACKER = "127.0.0.2"


@pytest.fixture(scope="module", autouse=True)
def enough_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 3000:
        pytest.skip(f"this machine allows {hard} open files: too few to hold the attack's connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 8192, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture(scope="module")
def door(tmp_path_factory):
    """A server whose caps on opening connections are out of the way, to test the total and per-address caps
    with silent connections (the cap on opening connections has its own tests, on a default server)."""
    server = start_server(
        tmp_path_factory.mktemp("door"),
        env={"FACILITATION_IDLE_TIMEOUT": "6", "FACILITATION_MAX_OPENING_PER_ADDRESS": "5000"},
    )
    yield server
    stop_server(server)


@pytest.fixture(autouse=True)
def settled(door):
    """Each attack starts once the server has closed the connections of the one before."""
    deadline = time.time() + 20
    while held_by_busiest(door) > 5 and time.time() < deadline:
        time.sleep(0.2)


def from_attacker(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), source_address=(ATTACKER, 0))


def silent_connections(url: str, count: int) -> list[socket.socket]:
    return [from_attacker(url) for _ in range(count)]


def idle_websockets(url: str, count: int) -> list[socket.socket]:
    """Engine.IO websockets that complete the upgrade, then never answer a ping nor connect a namespace."""
    host, port = url.removeprefix("http://").split(":")
    request = (
        f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    held = [from_attacker(url) for _ in range(count)]
    for sock in held:
        sock.sendall(request)
    for sock in held:
        sock.settimeout(10)
        assert sock.recv(4096).startswith(b"HTTP/1.1 101"), "the websocket upgrade was not accepted"
    return held


def phone_joins(server) -> float:
    """A phone on another address opens the join page, joins table 1 and connects; returns how long it took."""
    started = time.perf_counter()
    assert requests.get(f"{server.url}/join", timeout=5).status_code == 200
    phone = Client(server.url, cookie=join(server.url, server.tables()[0][3]))
    assert phone.state["me"]["table"] == 1
    phone.close()
    return time.perf_counter() - started


def still_open(sock: socket.socket) -> bool:
    """Whether the server still holds this connection (what it sent meanwhile is read and dropped)."""
    sock.setblocking(False)
    try:
        while sock.recv(65536):
            pass
        return False  # an empty read: the server closed it
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def held_by_busiest(server) -> int:
    return requests.get(f"{server.url}/healthz", timeout=5).json()["connections"]["busiest_address"]


def close_all(held):
    for sock in held:
        sock.close()


def test_1030_silent_connections_leave_a_new_phone_able_to_join(door):
    held = silent_connections(door.url, 1030)
    try:
        time.sleep(0.5)
        took = phone_joins(door)
        open_now = sum(still_open(sock) for sock in held)
        print(f"new phone joined in {took:.2f} s while {open_now} silent connections were held")
        assert took < 5, f"a new phone waited {took:.1f} s to join"
        assert open_now >= 1000  # they were really held while the phone joined
    finally:
        close_all(held)


def test_past_the_cap_one_address_hears_event_full(door):
    held = silent_connections(door.url, 1000)  # the cap per address (FACILITATION_MAX_PER_ADDRESS default)
    try:
        deadline = time.time() + 10
        while held_by_busiest(door) < 1000 and time.time() < deadline:
            time.sleep(0.1)
        extra = from_attacker(door.url)
        extra.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        extra.settimeout(5)
        answer = extra.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 503")
        assert "Retry-After: 30" in answer
        assert "The event is full right now" in answer and "L'evento è al completo in questo momento" in answer
        health = requests.get(f"{door.url}/healthz", timeout=5).json()["connections"]
        assert health["refused"] >= 1 and health["busiest_address"] <= 1000
        extra.close()
    finally:
        close_all(held)


def test_silent_connections_are_closed_after_the_idle_timeout(door):
    held = silent_connections(door.url, 50)
    try:
        deadline = time.time() + 15
        while time.time() < deadline and any(still_open(sock) for sock in held):
            time.sleep(0.5)
        assert not any(still_open(sock) for sock in held), "silent connections stayed open past the idle timeout"
    finally:
        close_all(held)


def test_1000_idle_websockets_and_40_silent_sockets_leave_a_new_phone_able_to_join(door):
    websockets = idle_websockets(door.url, 1000)
    held = websockets + silent_connections(door.url, 40)  # past the per-address cap: answered "event full"
    try:
        took = phone_joins(door)
        open_now = sum(still_open(sock) for sock in websockets)
        print(f"new phone joined in {took:.2f} s while {open_now} idle websockets were held")
        assert took < 5
        assert open_now == 1000
    finally:
        close_all(held)


def test_a_connection_that_answers_pings_but_never_joins_the_event_is_closed(door):
    """An Engine.IO client pongs forever, so no timeout ends it; without a Socket.IO connect (or after a
    refused one) it is closed after the idle timeout."""
    import engineio

    client = engineio.Client()
    closed = threading.Event()
    client.on("disconnect", closed.set)
    client.connect(door.url, transports=["websocket"], engineio_path="socket.io")
    try:
        assert not closed.wait(2), "closed before the deadline"
        assert closed.wait(10), "an Engine.IO connection that never joined stayed open"
    finally:
        client.disconnect()


def test_websockets_are_answered_without_compression(door):
    """Browsers offer permessage-deflate; a compressor per phone would cost ~100 KB of memory each, so the
    server answers the upgrade without it (and the Socket.IO clients then send plain frames)."""
    host, port = door.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(
            b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(4096)
    assert head.startswith(b"HTTP/1.1 101") and b"sec-websocket-extensions" not in head.lower()


def test_requests_on_a_kept_alive_connection_are_answered_without_waiting_for_the_clients_acknowledgement(door):
    """A response goes out in more than one write (its head, its body). With Nagle's algorithm on, the second
    waited for the client to acknowledge the first, which clients delay (40 ms on Linux, up to 200 ms on other
    systems): every request after the first on a kept-alive connection took at least 40 ms on loopback. The
    server sends at once (TCP_NODELAY): the same request takes a few milliseconds."""
    host, port = door.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    took = []
    for _ in range(12):
        started = time.monotonic()
        connection.request("GET", "/static/js/client.js")
        answer = connection.getresponse()
        assert answer.status == 200 and answer.read()
        took.append(time.monotonic() - started)
    connection.close()
    assert statistics.median(took[2:]) < 0.030, took  # delayed acknowledgement alone is 40 ms


def test_a_request_head_sent_a_byte_at_a_time_is_closed_by_its_deadline(door):
    """Slowloris: one byte a second kept a connection past every per-read timeout; the head now has a total
    deadline (HEAD_SECONDS) from its first byte, whatever trickles in."""
    sock = from_attacker(door.url)
    started = time.time()
    try:
        for byte in b"GET /join HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 40:
            sock.sendall(bytes([byte]))
            time.sleep(0.5)
            if not still_open(sock):
                break
        took = time.time() - started
        assert not still_open(sock), "a head trickling in a byte at a time kept its connection"
        assert took < HEAD_SECONDS + 4, f"closed after {took:.1f} s"
    finally:
        sock.close()
    assert phone_joins(door) < 5


def test_an_attacker_behind_a_shared_address_cannot_lock_out_the_people_sharing_it(tmp_path):
    """Behind a tunnel every online participant has the same address: an attacker there must not take every
    place with connections that never finish their request. Past the address's share of opening connections,
    the oldest opening one is closed for the newcomer, so honest requests from that same address still get in."""
    server = start_server(tmp_path, env={"FACILITATION_MAX_OPENING_PER_ADDRESS": "50"})
    websockets = idle_websockets(server.url, 40)  # finished requests: held, and not opening
    held = silent_connections(server.url, 80)
    try:
        time.sleep(1)
        assert [still_open(sock) for sock in held] == [False] * 30 + [True] * 50  # the oldest made room
        honest = from_attacker(server.url)  # a participant behind the same address
        honest.settimeout(5)
        honest.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert honest.recv(4096).startswith(b"HTTP/1.1 200")
        honest.close()
        assert sum(still_open(sock) for sock in held) == 49
        assert sum(still_open(sock) for sock in websockets) == 40
        health = requests.get(f"{server.url}/healthz", timeout=5).json()["connections"]
        assert health["opening"] == 49 and health["opening_per_address"] == 50 and health["evicted"] == 31
        assert health["refused"] == 0
        assert phone_joins(server) < 5  # another address is not affected either
    finally:
        close_all(held + websockets)
        stop_server(server)
