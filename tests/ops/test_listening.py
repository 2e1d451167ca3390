"""The listening event feeds the co-planning event: the listening day runs from its own plan (six thematic
tables, no vote), then its ideas and themes are imported into the co-planning event — from the command line
while the event is not served, and from the console while it is — each keeping where it came from."""

from __future__ import annotations

import json

import requests

from facilitation.plan import load_plan
from tests.conftest import DEMO_PLAN, ROOT, run_english, start_server, stop_server
from tests.realtime.clients import Client, new_phone

LISTENING = ROOT / "sessions" / "psm-ascolto-2024.toml"


def test_the_listening_plan_seats_the_public_at_six_thematic_tables_without_a_vote():
    plan = load_plan(LISTENING)
    assert plan.tables.count == len(plan.axes) == 6
    assert [name["it"] for name in plan.tables.names][2] == "Tavolo Mobilità sostenibile"
    assert [axis.id for axis in plan.axes] == [axis.id for axis in load_plan(DEMO_PLAN).axes]  # imports fit
    assert "voting" not in {phase.kind.value for phase in plan.agenda}
    assert "capture" in {phase.kind.value for phase in plan.agenda}


def listening_day(tmp_path, data) -> dict:
    """A short listening day: 18 phones at the six thematic tables give needs and wishes on their table's axis;
    the theme team gathers some into two themes, hides one idea, stars one and merges one. Returns its export."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    server = start_server(tmp_path, plan=LISTENING, data_dir=data)
    axes = [axis.id for axis in load_plan(LISTENING).axes]
    staff = Client(server.url, server.facilitator)
    phones = [new_phone(server, n % 6) for n in range(18)]
    try:
        assert staff.send("phase.start", {"phase": 2})["ok"]
        ideas = []
        for n, phone in enumerate(phones):
            for kind, words in (("need", "Serve"), ("proposal", "Vorremmo")):
                ack = phone.send(
                    "idea.add",
                    {
                        "text": f"{words} {n}: più servizi per il territorio, asse {axes[n % 6]}",
                        "axis": axes[n % 6],
                        "kind": kind,
                    },
                )
                assert ack["ok"], ack
                ideas.append(ack["idea"])
        mobility = [i for n, i in enumerate(ideas) if (n // 2) % 6 == 2]
        theme = staff.send(
            "theme.create",
            {
                "title": "Trasporto pubblico nelle valli",
                "axis": "mobilita",
                "titles": {"en": "Public transport in the valleys"},
                "ideas": mobility[:4],
            },
        )
        assert theme["ok"], theme
        assert staff.send("theme.create", {"title": "Scuole aperte", "axis": "istruzione", "ideas": [ideas[6]]})["ok"]
        assert staff.send("idea.hide", {"idea": ideas[0], "hidden": True})["ok"]
        assert staff.send("idea.star", {"idea": mobility[0], "starred": True})["ok"]
        assert staff.send("idea.merge", {"idea": mobility[5], "into": mobility[4]})["ok"]
        assert staff.send("idea.edit", {"idea": ideas[1], "text": "Vorremmo 0: più servizi sanitari nelle valli"})["ok"]
    finally:
        for client in (staff, *phones):
            client.close()
        stop_server(server)
    result = run_english("export", "--event", "psm-ascolto-2024", "--data", str(data), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def export_of(data, event: str) -> dict:
    result = run_english("export", "--event", event, "--data", str(data), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_every_idea_kept_with_its_origin(listening: dict, coplanning: dict) -> None:
    imported = {i["origin_idea"]: i for i in coplanning["ideas"] if i["origin_event"] == "psm-ascolto-2024"}
    assert sorted(imported) == sorted(i["id"] for i in listening["ideas"]) and len(imported) == 36
    themes = {t["id"]: t for t in coplanning["themes"]}
    source_themes = {t["id"]: t for t in listening["themes"]}
    new_id = {i["origin_idea"]: i["id"] for i in imported.values()}
    for source in listening["ideas"]:
        idea = imported[source["id"]]
        for field in ("text", "axis", "kind", "hidden", "held", "starred", "category", "zone"):
            assert idea[field] == source[field], (field, idea, source)
        assert (idea["origin_table"], idea["origin_channel"]) == (source["table"], source["channel"])
        assert idea["author_role"] == "import" and idea["table"] == ""
        assert idea["merged_into"] == (new_id[source["merged_into"]] if source["merged_into"] else "")
        if source["theme"]:
            theme = themes[idea["theme"]]
            assert theme["title"] == source_themes[source["theme"]]["title"]
            assert (theme["origin_event"], theme["origin_theme"]) == ("psm-ascolto-2024", source["theme"])
    moved = next(t for t in coplanning["themes"] if t["title"] == "Trasporto pubblico nelle valli")
    assert moved["title_en"] == "Public transport in the valleys" and moved["axis"] == "mobilita"
    history = [h for h in coplanning["idea_history"] if h["action"] == "imported"]
    assert len(history) == 36


def test_the_listening_ideas_and_themes_come_into_the_co_planning_event_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    listening = listening_day(tmp_path / "listening", data)
    assert len(listening["ideas"]) == 36 and len(listening["themes"]) == 2
    assert listening["ranking"]["voters"] == 0 and all(r["state"] == "not_open" for r in listening["rounds"])

    # the listening day's report, as Markdown: its themes and quotes at its thematic tables, no vote
    report = tmp_path / "ascolto.md"
    written = run_english("report", "psm-ascolto-2024", "--data", str(data), "--out", str(report))
    assert written.returncode == 0, written.stderr
    text = report.read_text(encoding="utf-8")
    assert "# PSM Torino 2024–2026 · Evento di ascolto" in text and "**Trasporto pubblico nelle valli**" in text
    assert "— Tavolo Mobilità sostenibile" in text and "Le priorità" not in text
    assert "In questo evento non si è votato" in text

    # the co-planning event is made from its plan by the import itself, before the day
    result = run_english("import", str(DEMO_PLAN), "--from", "psm-ascolto-2024", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "Imported from psm-ascolto-2024 into psm-torino-2024: ideas 36, themes 2." in result.stdout
    again = run_english("import", "psm-torino-2024", "--from", "psm-ascolto-2024", "--data", str(data))
    assert again.returncode == 0 and "ideas 0, themes 0." in again.stdout
    assert "38 ideas and themes of it were already here" in again.stdout
    # the very same file twice into another event: the second time every slice is answered from its first
    # time, and that is said as it is, nothing new (it once said "ideas 36, themes 2" again)
    export_file, elsewhere = tmp_path / "ascolto.json", tmp_path / "elsewhere"
    export_file.write_text(json.dumps(listening), encoding="utf-8")
    first = run_english("import", str(DEMO_PLAN), "--from", str(export_file), "--data", str(elsewhere))
    assert first.returncode == 0 and "ideas 36, themes 2." in first.stdout, first.stderr
    same = run_english("import", "psm-torino-2024", "--from", str(export_file), "--data", str(elsewhere))
    assert same.returncode == 0 and "ideas 0, themes 0." in same.stdout, same.stdout
    assert "38 ideas and themes of it were already here" in same.stdout
    coplanning = export_of(data, "psm-torino-2024")
    assert_every_idea_kept_with_its_origin(listening, coplanning)
    assert len(coplanning["ideas"]) == 36  # twice imported, once there

    # the same from the export file; an unknown file, its own export and a served event are refused
    export_file = tmp_path / "ascolto.json"
    export_file.write_text(json.dumps(listening), encoding="utf-8")
    from_file = run_english("import", "psm-torino-2024", "--from", str(export_file), "--data", str(data))
    assert from_file.returncode == 0 and "ideas 0, themes 0." in from_file.stdout
    junk = tmp_path / "junk.json"
    junk.write_text('{"hello": 1}', encoding="utf-8")
    refused = run_english("import", "psm-torino-2024", "--from", str(junk), "--data", str(data))
    assert refused.returncode == 2 and "not an event export of facilitation" in refused.stderr
    own = tmp_path / "own.json"
    own.write_text(json.dumps(coplanning), encoding="utf-8")
    refused = run_english("import", "psm-torino-2024", "--from", str(own), "--data", str(data))
    assert refused.returncode == 2 and "this event's own export" in refused.stderr
    (tmp_path / "serving").mkdir()
    server = start_server(tmp_path / "serving", data_dir=data)
    try:
        busy = run_english("import", "psm-torino-2024", "--from", "psm-ascolto-2024", "--data", str(data))
        assert busy.returncode == 3 and "import from the console" in busy.stderr
        # the report says where the ideas came from
        page = requests.get(f"{server.url}/report/{server.facilitator}?lang=en", timeout=30).text
        assert "36 ideas came from the listening event psm-ascolto-2024" in page
        assert "from psm-ascolto-2024" in page
    finally:
        stop_server(server)
    assert export_of(data, "psm-torino-2024")["ideas"] == coplanning["ideas"]  # refusals changed nothing


def test_the_console_imports_the_listening_export_while_the_event_is_served(tmp_path):
    listening = listening_day(tmp_path / "listening", tmp_path / "listening-data")
    (tmp_path / "coplanning").mkdir()
    server = start_server(tmp_path / "coplanning")
    staff = Client(server.url, server.facilitator)
    body = json.dumps(listening).encode("utf-8")
    try:
        post = lambda token, payload=body: requests.post(  # noqa: E731
            f"{server.url}/api/import",
            data=payload,
            timeout=60,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert post("not-a-token").json()["error"]["code"] == "invalid_token"
        observer = post(server.setting("observer_token"))
        assert observer.status_code == 403 and observer.json()["error"]["code"] == "forbidden"
        assert post(server.facilitator, b"\xff\xfe not json").json()["error"]["code"] == "import_not_export"
        huge = post(server.facilitator, b'{"event": {"id": ' + b"9" * 5000 + b"}}")  # past Python's digit limit
        assert huge.status_code == 422 and huge.json()["error"]["code"] == "import_not_export"
        wrong = json.loads(body)
        wrong["ideas"][0]["axis"] = "turismo"
        refused = post(server.facilitator, json.dumps(wrong).encode()).json()
        assert refused["error"]["code"] == "import_unknown_axes" and "turismo" in refused["error"]["message"]
        refused_state = staff.sync()
        assert refused_state["stats"]["ideas"] == 0 and refused_state["themes"] == []  # refused: nothing taken
        # a theme of the event's own (no origin) does not upset the import (it answered 500: issue 19, #5)
        assert staff.send("theme.create", {"title": "Un tema nostro"})["ok"]

        reply = post(server.facilitator).json()
        assert reply["ok"] and (reply["ideas"], reply["themes"], reply["source"]) == (36, 2, "psm-ascolto-2024")
        assert post(server.facilitator).json()["replayed"]  # the same file twice is one import
        # the console sees them at once, with where each came from; the room's wall shows the live ones
        update = staff.wait_for(lambda u: len(u.get("ideas", [])) >= 36, timeout=10)
        assert {i["origin"]["event"] for i in update["ideas"]} == {"psm-ascolto-2024"}
        state = staff.sync()
        assert len(state["themes"]) == 3 and state["stats"]["ideas"] == 34  # one hidden, one merged
    finally:
        staff.close()
        stop_server(server)
    assert_every_idea_kept_with_its_origin(listening, export_of(server.data_dir, "psm-torino-2024"))


def test_imported_text_follows_the_rules_typed_text_does(tmp_path):
    """Bidirectional overrides reached 13 CSV and 13 XLSX cells, a line separator the web report, and a theme's
    title in English given as an object was stored as its Python text (issue 19, #6)."""
    server = start_server(tmp_path)
    evil = "\u202eetats\u202c"
    export = {
        "event": {"id": "ascolto\u202e", "title": f"Ascolto {evil}", "date": f"2026{evil}", "export_format": 1},
        "themes": [
            {"id": 1, "title": f"Treni {evil}", "axis": "mobilita", "title_en": {"not": "a string"}},
            {"id": 2, "title": "Bus", "axis": "mobilita", "title_en": f"Buses {evil}"},
        ],
        "idea_history": [{"idea": 1, "action": "created", "text": f"Prima\u2028riga {evil}"}],
        "ideas": [
            {
                "id": n,
                "table": f"T{evil}",
                "channel": f"room{evil}",
                "axis": "mobilita",
                "kind": "need",
                "text": f"Più treni\u2028la sera {evil}",
                "category": f"cittadini{evil}",
                "zone": f"Zona{evil}",
                "theme": 1 + n % 2,
            }
            for n in range(1, 4)
        ],
    }
    try:
        answer = requests.post(
            f"{server.url}/api/import",
            data=json.dumps(export).encode(),
            timeout=60,
            headers={"Authorization": f"Bearer {server.facilitator}", "Content-Type": "application/json"},
        ).json()
        assert answer["ok"] and answer["ideas"] == 3, answer
        exported = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=60).text
        page = requests.get(f"{server.url}/report/{server.facilitator}", timeout=60).text
    finally:
        stop_server(server)
    data = json.loads(exported)
    for text in (exported, page):
        assert "\u202e" not in text and "\u202c" not in text and "\u2028" not in text
        assert "\\u202e" not in text and "\\u2028" not in text
    themes = {t["title"]: t for t in data["themes"]}
    assert "{'not'" not in exported and set(themes) >= {"Treni etats", "Bus"}
    assert any("Più treni\nla sera" in i["text"] for i in data["ideas"])
