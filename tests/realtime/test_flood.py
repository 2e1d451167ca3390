"""A socket's cost is bounded before its message is read (issue 18): a flood of large messages, with or without
a token, is refused unread, the room keeps voting, and the log gets a line per source, not a traceback each."""

from __future__ import annotations

import json
import time

import requests
import websocket

from tests.realtime.clients import Client, join, open_vote

BIG = "x" * 60_000


def raw_socket(server, token: str | None = None, cookie: str | None = None) -> websocket.WebSocket:
    """A Socket.IO connection spoken by hand, as a script would: the Engine.IO handshake, then (with a token
    or a phone's cookie) the namespace's CONNECT."""
    ws = websocket.create_connection(
        server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
        timeout=10,
        cookie=f"facilitation_device={cookie}" if cookie else None,
    )
    assert ws.recv().startswith("0")
    if token or cookie:
        ws.send("40" + json.dumps({"token": token} if token else {}))
        assert ws.recv().startswith("40")
    return ws


def answers(ws: websocket.WebSocket, seconds: float) -> list[str]:
    """Everything the server sent within `seconds` (pings answered)."""
    got, deadline = [], time.time() + seconds
    ws.settimeout(0.2)
    while time.time() < deadline:
        try:
            message = ws.recv()
        except websocket.WebSocketTimeoutException:
            continue
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            got.append("closed")
            break
        if message == "2":
            ws.send("3")
        else:
            got.append(message)
    return got


def flood(ws: websocket.WebSocket, count: int, ack: bool = False) -> int:
    sent = 0
    try:
        for n in range(count):
            if ack:  # an Engine.IO message (4) holding a Socket.IO event (2) that asks for answer n
                ws.send(f"42{n}" + json.dumps(["idea.add", {"cid": f"c{n}", "text": BIG}]))
            else:
                ws.send("42" + json.dumps(["x", BIG]))
            sent += 1
    except (websocket.WebSocketConnectionClosedException, ConnectionError, BrokenPipeError):
        pass
    return sent


def test_a_flood_without_a_token_is_refused_unread_and_closed(server):
    ws = raw_socket(server)
    flood(ws, 400)
    assert "closed" in answers(ws, 5)
    health = requests.get(server.url + "/healthz", timeout=5).json()
    assert health["ok"]
    log = server.log_path.read_text()
    assert "Traceback" not in log
    assert 1 <= log.count("refused unread") <= 4  # a line at 1, 10, 100: counted, not written each time


def test_a_socket_that_sends_an_event_before_joining_is_closed_at_its_first_message(server):
    """A Socket.IO client holds its messages until it is connected: anything but CONNECT from a socket that has
    not joined is a script's. It used to be refused a hundred times (each read) before the connection closed."""
    ws = raw_socket(server)
    ws.send("42" + json.dumps(["idea.add", {"cid": "c1", "text": "x" * 1000}]))
    got = answers(ws, 3)
    assert "closed" in got and not [m for m in got if m.startswith("4")], got  # closed, nothing answered
    assert requests.get(server.url + "/healthz", timeout=5).json()["ok"]


def test_a_phone_sending_a_message_larger_than_any_command_gets_too_large_and_is_closed_at_once(server):
    """Nothing a phone sends is longer than an idea of 4,000 characters: a 60,000-character message is a
    script's. It is answered `too_large` unread, in the phone's language, and its connection closed, so a flood
    of them costs one message per connection."""
    themes = open_vote(server, ["Treni", "Bus", "Piste"])
    voter = Client(server.url, cookie=join(server.url, server.tables()[1][3]))
    ws = raw_socket(server, cookie=join(server.url, server.tables()[0][3]))
    flood(ws, 300, ack=True)
    got = answers(ws, 3)
    errors = [json.loads(m[m.index("[") :])[0]["error"] for m in got if m.startswith("43")]
    assert [e["code"] for e in errors] == ["too_large"]
    assert errors[0]["message"] == "La richiesta è troppo grande."  # in the demo's first language
    assert "closed" in got
    ack = voter.send("dot.place", {"theme": themes[0]})
    assert ack["ok"], ack
    staff = Client(server.url, server.facilitator)
    assert staff.state["stats"]["ideas"] == 0  # nothing of the flood was taken
    voter.close()
    staff.close()
    assert "Traceback" not in server.log_path.read_text()


def test_a_phone_sending_many_small_messages_gets_too_fast_unread_then_is_closed(server):
    ws = raw_socket(server, cookie=join(server.url, server.tables()[0][3]))
    try:
        for n in range(400):
            ws.send(f"42{n}" + json.dumps(["idea.add", {"cid": f"c{n}", "text": "x" * 1000}]))
    except (websocket.WebSocketConnectionClosedException, ConnectionError, BrokenPipeError):
        pass
    got = answers(ws, 3)
    codes = {json.loads(m[m.index("[") :])[0]["error"]["code"] for m in got if m.startswith("43")}
    assert "too_fast" in codes and codes <= {"too_fast", "invalid_payload", "ideas_closed"}, codes
    assert "closed" in got


def test_malformed_messages_write_one_line_per_source_not_a_traceback_each(server):
    ws = raw_socket(server, token=server.facilitator)  # trusted: every message is read and fails
    for n in range(50):
        ws.send('42["sync", {"since": ' + "[" * 3 + f"{n}")  # cut JSON
        ws.send("49bogus")  # an unknown Socket.IO packet type
    assert requests.get(server.url + "/healthz", timeout=5).json()["ok"]
    time.sleep(1)
    log = server.log_path.read_text()
    assert "Traceback" not in log
    assert 1 <= log.count("could not be handled") <= 4, log[-3000:]


def rss_mb(pid: int) -> float:
    status = open(f"/proc/{pid}/status").read()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def test_a_socket_that_never_stops_sending_is_cut_and_the_server_does_not_grow(server):
    """Under gevent, simple-websocket read a connection as fast as the client sent, into a list nobody emptied
    once the socket was refused, and its close could be undone by its reading thread (a race, lost about one
    time in three): one phone sending 64 KB messages without pause grew the server by 100 MB a second until
    the kernel killed it. Now the server reads only as fast as it handles, and cuts the socket every time."""
    before = rss_mb(server.process.pid)
    cookie = join(server.url, server.tables()[0][3])
    for attempt in range(8):
        ws = raw_socket(server, cookie=cookie)
        started, sent = time.time(), 0
        try:
            while time.time() - started < 4:
                ws.send("42" + json.dumps(["idea.add", {"text": BIG}]))
                sent += 1
        except (websocket.WebSocketException, OSError):
            pass
        cut_after = time.time() - started
        assert cut_after < 3, f"attempt {attempt}: still sending after {cut_after:.1f} s ({sent} messages)"
        ws.close()
    assert rss_mb(server.process.pid) - before < 50
    assert requests.get(server.url + "/healthz", timeout=5).json()["ok"]
