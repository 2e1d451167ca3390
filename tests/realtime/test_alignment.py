"""Alignment with local planning over real sockets: table facilitators mark their table's ideas, the theme
team marks themes, per zone; the console sees the marks live and the export carries them."""

from __future__ import annotations

import requests

from tests.realtime.clients import Client


def test_marks_per_zone_from_tables_and_theme_team_reach_the_console_and_the_export(event):
    server, facilitator = event
    scribe = Client(server.url, server.tables()[0][4])
    other_scribe = Client(server.url, server.tables()[1][4])
    theme_team = Client(server.url, server.setting("theme_token"))
    projector = Client(server.url, server.setting("projector_token"))
    try:
        idea = scribe.send("idea.add", {"text": "Treni ogni mezz'ora in Val di Susa", "axis": "mobilita"})["idea"]
        theme = theme_team.send("theme.create", {"title": "Ferrovie di valle", "axis": "mobilita"})["theme"]
        assert scribe.send(
            "alignment.set", {"idea": idea, "zone": "z06", "verdict": "aligned", "note": "Nel PUMS dell'Unione montana"}
        )["ok"]
        assert (
            other_scribe.send("alignment.set", {"idea": idea, "zone": "z06", "verdict": "misaligned"})["error"]["code"]
            == "not_your_table"
        )
        assert (
            scribe.send("alignment.set", {"theme": theme, "zone": "z06", "verdict": "aligned"})["error"]["code"]
            == "forbidden"
        )  # themes are the theme team's
        assert theme_team.send("alignment.set", {"theme": theme, "zone": "z06", "verdict": "partly"})["ok"]
        assert (
            theme_team.send("alignment.set", {"theme": theme, "zone": "z99", "verdict": "partly"})["error"]["code"]
            == "unknown_zone"
        )
        assert (
            theme_team.send("alignment.set", {"idea": idea, "theme": theme, "zone": "z06", "verdict": "partly"})[
                "error"
            ]["code"]
            == "invalid_payload"
        )
        assert (
            projector.send("alignment.set", {"theme": theme, "zone": "z05", "verdict": "aligned"})["error"]["code"]
            == "forbidden"
        )
        assert "alignments" not in projector.sync()  # the team's working notes, not the room's

        update = facilitator.wait_for(lambda u: len([a for a in u.get("alignments", []) if a["zone"] == "z06"]) == 2)
        marks = {(a["idea"], a["theme"]): a for a in update["alignments"]}
        assert marks[(idea, None)]["verdict"] == "aligned" and marks[(idea, None)]["note"].startswith("Nel PUMS")
        assert marks[(None, theme)]["verdict"] == "partly"
        assert theme_team.send("alignment.set", {"theme": theme, "zone": "z06", "verdict": "misaligned"})["ok"]
        assert theme_team.send("alignment.set", {"theme": theme, "zone": "z06"})["ok"]  # no verdict: removed

        export = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=10).json()
        rows = [a for a in export["alignments"] if a["zone"] == "z06"]
        assert rows == [
            {
                "zone": "z06",
                "zone_name": "6 · Valli di Susa e Sangone",
                "about": "idea",
                "id": idea,
                "text": "Treni ogni mezz'ora in Val di Susa",
                "axis": "mobilita",
                "axis_name": "Mobilità sostenibile",
                "verdict": "aligned",
                "note": "Nel PUMS dell'Unione montana",
                "by": "scribe",
            }
        ]
    finally:
        for client in (scribe, other_scribe, theme_team, projector):
            client.close()
