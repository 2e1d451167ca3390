"""Screens get coalesced, versioned updates; the sender gets its ack at once."""

from concurrent.futures import ThreadPoolExecutor

from tests.realtime.clients import Client, new_phone

CAPTURE = 2


def test_many_ideas_reach_the_projector_in_few_batched_updates(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    projector = Client(server.url, server.setting("projector_token"))
    phones = [new_phone(server, n % 3) for n in range(30)]
    try:
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        # the thirty phones send at once (one after the other, each slower than a tick on a busy machine, they
        # would each get a tick of their own whatever the server did)
        with ThreadPoolExecutor(len(phones)) as pool:
            sent = set(
                pool.map(
                    lambda n: phones[n].send("idea.add", {"text": f"Batched idea {n}", "axis": "verde"})["idea"],
                    range(len(phones)),
                )
            )
        projector.wait_for(lambda u: sent <= {i["id"] for x in projector.updates for i in x.get("ideas", [])})
        with_ideas = [u for u in projector.updates if u.get("ideas")]
        # one update per tick, carrying what came since the last, not one per idea
        assert len(with_ideas) < len(sent) and max(len(u["ideas"]) for u in with_ideas) > 1
        versions = [u["version"] for u in projector.updates]
        assert versions == sorted(versions)
    finally:
        for client in [facilitator, projector, *phones]:
            client.close()


def test_a_phone_hears_its_own_tables_ideas_and_not_the_others(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": CAPTURE})
    here, there = new_phone(server, 7), new_phone(server, 8)
    try:
        idea = there.send("idea.add", {"text": "Only for table nine", "axis": "salute"})["idea"]
        mine = here.send("idea.add", {"text": "Only for table eight", "axis": "salute"})["idea"]
        here.wait_for(lambda u: any(i["id"] == mine for i in u.get("ideas", [])))
        facilitator.wait_for(lambda u: any(i["id"] == idea for i in u.get("ideas", [])))
        assert all(i["id"] != idea for u in here.updates for i in u.get("ideas", []))
    finally:
        for client in (facilitator, here, there):
            client.close()
