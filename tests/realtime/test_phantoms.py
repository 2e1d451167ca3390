"""Phantom participants (issue 19): with tables' codes open, one device can take seat after seat. The console
flags a table that fills faster than people walk in; the facilitator sees who joined there (numbers, never
names) and takes a phantom out: its seat frees up, its phone is signed out, its dots, poll answers and question
supports go with it, and the log says who did it."""

import time

import pytest
import requests
import socketio

from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client, join, new_phone, open_vote, session_from


def test_the_facilitator_sees_who_joined_at_a_table_and_removes_a_phantom_with_its_dots_and_answers(server):
    themes = open_vote(server, ["Treni serali", "Bus nelle valli"])
    staff = Client(server.url, server.facilitator)
    cookie = join(server.url, server.tables()[0][3])
    honest, phantom = new_phone(server, 0), Client(server.url, cookie=cookie)
    try:
        for phone in (honest, phantom):
            assert phone.send("dot.place", {"theme": themes[0]})["ok"]
        assert phantom.send("dot.place", {"theme": themes[1]})["ok"]
        poll = staff.send(
            "poll.create", {"question": "Da dove arrivi oggi?", "kind": "single", "options": ["Torino", "Valli"]}
        )["poll"]
        assert staff.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        assert phantom.send("poll.answer", {"poll": poll, "choices": [1]})["ok"]
        assert staff.send("qa.set", {"open": True})["ok"]
        question = honest.send("qa.ask", {"text": "Quando arrivano i treni nuovi in valle?"})["question"]
        assert phantom.send("qa.upvote", {"question": question})["ok"]
        me = phantom.sync()["me"]["participant"]

        listed = staff.sio.call("participants", {"table": 1}, timeout=10)
        assert listed["ok"] and {p["participant"] for p in listed["participants"]} == {
            me,
            honest.sync()["me"]["participant"],
        }
        shown = next(p for p in listed["participants"] if p["participant"] == me)
        assert (
            shown["dots"] == 2
            and shown["ideas"] == 0
            and set(shown) == {"participant", "joined_at", "dots", "ideas", "proxied", "phone", "phone_seats"}
        )  # never names or tokens
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
        assert [p["participant"] for p in staff.sio.call("participants", {"table": 1}, timeout=10)["participants"]] == [
            honest.sync()["me"]["participant"]
        ]

        deadline = time.monotonic() + 5
        while phantom.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not phantom.sio.connected  # its phone is signed out, and its device token no longer opens anything
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(server.url, cookie=cookie)
    finally:
        staff.close()
        honest.close()
    log = requests.get(
        f"{server.url}/api/log", headers={"Authorization": f"Bearer {server.facilitator}"}, timeout=10
    ).json()["entries"]
    entry = next(e for e in log if e["kind"] == "ParticipantRemoved")
    assert entry["actor"] == "facilitator" and entry["data"]["participant"] == me and entry["data"]["dots"] == 2
    exported = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=30).json()
    assert me not in [p["participant"] for p in exported["participants"]] and len(exported["participants"]) == 1
    assert all(vote["participant"] != me for vote in exported["votes"])


def test_one_phone_on_the_venues_network_takes_a_persons_share_of_seats_and_no_more(tmp_path):
    """Issue 19 #1: on the venue's Wi-Fi each phone reaching the laptop has an address of its own, so a script
    there dropping its cookie to mint voters is still one phone: it takes SEATS_PER_PHONE seats (2: one more for
    a person whose browser forgot theirs), then is refused in the reader's language. A tunnel's address
    (loopback here) is many people and is not capped so. The staff see which seats one phone took and freeing
    one gives the phone its share back; the count survives a restart (a digest kept in the event's database)."""
    phone_address, tunnel = "127.0.0.2", "127.0.0.1"
    env = {"FACILITATION_PHONE_NETWORKS": f"{phone_address}/32"}  # as 192.168.0.0/16 is on a venue's Wi-Fi
    server = start_server(tmp_path, env=env)
    try:
        codes = [t[3] for t in server.tables() if not t[2]]
        script = session_from(phone_address)
        assert [
            script.post(f"{server.url}/j/{code}", allow_redirects=False, timeout=10).status_code for code in codes[:2]
        ] == [303, 303]
        italian = script.post(f"{server.url}/j/{codes[2]}", allow_redirects=False, timeout=10)
        assert italian.status_code == 409 and "ha già 2 posti" in italian.text  # the plan's first language
        english = script.post(
            f"{server.url}/j/{codes[3]}", allow_redirects=False, timeout=10, headers={"Accept-Language": "en"}
        )
        assert english.status_code == 409 and "already holds 2 seats" in english.text

        # the tunnel's address is everyone online: ten people, ten seats
        assert {
            session_from(tunnel).post(f"{server.url}/j/{code}", allow_redirects=False, timeout=10).status_code
            for code in codes[4:14]
        } == {303}
        # a phone that keeps its cookie moves table: the same seat, not a new one
        browser = session_from("127.0.0.3", keep_cookies=True)
        assert browser.post(f"{server.url}/j/{codes[0]}", allow_redirects=False, timeout=10).status_code == 303
        assert browser.post(f"{server.url}/j/{codes[1]}", allow_redirects=False, timeout=10).status_code == 303

        staff = Client(server.url, server.facilitator)
        try:
            listed = staff.sio.call("participants", {"table": 1}, timeout=10)["participants"]
            assert [(p["phone"], p["phone_seats"]) for p in listed] == [(1, 2)]  # its other seat: table 2
            at_two = staff.sio.call("participants", {"table": 2}, timeout=10)["participants"]
            assert sorted((p["phone"] or 0, p["phone_seats"] or 0) for p in at_two) == [(0, 0), (1, 2)]
            snapshot = staff.sync()
            assert snapshot["stats"]["participants"] == 2 + 10 + 1
            assert [t["refused"] for t in snapshot["seats"]["tables"][2:4]] == [1, 1]  # on the console
            assert staff.send("participant.remove", {"participant": listed[0]["participant"]})["ok"]
        finally:
            staff.close()
        assert script.post(f"{server.url}/j/{codes[2]}", allow_redirects=False, timeout=10).status_code == 303
        assert script.post(f"{server.url}/j/{codes[3]}", allow_redirects=False, timeout=10).status_code == 409
    finally:
        stop_server(server)

    server = start_server(tmp_path, env=env, data_dir=server.data_dir)
    try:
        again = session_from(phone_address).post(f"{server.url}/j/{codes[5]}", allow_redirects=False, timeout=10)
        assert again.status_code == 409 and "ha già 2 posti" in again.text
    finally:
        stop_server(server)
