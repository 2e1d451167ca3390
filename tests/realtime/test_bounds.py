"""What one phone can make the server carry is bounded before it is paid (issue 18): its ideas per phase, and
the size of its snapshot however much its table wrote."""
from __future__ import annotations

import pytest

from tests.conftest import DEMO_PLAN, start_server, stop_server
from tests.realtime.clients import Client, new_phone

CAPTURE = 2  # the demo's idea-capture phase


@pytest.fixture
def capped(tmp_path):
    plan = tmp_path / "capped.toml"
    plan.write_text(DEMO_PLAN.read_text().replace("[ideas]\nmax_length = 400\n",
                                                  "[ideas]\nmax_length = 400\nper_phone = 3\nper_table = 5\n"))
    server = start_server(tmp_path, plan=plan)
    yield server
    stop_server(server)


def add(client: Client, n: int) -> dict:
    return client.send("idea.add", {"text": f"Idea number {n} for the metro area", "axis": "mobilita", "kind": "need"})


def test_a_phone_adds_at_most_its_ideas_per_phase_then_hears_why(capped):
    staff = Client(capped.url, capped.facilitator)
    assert staff.send("phase.start", {"phase": CAPTURE})["ok"]
    phone = new_phone(capped)
    assert all(add(phone, n)["ok"] for n in range(3))
    refused = add(phone, 3)
    assert refused["error"]["code"] == "idea_cap" and "3" in refused["error"]["message"]
    assert staff.sync()["stats"]["ideas"] == 3
    other = new_phone(capped)  # the cap is one phone's, not the table's
    assert add(other, 10)["ok"]
    assert staff.send("phase.start", {"phase": CAPTURE})["ok"]  # a new phase (or round): a new allowance
    assert add(phone, 4)["ok"]
    for client in (staff, phone, other):
        client.close()


def test_a_table_screen_adds_at_most_its_ideas_per_phase(capped):
    staff = Client(capped.url, capped.facilitator)
    assert staff.send("phase.start", {"phase": CAPTURE})["ok"]
    scribe = Client(capped.url, capped.tables()[0][4])
    assert all(add(scribe, n)["ok"] for n in range(5))
    assert add(scribe, 5)["error"]["code"] == "idea_cap"
    assert add(staff, 6)["ok"]  # staff are not capped
    staff.close()
    scribe.close()


def test_a_phone_snapshot_carries_a_bounded_page_of_its_table_ideas(server):
    from facilitation.services.readmodels import PHONE_IDEAS

    staff = Client(server.url, server.facilitator)
    assert staff.send("phase.start", {"phase": CAPTURE})["ok"]
    table = server.tables()[0][0]
    for n in range(PHONE_IDEAS + 30):  # staff write for table 1 (a phone could not write that many)
        assert staff.send("idea.add", {"text": f"Idea {n} written for the table", "axis": "digitale", "kind": "need",
                                       "table": table})["ok"]
    phone = new_phone(server)
    assert len(phone.state["ideas"]) == PHONE_IDEAS and phone.state["ideas_more"] == 30
    assert phone.state["ideas"][-1]["text"] == f"Idea {PHONE_IDEAS + 29} written for the table"  # the newest
    assert [i["id"] for i in phone.state["ideas"]] == sorted(i["id"] for i in phone.state["ideas"])
    staff.close()
    phone.close()
