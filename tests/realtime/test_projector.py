"""The facilitator chooses what the room's projector shows; only the facilitator can, and bad choices change
nothing."""

from __future__ import annotations

import time

from tests.realtime.clients import Client, new_phone


def test_the_facilitators_choice_reaches_the_projector_and_the_message_is_kept(event):
    server, facilitator = event
    projector = Client(server.url, server.setting("projector_token"))
    assert projector.state["control"]["projector"] == {"screen": "auto", "shown": "wall", "message": "", "poll": None}
    answer = facilitator.send(
        "projector.show", {"screen": "message", "message": "  Pausa caffè:\n  si riprende alle 11  "}
    )
    assert answer["ok"] and answer["screen"] == "message"
    update = projector.wait_for(lambda u: (u.get("control") or {}).get("projector", {}).get("screen") == "message")
    assert update["control"]["projector"]["message"] == "Pausa caffè:\nsi riprende alle 11"
    assert facilitator.send("projector.show", {"screen": "wall"})["ok"]  # the message stays for later
    projector.wait_for(lambda u: (u.get("control") or {}).get("projector", {}).get("screen") == "wall")
    again = Client(server.url, server.setting("projector_token"))  # a projector that reconnects sees the same
    assert again.state["control"]["projector"] == {
        "screen": "wall",
        "shown": "wall",
        "poll": None,
        "message": "Pausa caffè:\nsi riprende alle 11",
    }
    assert facilitator.send("projector.show", {"screen": "auto"})["ok"]
    for client in (projector, again):
        client.close()


def test_only_the_facilitator_chooses_and_bad_choices_change_nothing(event):
    server, facilitator = event
    theme_team = Client(server.url, server.setting("theme_token"))
    phone = new_phone(server)
    before = facilitator.sync()["control"]["projector"]
    assert theme_team.send("projector.show", {"screen": "blank"})["error"]["code"] == "forbidden"
    assert phone.send("projector.show", {"screen": "blank"})["error"]["code"] == "forbidden"
    refused = facilitator.send("projector.show", {"screen": "cinema"})
    assert refused["error"]["code"] == "invalid_payload" and "screen" in refused["error"]["message"]
    too_long = facilitator.send("projector.show", {"screen": "message", "message": "x" * 281})
    assert too_long["error"]["code"] == "text_too_long"
    if not before["message"]:
        assert facilitator.send("projector.show", {"screen": "message"})["error"]["code"] == "message_needed"
    assert facilitator.sync()["control"]["projector"] == before
    for client in (theme_team, phone):
        client.close()


