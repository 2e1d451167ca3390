"""Identity follows the phone, and a phone cannot flood the server: over real sockets to a real server."""

import time

import requests

from tests.realtime.clients import Client, join


def test_a_table_move_closes_the_old_socket_and_the_phone_comes_back_at_its_new_table(event):
    server, facilitator = event
    tables = server.tables()
    token = join(server.url, tables[3][3])
    phone = Client(server.url, cookie=token)
    assert phone.state["me"]["table"] == 4
    moved = requests.post(
        f"{server.url}/j/{tables[4][3]}", cookies={"facilitation_device": token}, allow_redirects=False, timeout=10
    )
    assert moved.status_code == 303
    deadline = time.time() + 5
    while phone.sio.connected and time.time() < deadline:
        time.sleep(0.05)
    assert not phone.sio.connected, "the old socket kept the old table"
    again = Client(server.url, cookie=token)  # what the page's client does on a server disconnect
    assert again.state["me"]["table"] == 5 and again.state["table"] == 5
    added = again.send("idea.add", {"text": "Una pista ciclabile lungo la Dora", "axis": "mobilita"})
    assert added["ok"]
    ideas = {i["id"]: i for i in facilitator.sync()["ideas"]}
    assert ideas[added["idea"]]["table"] == 5
    again.close()


def test_a_phone_sending_faster_than_a_person_is_slowed_down_and_nothing_refused_counts(event):
    server, facilitator = event
    phone = Client(server.url, cookie=join(server.url, server.tables()[5][3]))
    before = facilitator.sync()["version"]
    answers = [phone.send("profile.set", {"category": "cittadini"}) for _ in range(60)]
    accepted = [a for a in answers if a["ok"]]
    slowed = [a for a in answers if not a["ok"]]
    assert len(accepted) >= 25 and len(slowed) >= 20
    assert {a["error"]["code"] for a in slowed} == {"too_fast"}
    assert slowed[0]["error"]["message"] == "Too many requests at once: wait a few seconds and try again."
    assert facilitator.sync()["version"] == before + len(accepted)
    phone.close()


def test_the_console_sees_who_is_in_the_room_against_the_target_and_the_room_does_not(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    before = facilitator.sync()["seats"]["crowd"]
    counts = {g["id"]: g["joined"] for g in before["categories"]["groups"]}
    phones = [Client(server.url, cookie=join(server.url, server.tables()[n][3])) for n in range(4)]
    try:
        for phone, category in zip(phones, ["cittadini", "cittadini", "cittadini", "istituzioni"], strict=True):
            assert phone.send("profile.set", {"category": category, "zone": "z06"})["ok"]
        update = facilitator.wait_for(
            lambda u: (
                "seats" in u
                and sum(g["joined"] for g in u["seats"]["crowd"]["categories"]["groups"]) == sum(counts.values()) + 4
            )
        )
        groups = {g["id"]: g for g in update["seats"]["crowd"]["categories"]["groups"]}
        assert groups["cittadini"]["joined"] == counts["cittadini"] + 3 and groups["cittadini"]["target"] == 40
        assert groups["stakeholder"]["target"] == 30 and groups["stakeholder"]["share"] is not None
        projector = Client(server.url, server.setting("projector_token"))
        assert "seats" not in projector.state  # counts for the team, not for the room
        projector.close()
    finally:
        for phone in phones:
            phone.close()
        facilitator.close()
