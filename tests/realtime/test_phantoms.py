"""Phantom participants (issue 19): with tables' codes open, one device can take seat after seat. The console
flags a table that fills faster than people walk in; the facilitator sees who joined there (numbers, never
names) and takes a phantom out: its seat frees up, its phone is signed out, its dots, poll answers and question
supports go with it, and the log says who did it."""
import time

import pytest
import requests
import socketio

from tests.realtime.clients import Client, join, new_phone, open_vote


def test_the_facilitator_sees_who_joined_at_a_table_and_removes_a_phantom_with_its_dots_and_answers(server):
    themes = open_vote(server, ["Treni serali", "Bus nelle valli"])
    staff = Client(server.url, server.facilitator)
    cookie = join(server.url, server.tables()[0][3])
    honest, phantom = new_phone(server, 0), Client(server.url, cookie=cookie)
    try:
        for phone in (honest, phantom):
            assert phone.send("dot.place", {"theme": themes[0]})["ok"]
        assert phantom.send("dot.place", {"theme": themes[1]})["ok"]
        poll = staff.send("poll.create", {"question": "Da dove arrivi oggi?", "kind": "single",
                                          "options": ["Torino", "Valli"]})["poll"]
        assert staff.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        assert phantom.send("poll.answer", {"poll": poll, "choices": [1]})["ok"]
        assert staff.send("qa.set", {"open": True})["ok"]
        question = honest.send("qa.ask", {"text": "Quando arrivano i treni nuovi in valle?"})["question"]
        assert phantom.send("qa.upvote", {"question": question})["ok"]
        me = phantom.sync()["me"]["participant"]

        listed = staff.sio.call("participants", {"table": 1}, timeout=10)
        assert listed["ok"] and {p["participant"] for p in listed["participants"]} == {
            me, honest.sync()["me"]["participant"]}
        shown = next(p for p in listed["participants"] if p["participant"] == me)
        assert shown["dots"] == 2 and shown["ideas"] == 0 and set(shown) == {
            "participant", "joined_at", "dots", "ideas", "proxied"}  # numbers, never names or tokens
        assert listed["participants"][0]["joined_at"] >= listed["participants"][-1]["joined_at"]  # newest first

        assert honest.send("participant.remove", {"participant": me})["error"]["code"] == "forbidden"
        removed = staff.send("participant.remove", {"participant": me})
        assert removed["ok"] and (removed["dots"], removed["answers"], removed["supports"]) == (2, 1, 1)
        assert staff.send("participant.remove", {"participant": me})["error"]["code"] == "unknown_participant"

        state = staff.wait_for(lambda u: u.get("stats", {}).get("participants") == 1)
        assert state["stats"]["participants"] == 1
        snapshot = staff.sync()
        assert snapshot["tally"]["dots"] == 1 and snapshot["tally"]["voters"] == 1
        assert next(p for p in snapshot["polls"] if p["id"] == poll)["results"]["answers"] == 0
        assert next(q for q in snapshot["questions"] if q["id"] == question)["votes"] == 0
        assert [p["participant"] for p in staff.sio.call("participants", {"table": 1}, timeout=10)[
            "participants"]] == [honest.sync()["me"]["participant"]]

        deadline = time.monotonic() + 5
        while phantom.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not phantom.sio.connected  # its phone is signed out, and its device token no longer opens anything
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(server.url, cookie=cookie)
    finally:
        staff.close()
        honest.close()
    log = requests.get(f"{server.url}/api/log", headers={"Authorization": f"Bearer {server.facilitator}"},
                       timeout=10).json()["entries"]
    entry = next(e for e in log if e["kind"] == "ParticipantRemoved")
    assert entry["actor"] == "facilitator" and entry["data"]["participant"] == me and entry["data"]["dots"] == 2
    exported = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=30).json()
    assert me not in [p["participant"] for p in exported["participants"]] and len(exported["participants"]) == 1
    assert all(vote["participant"] != me for vote in exported["votes"])