def test_what_the_room_sees_is_decided_once_by_the_server_and_follows_the_day(server):
    """`shown` is the screen the room sees: the facilitator's choice, or on "auto" what the moment calls for.
    Every screen (projector, console, phones) reads it from the same place."""
    facilitator = Client(server.url, server.facilitator)
    phone = new_phone(server)

    def shown(client=facilitator) -> str:
        return client.sync()["control"]["projector"]["shown"]

    try:
        assert shown() == "join"  # before the event starts
        assert facilitator.send("phase.start", {"phase": 1})["ok"]
        assert shown() == "prompt"  # a plenary: its prompt
        assert facilitator.send("phase.start", {"phase": 2})["ok"]
        assert shown() == "wall"  # capture: the ideas coming in
        assert facilitator.send("phase.start", {"phase": 3})["ok"]
        assert shown() == "themes"
        poll = facilitator.send(
            "poll.create", {"question": "Da dove arrivi?", "kind": "single", "options": ["Torino", "Cintura"]}
        )["poll"]
        assert shown() == "themes"  # a draft poll is not on screen
        assert facilitator.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        assert shown() == "poll" and shown(phone) == "poll"
        assert facilitator.send("poll.change", {"poll": poll, "state": "closed"})["ok"]
        assert shown() == "themes"  # closed, results not shown: the room goes back to the moment's screen
        assert facilitator.send("poll.change", {"poll": poll, "revealed": True})["ok"]
        assert shown() == "poll"  # results just shown: they stay up until the event moves on
        assert facilitator.send("qa.set", {"open": True})["ok"]
        assert shown() == "questions"  # the event moved on: Q&A opened
        assert facilitator.send("phase.start", {"phase": 4})["ok"]
        assert shown() == "questions"
        assert facilitator.send("qa.set", {"open": False})["ok"]
        assert shown() == "prompt"  # a voting phase before the vote opens: its prompt
        themes = [facilitator.send("theme.create", {"title": f"Tema {n}", "axis": "verde"})["theme"] for n in range(2)]
        for theme in themes:
            assert facilitator.send("theme.ballot", {"theme": theme})["ok"]
        assert facilitator.send("vote.open")["ok"]
        assert shown() == "progress" and shown(phone) == "progress"
        assert facilitator.send("vote.close")["ok"]
        assert shown() == "progress"  # closed, not revealed
        assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
        assert shown() == "results" and shown(phone) == "results"
        assert facilitator.send("projector.show", {"screen": "blank"})["ok"]  # the facilitator's choice wins
        assert shown() == "blank" and shown(phone) == "blank"
        assert facilitator.send("projector.show", {"screen": "auto"})["ok"]
        update = phone.wait_for(lambda u: (u.get("control") or {}).get("projector", {}).get("shown") == "results")
        assert update["control"]["projector"]["screen"] == "auto"  # phones are told as it changes
    finally:
        facilitator.close()
        phone.close()


def _room(client: Client, until, seconds: float = 5.0) -> dict:
    """The room's screen as a phone reads it (`room`), asked again until `until(answer)` (it is read at most
    once a second, for every phone at once)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = client.sio.call("room", {}, timeout=10)
        assert answer["ok"], answer
        if until(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def test_a_phone_reads_the_room_screen_wall_from_every_table_but_never_a_hidden_idea(event):
    server, facilitator = event
    phone = new_phone(server, table_index=0)
    try:
        ideas = [
            facilitator.send("idea.add", {"text": f"Idea dal tavolo 2, numero {n}", "axis": "verde", "table": 2})[
                "idea"
            ]
            for n in range(3)
        ]
        assert facilitator.send("idea.star", {"idea": ideas[0]})["ok"]
        assert facilitator.send("idea.hide", {"idea": ideas[2]})["ok"]
        answer = _room(phone, lambda a: any(i["id"] == ideas[1] for i in a["wall"]))
        wall = {i["id"]: i for i in answer["wall"]}
        assert wall[ideas[1]]["text"] == "Idea dal tavolo 2, numero 1" and wall[ideas[1]]["table"] == 2
        assert answer["wall"][0]["id"] == ideas[0] and answer["wall"][0]["starred"]  # the starred first
        assert ideas[2] not in wall  # hidden: not on the wall, its text never sent
        assert "numero 2" not in str(answer)
        assert answer["axes"]["verde"] >= 2 and answer["ideas"] >= 2 and answer["participants"] >= 1
        # the themes forming, the most gathered first, each with its bar (a share of the longest)
        themes = [facilitator.send("theme.create", {"title": f"Tema {n}", "axis": "verde"})["theme"] for n in range(3)]
        assert facilitator.send("theme.group", {"idea": ideas[0], "theme": themes[2]})["ok"]
        assert facilitator.send("theme.group", {"idea": ideas[1], "theme": themes[2]})["ok"]
        answer = _room(phone, lambda a: a["themes"] and a["themes"][0]["ideas"] == 2)
        assert answer["themes"] == [
            {"theme": themes[2], "ideas": 2, "share": 100.0},
            {"theme": themes[0], "ideas": 0, "share": 0.0},
            {"theme": themes[1], "ideas": 0, "share": 0.0},
        ]
        assert phone.sio.call("room", {"x": "y" * 20_000}, timeout=10)["ok"] is False  # a script's: refused
    finally:
        phone.close()
