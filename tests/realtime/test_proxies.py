"""Paper ballots over real sockets: a table facilitator casts the dots of table members without a phone,
each counted once, only at its own table, and the export marks them as proxied."""

from __future__ import annotations

import requests

from tests.realtime.clients import Client, cid, new_phone


def test_a_table_facilitator_casts_paper_ballots_for_its_own_table_only(shared_server):
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    scribe = Client(server.url, server.tables()[3][4])  # table 4
    other = Client(server.url, server.tables()[4][4])  # table 5
    phone = new_phone(server, table_index=3)
    try:
        themes = [facilitator.send("theme.create", {"title": f"Priorità cartacea {n}"})["theme"] for n in range(2)]
        for theme in themes:
            facilitator.send("theme.ballot", {"theme": theme})
        if facilitator.sync()["control"]["vote"]["state"] != "open":
            assert facilitator.send("vote.open")["ok"]
        paper = scribe.send("proxy.add")["participant"]
        assert phone.send("proxy.add")["error"]["code"] == "forbidden"
        once = cid()
        first = scribe.send("dot.place", {"theme": themes[0], "proxy": paper}, client_id=once)
        again = scribe.send("dot.place", {"theme": themes[0], "proxy": paper}, client_id=once)  # a retry
        assert first["ok"] and again["replayed"] and first["dots"] == {str(themes[0]): 1}
        assert scribe.send("dot.place", {"theme": themes[1], "proxy": paper})["left"] == 3
        assert other.send("dot.place", {"theme": themes[0], "proxy": paper})["error"]["code"] == "not_your_table"
        me = phone.sync()["me"]["participant"]
        assert scribe.send("dot.place", {"theme": themes[0], "proxy": me})["error"]["code"] == "not_your_table"
        assert phone.send("dot.place", {"theme": themes[0], "proxy": paper})["error"]["code"] == "forbidden"
        listed = scribe.sio.call("proxies", {}, timeout=10)
        assert listed["proxies"] == [{"participant": paper, "dots": {str(themes[0]): 1, str(themes[1]): 1}, "left": 3}]
        export = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=10).json()
        votes = [v for v in export["votes"] if v["participant"] == paper]
        assert len(votes) == 2 and all(v["proxied"] for v in votes)
        assert {p["participant"]: p["proxied"] for p in export["participants"]}[me] is False
    finally:
        for client in (facilitator, scribe, other, phone):
            client.close()
