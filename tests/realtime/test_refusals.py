"""Bad input gets a clear, translated error and changes nothing; retries never count twice."""

from __future__ import annotations

import pytest
import requests
import socketio

from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client, cid, join, new_phone

CAPTURE = 2


def version(client: Client) -> int:
    return client.sync()["version"]


def test_a_wrong_token_cannot_connect_and_is_told_why(event):
    server, _ = event
    client = socketio.Client(reconnection=False)
    reasons = []
    client.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url, auth={"token": "not-a-token", "lang": "en"}, transports=["websocket"], wait_timeout=5
        )
    assert reasons == [{"message": "This link is not valid for this event. Ask the facilitator for a new one."}]


def test_a_participant_cannot_run_the_event(event):
    server, facilitator = event
    p = new_phone(server)
    before = version(facilitator)
    ack = p.send("vote.open")
    assert ack == {"ok": False, "error": {"code": "forbidden", "message": "Your role cannot do this."}}
    assert version(facilitator) == before
    p.close()


def test_a_scribe_cannot_moderate_another_tables_idea(event):
    server, facilitator = event
    other = new_phone(server, table_index=1)
    idea = other.send("idea.add", {"text": "Bus lanes to the valleys", "axis": "mobilita"})["idea"]
    scribe = Client(server.url, server.tables()[0][4])
    before = version(facilitator)
    assert scribe.send("idea.hide", {"idea": idea})["error"]["code"] == "not_your_table"
    assert version(facilitator) == before
    scribe.close(), other.close()


def test_errors_come_in_the_readers_language(event):
    server, _ = event
    italian = new_phone(server, lang="it")
    ack = italian.send("idea.add", {"text": "x" * 401, "axis": "salute"})
    assert ack["error"]["code"] == "text_too_long"
    assert ack["error"]["message"] == "Il testo è troppo lungo: 401 caratteri, al massimo 400."
    italian.close()


@pytest.mark.parametrize(
    "payload, fields",
    [
        ({"text": "Good idea", "axis": "salute", "cid": "short"}, "cid"),
        ({"text": 42, "axis": "salute"}, "text"),
        ({"text": "Good idea", "axis": "salute", "surprise": 1}, "surprise"),
        ({"text": "Good idea", "axis": "salute", "kind": "rant"}, "kind"),
        ({"text": "y" * 5000, "axis": "salute"}, "text"),
    ],
)
def test_a_malformed_payload_is_refused_naming_the_field(event, payload, fields):
    server, facilitator = event
    p = new_phone(server)
    before = version(facilitator)
    ack = p.sio.call("idea.add", {"cid": cid(), **payload}, timeout=10)
    assert ack["error"]["code"] == "invalid_payload"
    assert fields in ack["error"]["message"]
    assert version(facilitator) == before
    p.close()


def test_a_payload_that_is_not_an_object_is_refused(event):
    server, _ = event
    p = new_phone(server)
    assert p.sio.call("idea.add", "just a string", timeout=10)["error"]["code"] == "invalid_payload"
    p.close()


def test_an_unknown_axis_is_refused(event):
    server, _ = event
    p = new_phone(server)
    assert p.send("idea.add", {"text": "Good idea", "axis": "space"})["error"]["code"] == "unknown_axis"
    p.close()


def test_a_retried_idea_is_counted_once(event):
    server, facilitator = event
    p = new_phone(server, table_index=2)
    client_id = cid()
    first = p.send("idea.add", {"text": "Night buses on weekends", "axis": "mobilita"}, client_id)
    again = p.send("idea.add", {"text": "Night buses on weekends", "axis": "mobilita"}, client_id)
    assert first["ok"] and again["ok"] and again["replayed"] and again["idea"] == first["idea"]
    texts = [i["text"] for i in facilitator.sync()["ideas"]]
    assert texts.count("Night buses on weekends") == 1
    p.close()


