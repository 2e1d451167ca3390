"""Q&A over real sockets: a launch where 40 phones ask and upvote, moderation before and after, and screens
that can change nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.realtime.clients import Client, join


def phones(server, count: int) -> list[Client]:
    tables = [t[3] for t in server.tables() if not t[2]]
    with ThreadPoolExecutor(16) as pool:
        cookies = list(pool.map(lambda n: join(server.url, tables[n % len(tables)]), range(count)))
        return list(pool.map(lambda cookie: Client(server.url, cookie=cookie), cookies))


def test_a_launch_where_40_phones_ask_and_upvote(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    projector = Client(server.url, server.setting("projector_token"))
    crowd = phones(server, 40)
    try:
        assert crowd[0].send("qa.ask", {"text": "Quando parte il bando?"})["error"]["code"] == "questions_closed"
        assert facilitator.send("qa.set", {"open": True})["ok"]
        asked = [
            crowd[n].send(
                "qa.ask", {"text": f"Domanda numero {n} sul piano strategico", **({"name": "Anna"} if n == 0 else {})}
            )
            for n in range(10)
        ]
        assert all(a["ok"] and a["status"] == "shown" for a in asked)
        ids = [a["question"] for a in asked]

        def upvote(n: int) -> list[dict]:  # phone n supports questions 0..(n % 5)
            return [crowd[n].send("qa.upvote", {"question": ids[k]}) for k in range(n % 5 + 1)]

        with ThreadPoolExecutor(20) as pool:
            answers = [a for group in pool.map(upvote, range(40)) for a in group]
        assert all(a["ok"] for a in answers)
        again = crowd[4].send("qa.upvote", {"question": ids[0]})
        assert again["error"]["code"] == "already_upvoted"  # once each
        assert crowd[4].send("qa.upvote", {"question": ids[0], "up": False})["votes"] == 39  # taken back

        expected = {ids[k]: sum(1 for n in range(40) if n % 5 >= k) for k in range(5)}
        expected[ids[0]] -= 1
        update = projector.wait_for(
            lambda u: "questions" in u and {q["id"]: q["votes"] for q in u["questions"]}.get(ids[4]) == expected[ids[4]]
        )
        room = update["questions"]
        assert [q["id"] for q in room[:5]] == ids[:5]  # by upvotes
        assert room[0]["name"] == "Anna" and all("author" not in q and "status" not in q for q in room)
        assert crowd[4].sync()["me"]["upvoted"] == sorted(ids[1:5])
        # the projector and observers can change nothing
        observer = Client(server.url, server.setting("observer_token"))
        for screen in (projector, observer):
            assert screen.send("qa.moderate", {"question": ids[1], "status": "hidden"})["error"]["code"] == "forbidden"
            assert screen.send("qa.ask", {"text": "Una domanda dal proiettore"})["error"]["code"] == "forbidden"
        observer.close()
    finally:
        for client in (*crowd, projector):
            client.close()
        facilitator.send("qa.set", {"open": False})
        facilitator.close()


def test_pre_moderated_questions_reach_the_room_only_once_approved(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    projector = Client(server.url, server.setting("projector_token"))
    phone, other = phones(server, 2)
    try:
        assert facilitator.send("qa.set", {"open": True, "premoderated": True})["ok"]
        asked = phone.send("qa.ask", {"text": "Ci saranno fondi per i piccoli comuni?"})
        assert asked["status"] == "pending"
        staff_view = facilitator.wait_for(lambda u: any(q["id"] == asked["question"] for q in u.get("questions", [])))
        assert next(q for q in staff_view["questions"] if q["id"] == asked["question"])["status"] == "pending"
        assert all(q["id"] != asked["question"] for q in projector.sync()["questions"])
        assert other.send("qa.upvote", {"question": asked["question"]})["error"]["code"] == "unknown_question"

        assert facilitator.send("qa.moderate", {"question": asked["question"], "status": "shown", "pinned": True})["ok"]
        shown = projector.wait_for(lambda u: any(q["id"] == asked["question"] for q in u.get("questions", [])))
        assert shown["questions"][0]["id"] == asked["question"] and shown["questions"][0]["pinned"]
        assert facilitator.send(
            "qa.moderate", {"question": asked["question"], "answered": True, "speaker": "Assessora alla mobilità"}
        )["ok"]
        answered = next(q for q in projector.sync()["questions"] if q["id"] == asked["question"])
        assert answered["answered"] and answered["speaker"] == "Assessora alla mobilità"
        assert facilitator.send("qa.moderate", {"question": asked["question"], "status": "hidden"})["ok"]
        assert all(q["id"] != asked["question"] for q in projector.sync()["questions"])
    finally:
        facilitator.send("qa.set", {"open": False, "premoderated": False})
        for client in (facilitator, projector, phone, other):
            client.close()
