"""Whatever a client sends — an unknown event, extra arguments, a 'connect' of its own, a wrong type, a field its
role may not set — gets an answer with a code, and changes nothing."""

from __future__ import annotations

import time

import pytest
import requests

from tests.realtime.clients import cid, new_phone


def refused(reply: dict, code: str) -> bool:
    return reply["ok"] is False and reply["error"]["code"] == code and reply["error"]["message"]


def test_an_unknown_event_is_answered_unknown_command(event):
    server, facilitator = event
    before = facilitator.sync()["version"]
    assert refused(facilitator.sio.call("idea.destroy_everything", {"cid": cid()}, timeout=5), "unknown_command")
    assert refused(facilitator.sio.call("", None, timeout=5), "unknown_command")
    # names the Socket.IO libraries treat specially (found by tests/realtime/test_fuzz.py)
    assert refused(facilitator.sio.call("*", timeout=5), "unknown_command")
    assert refused(facilitator.sio.call("*", ("a", "b"), timeout=5), "unknown_command")
    assert refused(facilitator.sio.call("disconnect", ([], []), timeout=5), "unknown_command")
    assert facilitator.sio.connected
    assert facilitator.sync()["version"] == before


def test_a_command_with_two_arguments_is_answered_invalid_payload(event):
    server, facilitator = event
    before = facilitator.sync()["version"]
    reply = facilitator.sio.call("idea.add", ({"cid": cid(), "text": "Two args", "axis": "salute"}, "extra"), timeout=5)
    assert refused(reply, "invalid_payload") and "payload" in reply["error"]["message"]
    assert refused(facilitator.sio.call("sync", ({}, 1), timeout=5), "invalid_payload")
    assert facilitator.sync()["version"] == before


def test_a_non_object_payload_is_named_as_such(event):
    server, facilitator = event
    for payload in ([1, 2], "text", 7, None):
        reply = facilitator.sio.call("idea.add", payload, timeout=5)
        assert refused(reply, "invalid_payload") and reply["error"]["message"].endswith("(check: payload).")


def test_a_client_sent_connect_event_is_answered_and_grants_nothing(event):
    server, _ = event
    phone = new_phone(server)
    try:
        reply = phone.sio.call("connect", {"token": "whatever"}, timeout=5)
        assert refused(reply, "unknown_command")
        assert refused(phone.send("phase.start", {"phase": 0}), "forbidden")  # still a phone
    finally:
        phone.close()


@pytest.mark.parametrize(
    "name, payload",
    [
        ("idea.hide", {"idea": True}),
        ("idea.hide", {"idea": "1"}),
        ("idea.hide", {"idea": 1.0}),
        ("idea.hide", {"idea": 1, "hidden": "yes"}),
        ("idea.hide", {"idea": 1, "hidden": 1}),
        ("theme.ballot", {"theme": 1, "on_ballot": "true"}),
        ("idea.add", {"text": 42, "axis": "salute"}),
        ("idea.add", {"text": "Numbers as axis", "axis": 3}),
        ("phase.start", {"phase": "2"}),
        ("vote.reveal", {"revealed": 0}),
    ],
)
def test_wrong_types_are_refused_not_coerced(event, name, payload):
    server, facilitator = event
    before = facilitator.sync()["version"]
    reply = facilitator.send(name, payload)
    assert refused(reply, "invalid_payload"), reply
    assert facilitator.sync()["version"] == before


def test_a_phone_may_not_choose_the_table_of_its_idea(event):
    server, facilitator = event
    phone = new_phone(server)
    try:
        before = facilitator.sync()["version"]
        reply = phone.send("idea.add", {"text": "Placed at another table", "axis": "salute", "table": 5})
        assert refused(reply, "invalid_payload") and "table" in reply["error"]["message"]
        assert facilitator.sync()["version"] == before
    finally:
        phone.close()


def test_deeply_nested_json_over_http_gets_a_json_refusal(event):
    server, facilitator = event
    body = "[" * 20000 + "]" * 20000
    response = requests.post(
        f"{server.url}/api/command/idea.add",
        data=body,
        timeout=10,
        headers={"Authorization": f"Bearer {server.facilitator}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_payload"


def test_an_oversize_http_command_gets_a_json_refusal(event):
    server, _ = event
    response = requests.post(
        f"{server.url}/api/command/idea.add",
        json={"text": "x" * 70000},
        timeout=10,
        headers={"Authorization": f"Bearer {server.facilitator}"},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_a_socket_message_over_the_size_limit_closes_that_connection_and_changes_nothing(event):
    """Past FACILITATION_MAX_MESSAGE_BYTES (64 KiB) a message is not read: its connection is closed (the client
    reconnects and resyncs); nothing is stored, and other screens carry on."""
    server, facilitator = event
    phone = new_phone(server)
    before = facilitator.sync()["version"]
    disconnected = []
    phone.sio.on("disconnect", lambda *args: disconnected.append(True))
    phone.sio.emit("idea.add", {"cid": cid(), "text": "x" * 70_000, "axis": "verde"})
    deadline = time.time() + 10
    while not disconnected and time.time() < deadline:
        time.sleep(0.1)
    assert disconnected
    assert facilitator.sync()["version"] == before
