"""The facilitator chooses what the room's projector shows; only the facilitator can, and bad choices change
nothing."""
from __future__ import annotations

from tests.realtime.clients import Client, new_phone


def test_the_facilitators_choice_reaches_the_projector_and_the_message_is_kept(event):
    server, facilitator = event
    projector = Client(server.url, server.setting("projector_token"))
    assert projector.state["control"]["projector"] == {"screen": "auto", "message": "", "poll": None}
    answer = facilitator.send("projector.show",
                              {"screen": "message", "message": "  Pausa caffè:\n  si riprende alle 11  "})
    assert answer["ok"] and answer["screen"] == "message"
    update = projector.wait_for(lambda u: (u.get("control") or {}).get("projector", {}).get("screen") == "message")
    assert update["control"]["projector"]["message"] == "Pausa caffè:\nsi riprende alle 11"
    assert facilitator.send("projector.show", {"screen": "wall"})["ok"]  # the message stays for later
    projector.wait_for(lambda u: (u.get("control") or {}).get("projector", {}).get("screen") == "wall")
    again = Client(server.url, server.setting("projector_token"))  # a projector that reconnects sees the same
    assert again.state["control"]["projector"] == {"screen": "wall", "message": "Pausa caffè:\nsi riprende alle 11",
                                                 "poll": None}
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
