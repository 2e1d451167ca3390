"""A whole event over real sockets: a facilitator, 3 scribes, a projector and 30 phones at 3 tables."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter

import openpyxl
import requests

from tests.conftest import ROOT
from tests.realtime.clients import Client, new_phone

CAPTURE, VOTING = 2, 4
AXES = ["digitale", "verde", "mobilita", "istruzione", "inclusione", "salute"]


def test_an_event_runs_from_join_to_export_and_the_export_equals_what_was_cast(server, tmp_path):
    tables = server.tables()[:3]
    facilitator = Client(server.url, server.facilitator)
    projector = Client(server.url, server.setting("projector_token"))
    scribes = [Client(server.url, t[4]) for t in tables]
    phones = [new_phone(server, n) for n in range(3) for _ in range(10)]
    try:
        assert facilitator.sync()["stats"]["participants"] == 30

        # Idea capture: every phone and every scribe adds an idea; screens hear about them in batches.
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        for n, phone in enumerate(phones):
            ack = phone.send("idea.add", {"text": f"Idea {n} from a phone", "axis": AXES[n % 6], "kind": "need"})
            assert ack["ok"], ack
        for n, scribe in enumerate(scribes):
            assert scribe.send("idea.add", {"text": f"Table {n + 1} agreement", "axis": "salute"})["ok"]
        projector.wait_for(lambda u: u.get("stats", {}).get("ideas") == 33)

        # Each table's view holds its own ideas only.
        table_one = scribes[0].sync()["ideas"]
        assert len(table_one) == 11 and {i["table"] for i in table_one} == {tables[0][0]}
        assert {i["table"] for i in phones[15].sync()["ideas"]} == {tables[1][0]}

        ideas = facilitator.sync()["ideas"]
        assert len(ideas) == 33
        by_text = {i["text"]: i["id"] for i in ideas}

        # Moderation: hide, edit, merge; originals stay in the history.
        assert facilitator.send("idea.hide", {"idea": by_text["Idea 29 from a phone"]})["ok"]
        edit = {"idea": by_text["Idea 0 from a phone"], "text": "Idea zero, edited"}
        assert facilitator.send("idea.edit", edit)["ok"]
        assert facilitator.send(
            "idea.merge", {"idea": by_text["Idea 6 from a phone"], "into": by_text["Idea 0 from a phone"]}
        )["ok"]
        edited = next(i for i in facilitator.sync()["ideas"] if i["id"] == by_text["Idea 0 from a phone"])
        assert (edited["text"], edited["original"]) == ("Idea zero, edited", "Idea 0 from a phone")
        public = {i["id"] for i in projector.sync()["ideas"]}
        assert by_text["Idea 29 from a phone"] not in public and by_text["Idea 6 from a phone"] not in public

        # Clustering: four themes on the ballot.
        themes = []
        for axis in AXES[:4]:
            members = [i["id"] for i in ideas if i["axis"] == axis][:3]
            ack = facilitator.send("theme.create", {"title": f"Priority {axis}", "axis": axis, "ideas": members})
            assert ack["ok"], ack
            themes.append(ack["theme"])
            assert facilitator.send("theme.ballot", {"theme": ack["theme"], "on_ballot": True})["ok"]

        # Dot voting: 5 dots each, at most 3 on one item.
        assert facilitator.send("phase.start", {"phase": VOTING})["ok"]
        assert facilitator.send("vote.open")["ok"]
        cast: Counter = Counter()
        for n, phone in enumerate(phones):
            phone.sync()
            assert sorted(phone.state["me"]["ballot_order"]) == sorted(themes)
            plan = [themes[n % 4], themes[n % 4], themes[(n + 1) % 4], themes[(n + 2) % 4], themes[n % 4]]
            for theme in plan:
                ack = phone.send("dot.place", {"theme": theme})
                assert ack["ok"], ack
                cast[theme] += 1
            assert ack["left"] == 0
            refused = phone.send("dot.place", {"theme": themes[(n + 3) % 4]})
            assert refused["error"]["code"] == "no_dots_left"
        # Moving a dot: phone 0 takes one off its first theme and puts it elsewhere.
        assert phones[0].send("dot.remove", {"theme": themes[0]})["ok"]
        assert phones[0].send("dot.place", {"theme": themes[3]})["ok"]
        cast[themes[0]] -= 1
        cast[themes[3]] += 1

        # Results stay hidden from the projector and phones until revealed; staff see them live.
        # (The total is 150 both before and after phone 0 moved its dot: wait for the ranking itself.)
        live = facilitator.wait_for(
            lambda u: u.get("tally") and {p["theme"]: p["dots"] for p in u["tally"]["ranking"]} == cast
        )
        assert live["tally"]["dots"] == 150 and live["tally"]["voters"] == 30
        assert projector.sync()["tally"] is None
        assert all(u.get("tally") is None for u in projector.updates if "tally" in u)
        assert facilitator.send("vote.close")["ok"]
        assert phones[1].send("dot.place", {"theme": themes[0]})["error"]["code"] == "vote_not_open"
        assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
        shown = projector.wait_for(lambda u: u.get("tally"))
        assert {p["theme"]: p["dots"] for p in shown["tally"]["ranking"]} == cast

        # Export (console download) equals what was cast, with table/category/zone columns.
        exported = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=10).json()
        votes = Counter()
        for row in exported["votes"]:
            votes[row["theme"]] += row["dots"]
            assert row["table"] in {"1", "2", "3"} and row["channel"] == "room"
        assert votes == cast
        assert {p["theme"]: p["dots"] for p in exported["ranking"]["ranking"]} == cast
        assert sum(p["dots"] for places in exported["ranking"]["by_table"].values() for p in places) == 150
        history = [h for h in exported["idea_history"] if h["idea"] == by_text["Idea 0 from a phone"]]
        assert [h["text"] for h in history][:2] == ["Idea 0 from a phone", "Idea zero, edited"]
    finally:
        for client in [facilitator, projector, *scribes, *phones]:
            client.close()

    # The CLI export reads the same database and writes the same ranking as CSV.
    out = tmp_path / "csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(server.data_dir),
            "--format",
            "csv",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=server.cli_env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    with open(out / "ranking.csv", newline="", encoding="utf-8-sig") as f:
        overall = {int(r["theme"]): int(r["dots"]) for r in csv.DictReader(f) if r["dimension"] == "overall"}
    assert overall == cast
    with open(out / "ideas.csv", newline="", encoding="utf-8-sig") as f:
        assert len(list(csv.DictReader(f))) == 33
    # The Excel workbook holds the same tables: a sheet per CSV, read back cell by cell
    book_path = tmp_path / "event.xlsx"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(server.data_dir),
            "--format",
            "xlsx",
            "--out",
            str(book_path),
        ],
        cwd=ROOT,
        env=server.cli_env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    # for people, in the event's language: Italian sheet names and headers; the CSVs keep the keys for programs
    book = openpyxl.load_workbook(book_path)
    sheet_names = {
        "ideas": "Idee",
        "idea_history": "Storia delle idee",
        "alignments": "Allineamenti",
        "harvests": "Note dei tavoli",
        "themes": "Temi",
        "votes": "Voti",
        "rounds": "Turni di voto",
        "ranking": "Classifica",
        "participants": "Partecipanti",
    }
    assert sorted(book.sheetnames) == sorted(sheet_names.values())
    for path in sorted(out.glob("*.csv")):
        assert (path.read_bytes()[:3]) == b"\xef\xbb\xbf"  # a byte-order mark: Excel reads the accents right
        with open(path, newline="", encoding="utf-8-sig") as f:
            from_csv = list(csv.reader(f))
        sheet = book[sheet_names[path.stem]]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions  # frozen, filtered
        from_xlsx = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert len(from_xlsx[0]) == len(from_csv[0]) and not set(from_xlsx[0]) & set(from_csv[0])
        assert from_xlsx[1:] == from_csv[1:], path.name
    assert [c.value for c in book["Idee"][1]][:5] == ["Numero", "Tavolo", "Canale", "Asse", "Nome dell'asse"]
    assert [c.value for c in book["Voti"][1]][-1] == "Bollini o punti"
    json_out = subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(server.data_dir),
            "--format",
            "json",
            "--out",
            "-",
        ],
        cwd=ROOT,
        env=server.cli_env,
        check=True,
        capture_output=True,
        timeout=60,
        text=True,
    ).stdout
    assert len(json.loads(json_out)["votes"]) == len(exported["votes"])
