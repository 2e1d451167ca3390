"""The plan in forms (issue 22): what the event's data holds on to stays, and says why; the rest changes, even
live, and the event's tables and first vote round follow; every shipped plan round-trips exactly."""

from __future__ import annotations


import pytest

from facilitation import planedit
from facilitation.plan import parse_plan
from facilitation.resources import bundled_plans
from facilitation.web.home import _plan_fields
from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client, cid, join

CAPTURE = 2


def update(staff: Client, changes: dict | None = None, action: str | None = None, client_id: str | None = None):
    payload = {"changes": changes or {}}
    if action:
        payload["action"] = action
    return staff.send("plan.update", payload, client_id=client_id)


def refusal(answer: dict) -> str:
    assert not answer.get("ok"), answer
    return answer["error"]["code"]


@pytest.mark.parametrize("name", sorted(bundled_plans()))
def test_every_shipped_plan_round_trips_through_its_form_exactly(name):
    """The form's values posted back unchanged change not one byte of the file; one changed value changes one
    line, and the loader reads back exactly that change."""
    text = bundled_plans()[name].read_text(encoding="utf-8")
    plan = parse_plan(text)
    assert planedit.apply(text, _plan_fields(plan), plan) == text
    changed = planedit.apply(text, {"agenda.0.minutes": "17", "axes.0.color": "#ABCDEF"}, plan)
    lines = [(a, b) for a, b in zip(text.splitlines(), changed.splitlines(), strict=True) if a != b]
    assert len(lines) == 2
    again = parse_plan(changed)
    assert again.agenda[0].minutes == 17 and again.axes[0].color == "#abcdef"
    assert again.model_dump(exclude={"agenda", "axes"}) == plan.model_dump(exclude={"agenda", "axes"})


def test_what_the_events_data_holds_on_to_stays_and_the_rest_changes_live(tmp_path):
    server = start_server(tmp_path)
    staff = Client(server.url, server.facilitator)
    phone = Client(server.url, cookie=join(server.url, server.tables()[0][3]))
    try:
        assert staff.send("phase.start", {"phase": CAPTURE})["ok"]
        assert phone.send("profile.set", {"category": "cittadini", "zone": "z01"})["ok"]
        assert phone.send("idea.add", {"text": "Più alberi nei cortili delle scuole", "axis": "verde"})["ok"]

        # an axis with ideas stays; an empty one goes
        assert refusal(update(staff, action="remove:axes.1")) == "plan_locked_axis"
        assert update(staff, action="remove:axes.0")["ok"]
        assert [a["id"] for a in staff.sync()["event"]["axes"]][:1] == ["verde"]
        # a category someone chose stays, its name can change
        assert refusal(update(staff, action="remove:categories.2")) == "plan_locked_choice"
        assert update(staff, {"categories.2.name.en": "Residents"})["ok"]
        # what phones already show stays once people joined
        assert refusal(update(staff, {"event.languages": "it"})) == "plan_locked_joined"
        assert refusal(update(staff, {"privacy.keep_months": "6"})) == "plan_locked_joined"
        assert update(staff, {"event.languages": "it, en, fr"})["ok"]  # adding one is fine
        # a phase that has begun keeps its place and kind; what comes after may move
        assert refusal(update(staff, {"agenda.2.kind": "plenary"})) == "plan_locked_phase"
        assert refusal(update(staff, action="up:agenda.3")) == "plan_locked_phase"
        assert refusal(update(staff, action="remove:agenda.1")) == "plan_locked_phase"
        assert update(staff, action="down:agenda.5")["ok"]
        added = update(staff, action="add:agenda.2", client_id=(key := cid()))
        assert added["ok"]
        assert update(staff, action="add:agenda.2", client_id=key)["replayed"]  # a retried click adds one phase
        agenda = staff.sync()["event"]["agenda"]
        assert [p["id"] for p in agenda] == [
            "accoglienza",
            "apertura",
            "tavoli",
            "phase-8",
            "temi",
            "voto",
            "chiusura",
            "risultati",
        ]
        assert staff.sync()["control"]["phase"] == CAPTURE

        # tables: more can be added (the online groups, empty, move after them); one with people stays
        assert update(staff, {"tables.count": "40"})["ok"]
        rows = server.query("select id, number, online, join_code from event_table order by id")
        assert len(rows) == 43 and rows[39][:3] == (40, 40, 0) and rows[40][:3] == (41, 1, 1)
        newcomer = Client(server.url, cookie=join(server.url, rows[34][3]))  # table 35, made a moment ago
        assert newcomer.state["me"]["table"] == 35
        newcomer.close()
        assert refusal(update(staff, {"tables.count": "20"})) == "plan_locked_table"
        assert refusal(update(staff, {"tables.size": "1"})) == "plan_greater_than_equal"

        # the voting rules follow the plan until a vote opens, then stay
        assert update(staff, {"voting.method": "points", "voting.points": "100"})["ok"]
        assert server.query("select method, budget, cap from vote_round") == [("points", 100, 100)]
        for title in ("Cortili verdi", "Scuole aperte"):
            theme = staff.send("theme.create", {"title": title})["theme"]
            assert staff.send("theme.ballot", {"theme": theme})["ok"]
        assert staff.send("phase.start", {"phase": 5})["ok"]  # the vote, where the moves put it
        opened = staff.send("vote.open")
        assert opened["ok"], opened
        assert refusal(update(staff, {"voting.points": "50"})) == "plan_locked_voting"
        # wrong input changes nothing and says why, in the reader's language
        answer = update(staff, {"agenda.0.minutes": "dieci"})
        assert answer["error"]["code"] == "plan_int_parsing" and answer["error"]["message"]
        assert refusal(update(staff, action="explode:axes")) == "plan_field_locked"
        assert refusal(staff.send("plan.update", {"changes": ["agenda.0.minutes"]})) == "invalid_payload"
        assert refusal(phone.send("plan.update", {"changes": {"agenda.0.minutes": "20"}})) == "forbidden"
        plan = parse_plan(server.setting("plan"))
        assert plan.tables.count == 40 and plan.voting.points == 100 and plan.event.languages == ["it", "en", "fr"]
        assert plan.axes[0].name["fr"] == plan.axes[0].name["it"]  # a new language starts from the first one's
    finally:
        staff.close()
        phone.close()
        stop_server(server)
