"""Quick polls over real sockets: the room answers once each (changing its mind while open), results reach
the room only when revealed, and screens can change nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.realtime.clients import Client, join


def test_an_opening_check_in_with_30_phones(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    projector = Client(server.url, server.setting("projector_token"))
    tables = [t[3] for t in server.tables() if not t[2]]
    with ThreadPoolExecutor(16) as pool:
        phones = list(
            pool.map(lambda n: Client(server.url, cookie=join(server.url, tables[n % len(tables)])), range(30))
        )
    try:
        poll = facilitator.send(
            "poll.create",
            {
                "question": "Da dove arrivi oggi?",
                "kind": "single",
                "options": ["Torino", "Prima cintura", "Resto del territorio"],
            },
        )["poll"]
        assert phones[0].send("poll.answer", {"poll": poll, "choices": [0]})["error"]["code"] == "unknown_poll"
        assert all(p["id"] != poll for p in projector.sync()["polls"])  # a draft is the team's
        assert facilitator.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        room = projector.wait_for(lambda u: any(p["id"] == poll for p in u.get("polls", [])))
        assert all("results" not in p for p in room["polls"])  # not revealed: no results for the room

        with ThreadPoolExecutor(15) as pool:
            answers = list(
                pool.map(lambda n: phones[n].send("poll.answer", {"poll": poll, "choices": [n % 3]}), range(30))
            )
        assert all(a["ok"] for a in answers)
        assert phones[0].send("poll.answer", {"poll": poll, "choices": [2]})["ok"]  # changed its mind: still one
        assert phones[1].send("poll.answer", {"poll": poll, "choices": [0, 1]})["error"]["code"] == "poll_answer"
        assert phones[0].sync()["me"]["poll_answers"] == {str(poll): [2]}
        assert projector.send("poll.change", {"poll": poll, "revealed": True})["error"]["code"] == "forbidden"
        assert projector.send("poll.answer", {"poll": poll, "choices": [1]})["error"]["code"] == "forbidden"

        assert facilitator.send("poll.change", {"poll": poll, "state": "closed", "revealed": True})["ok"]
        assert phones[2].send("poll.answer", {"poll": poll, "choices": [1]})["error"]["code"] == "poll_not_open"
        shown = projector.wait_for(lambda u: any(p["id"] == poll and "results" in p for p in u.get("polls", [])))
        results = next(p for p in shown["polls"] if p["id"] == poll)["results"]
        assert results == {"counts": [9, 10, 11], "shares": [81.8, 90.9, 100.0], "answers": 30}

        scale = facilitator.send("poll.create", {"question": "Quanto ti è stata utile la giornata?", "kind": "scale"})[
            "poll"
        ]
        assert facilitator.send("poll.change", {"poll": scale, "state": "open"})["ok"]
        for n, phone in enumerate(phones[:4]):
            assert phone.send("poll.answer", {"poll": scale, "choices": [n + 2]})["ok"]
        staff = next(p for p in facilitator.sync()["polls"] if p["id"] == scale)
        assert staff["results"]["mean"] == 3.5 and staff["results"]["counts"] == [0, 1, 1, 1, 1]
        facilitator.send("poll.change", {"poll": scale, "state": "closed"})
    finally:
        for client in (*phones, projector, facilitator):
            client.close()
