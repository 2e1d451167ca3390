"""Screens get coalesced, versioned updates; the sender gets its ack at once."""

from tests.realtime.clients import Client, new_phone

CAPTURE = 2


def test_many_ideas_reach_the_projector_in_few_batched_updates(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    projector = Client(server.url, server.setting("projector_token"))
    phones = [new_phone(server, n % 3) for n in range(30)]
    try:
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        sent = {
            phone.send("idea.add", {"text": f"Batched idea {n}", "axis": "verde"})["idea"]
            for n, phone in enumerate(phones)
        }
        projector.wait_for(lambda u: sent <= {i["id"] for x in projector.updates for i in x.get("ideas", [])})
        with_ideas = [u for u in projector.updates if u.get("ideas")]
        assert len(with_ideas) < 15  # one per tick, not one per idea
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