def test_a_client_id_reused_for_a_different_request_is_refused(event):
    server, facilitator = event
    p = new_phone(server)
    client_id = cid()
    assert p.send("idea.add", {"text": "Shared school gardens", "axis": "verde"}, client_id)["ok"]
    before = version(facilitator)
    ack = p.send("idea.add", {"text": "Something else entirely", "axis": "verde"}, client_id)
    assert ack["error"]["code"] == "id_reused"
    assert version(facilitator) == before
    p.close()


def test_a_dot_before_the_vote_opens_is_refused(event):
    server, _ = event
    p = new_phone(server)
    assert p.send("dot.place", {"theme": 1})["error"]["code"] == "vote_not_open"
    p.close()


def test_a_client_that_is_current_is_told_so_and_a_stale_one_gets_a_snapshot(event):
    server, facilitator = event
    now = version(facilitator)
    assert facilitator.sync(since=now) == {"ok": True, "version": now, "current": True}
    stale = facilitator.sync(since=now - 1)
    assert stale["version"] == now and "ideas" in stale


def test_the_http_api_applies_the_same_rules(event):
    server, _ = event
    url = f"{server.url}/api/command/vote.open"
    assert requests.post(url, json={"cid": cid()}, timeout=10).status_code == 401
    response = requests.post(url, json={"cid": cid()}, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert response.json()["error"]["code"] == "invalid_token"
    projector = {"Authorization": f"Bearer {server.setting('projector_token')}"}
    response = requests.post(url, json={"cid": cid()}, headers=projector, timeout=10)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    huge = requests.post(
        f"{server.url}/api/command/idea.add",
        data="x" * 100_000,
        headers={"Authorization": f"Bearer {server.facilitator}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert huge.status_code == 413


def test_an_acknowledged_dot_survives_the_server_being_killed(tmp_path):
    server = start_server(tmp_path)
    facilitator = Client(server.url, server.facilitator)
    token = join(server.url, server.tables()[0][3])
    p = Client(server.url, cookie=token)
    facilitator.send("phase.start", {"phase": CAPTURE})
    idea = p.send("idea.add", {"text": "Cycle paths between towns", "axis": "mobilita"})["idea"]
    themes = [
        facilitator.send("theme.create", {"title": t, "ideas": [idea] if t == "Theme A" else []})["theme"]
        for t in ("Theme A", "Theme B")
    ]
    for theme in themes:
        facilitator.send("theme.ballot", {"theme": theme})
    facilitator.send("vote.open")
    assert p.send("dot.place", {"theme": themes[1]})["ok"]
    p.sio.disconnect(), facilitator.close()
    port = int(server.url.rsplit(":", 1)[1])
    server.process.kill()  # no goodbye: an acknowledged dot must already be on disk
    server.process.wait()

    again = start_server(tmp_path, port=port, data_dir=server.data_dir)
    try:
        p = Client(again.url, cookie=token)
        assert p.state["me"]["dots"] == {str(themes[1]): 1}
        assert p.send("dot.place", {"theme": themes[1]})["left"] == 3
        p.close()
    finally:
        stop_server(again)


def test_the_event_log_lists_every_change_in_version_order_for_observers_only(event):
    server, facilitator = event
    p = new_phone(server, table_index=4)
    idea = p.send("idea.add", {"text": "Sportello unico per le imprese", "axis": "digitale"})
    observer = {"Authorization": f"Bearer {server.setting('observer_token')}"}
    entries = requests.get(f"{server.url}/api/log", headers=observer, timeout=10).json()["entries"]
    versions = [e["version"] for e in entries]
    assert versions == sorted(set(versions)) and versions[-1] == idea["version"]
    assert entries[-1]["kind"] == "IdeaAdded" and entries[-1]["data"]["text"] == "Sportello unico per le imprese"
    later = requests.get(f"{server.url}/api/log?since={versions[-2]}", headers=observer, timeout=10).json()
    assert [e["version"] for e in later["entries"]] == [versions[-1]]
    projector = {"Authorization": f"Bearer {server.setting('projector_token')}"}
    assert requests.get(f"{server.url}/api/log", headers=projector, timeout=10).status_code == 403
    p.close()
