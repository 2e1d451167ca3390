"""Pre-moderation of ideas over real sockets: the room sees a held idea only once a moderator approves it."""

from __future__ import annotations

from tests.realtime.clients import Client, new_phone


def test_held_ideas_reach_the_room_only_once_approved(event):
    server, facilitator = event
    projector = Client(server.url, server.setting("projector_token"))
    scribe = Client(server.url, server.tables()[0][4])
    phone = new_phone(server)  # table 1
    try:
        assert facilitator.send("ideas.moderation", {"premoderated": True})["ok"]
        held = phone.send("idea.add", {"text": "Un parcheggio per bici alla stazione", "axis": "mobilita"})
        assert held["ok"] and held["held"]
        words = facilitator.send("ideas.moderation", {"premoderated": False})
        assert words["ok"]
        rude = phone.send("idea.add", {"text": "Questo traffico è una merda, più treni", "axis": "mobilita"})
        assert rude["held"]  # a held word waits for review even without pre-moderation
        fine = phone.send("idea.add", {"text": "Più treni la domenica", "axis": "mobilita"})
        assert not fine["held"]

        room = {i["id"] for i in projector.sync()["ideas"]}
        assert fine["idea"] in room and held["idea"] not in room and rude["idea"] not in room
        staff = {i["id"]: i for i in facilitator.sync()["ideas"]}
        assert staff[held["idea"]]["held"] and staff[rude["idea"]]["held"]
        assert {i["id"]: i for i in scribe.sync()["ideas"]}[held["idea"]]["held"]  # the table's facilitator sees it

        assert scribe.send("idea.approve", {"idea": held["idea"]})["ok"]  # its own table
        projector.wait_for(lambda u: any(i["id"] == held["idea"] and not i.get("gone") for i in u.get("ideas", [])))
        assert projector.send("idea.approve", {"idea": rude["idea"]})["error"]["code"] == "forbidden"
        assert rude["idea"] not in {i["id"] for i in projector.sync()["ideas"]}
    finally:
        for client in (projector, scribe, phone):
            client.close()
