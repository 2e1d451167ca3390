"""Two events on one server (issue 22): each its own database, secrets, join codes, writer, rate limits and
screens' rooms. A phone, a token or a burst on one never reaches the other."""

import requests

from tests.conftest import DEMO_PLAN, start_server, stop_server
from tests.realtime.clients import Client, join


def test_two_events_live_at_once_never_touch(tmp_path):
    other_plan = tmp_path / "launch.toml"  # the same agenda under another id: phases line up, data must not
    other_plan.write_text(
        DEMO_PLAN.read_text(encoding="utf-8").replace('id = "psm-torino-2024"', 'id = "lancio-b"'), encoding="utf-8"
    )
    server = start_server(tmp_path, more=(other_plan,))
    a, b = server, server.other("lancio-b")
    try:
        health = requests.get(f"{server.url}/healthz", timeout=10).json()
        assert health["events"] == ["psm-torino-2024", "lancio-b"]
        codes_a = {t[3] for t in a.tables()} | {a.setting("online_code")}
        codes_b = {t[3] for t in b.tables()} | {b.setting("online_code")}
        assert not codes_a & codes_b and a.facilitator != b.facilitator  # codes unique across the server

        staff_a, staff_b = Client(a.url, a.facilitator), Client(b.url, b.facilitator)
        phone_a = Client(a.url, cookie=join(a.url, a.tables()[0][3]))
        phone_b = Client(b.url, cookie=join(b.url, b.tables()[0][3]))
        try:
            assert staff_a.state["event"]["id"] == "psm-torino-2024" and staff_b.state["event"]["id"] == "lancio-b"
            for staff in (staff_a, staff_b):
                assert staff.send("phase.start", {"phase": 2})["ok"]
            version_b = staff_b.sync()["version"]
            staff_b.updates.clear()

            added = phone_a.send("idea.add", {"text": "Più treni la sera verso le valli", "axis": "mobilita"})
            assert added["ok"]
            staff_a.wait_for(lambda u: any(i["id"] == added["idea"] for i in u.get("ideas", [])))
            # a burst on A: its phone is slowed down there, B's phone is not
            answers = [phone_a.send("idea.add", {"text": f"idea {n}", "axis": "mobilita"}) for n in range(40)]
            assert any(not r["ok"] and r["error"]["code"] == "too_fast" for r in answers)
            assert phone_b.send("idea.add", {"text": "Un parco in ogni quartiere", "axis": "verde"})["ok"]

            snapshot_b = staff_b.sync()
            assert [i["text"] for i in snapshot_b["ideas"]] == ["Un parco in ogni quartiere"]
            assert snapshot_b["version"] == version_b + 1
            assert not any("Più treni" in i["text"] for u in staff_b.updates for i in u.get("ideas", []))
            assert snapshot_b["stats"]["participants"] == 1 and staff_a.sync()["stats"]["participants"] == 1
        finally:
            for client in (staff_a, staff_b, phone_a, phone_b):
                client.close()

        # each secret opens its own event only, over HTTP as over the socket
        for event, token in (("psm-torino-2024", a.facilitator), ("lancio-b", b.facilitator)):
            snapshot = requests.get(
                f"{server.url}/api/snapshot", headers={"Authorization": f"Bearer {token}"}, timeout=10
            ).json()
            assert snapshot["event"]["id"] == event
        picker = requests.get(f"{server.url}/join?event=lancio-b", timeout=10).text
        assert f"/j/{b.tables()[0][3]}" in picker and f"/j/{a.tables()[0][3]}" not in picker
        exported = requests.get(f"{server.url}/export/{b.facilitator}/event.json", timeout=60).json()
        assert [i["text"] for i in exported["ideas"]] == ["Un parco in ogni quartiere"]
        projector = requests.get(f"{server.url}/projector/{b.setting('projector_token')}", timeout=10).text
        assert "/join?event=lancio-b" in projector  # the room's QR leads to its own event

        # carry-over inside the server: B imports A by picking it, no file; A is unchanged
        bearer = {"Authorization": f"Bearer {b.facilitator}"}
        carried = requests.post(f"{server.url}/api/import?from=psm-torino-2024", headers=bearer, timeout=60).json()
        assert carried["ok"] and carried["ideas"] >= 1 and carried["source"] == "psm-torino-2024", carried
        snapshot = requests.get(f"{server.url}/api/snapshot", headers=bearer, timeout=10).json()
        texts = [i["text"] for i in snapshot["ideas"]]
        assert "Più treni la sera verso le valli" in texts and "Un parco in ogni quartiere" in texts
        again = requests.post(f"{server.url}/api/import?from=psm-torino-2024", headers=bearer, timeout=60).json()
        assert again["ok"] and again["ideas"] == 0  # the same event twice adds nothing
        unknown = requests.post(f"{server.url}/api/import?from=lancio-b", headers=bearer, timeout=60).json()
        assert unknown["error"]["code"] == "unknown_event"  # not itself, nor an event the server does not run
        a_ideas = requests.get(
            f"{server.url}/api/snapshot", headers={"Authorization": f"Bearer {a.facilitator}"}, timeout=10
        ).json()["ideas"]
        assert "Un parco in ogni quartiere" not in [i["text"] for i in a_ideas]
    finally:
        stop_server(server)
