"""The theme team's work: suggestions to merge, suggested groups, grouping, and a ballot that freezes when voting
opens."""

import requests

from tests.realtime.clients import Client, new_phone

CAPTURE = 2


def test_similar_ideas_from_different_tables_are_suggested_for_merging(shared_server):
    server = shared_server
    theme_team = Client(server.url, server.setting("theme_token"))
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": CAPTURE})
    a, b = new_phone(server, 0), new_phone(server, 1)
    try:
        first = a.send("idea.add", {"text": "Treni regionali più frequenti verso la Val di Susa", "axis": "mobilita"})
        second = b.send("idea.add", {"text": "Più treni regionali frequenti per la Val di Susa", "axis": "mobilita"})
        gardens = b.send("idea.add", {"text": "Orti condivisi nelle scuole", "axis": "verde"})["idea"]
        reply = theme_team.sio.call("suggestions", {}, timeout=30)
        pairs = [(p["a"], p["b"]) for p in reply["pairs"]]  # the shared server holds other tests' ideas too
        assert (first["idea"], second["idea"]) in pairs and not any(gardens in pair for pair in pairs)
        assert a.sio.call("suggestions", {}, timeout=10)["error"]["code"] == "forbidden"

        assert theme_team.send("idea.merge", {"idea": second["idea"], "into": first["idea"]})["ok"]
        pairs = [(p["a"], p["b"]) for p in theme_team.sio.call("suggestions", {}, timeout=30)["pairs"]]
        assert not any(second["idea"] in pair for pair in pairs)
        again = theme_team.send("idea.merge", {"idea": second["idea"], "into": first["idea"]})
        assert again["error"]["code"] == "already_merged"
    finally:
        for client in (theme_team, facilitator, a, b):
            client.close()


def test_the_ideas_not_yet_in_a_theme_are_suggested_as_groups_over_the_socket_and_the_api(server):
    theme_team = Client(server.url, server.setting("theme_token"))
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": CAPTURE})
    a, b = new_phone(server, 0), new_phone(server, 1)
    try:
        trains = [
            a.send("idea.add", {"text": text, "axis": "mobilita"})["idea"]
            for text in ("Treni più frequenti per i pendolari", "treno frequente x pendolari")
        ]
        trains.append(b.send("idea.add", {"text": "Più frequenti i treni dei pendolari!", "axis": "mobilita"})["idea"])
        bikes = [
            b.send("idea.add", {"text": text, "axis": "mobilita"})["idea"]
            for text in ("Piste ciclabili sicure", "piste ciclabili sicure per andare a scuola")
        ]
        alone = b.send("idea.add", {"text": "Alberi nei cortili delle scuole", "axis": "verde"})["idea"]

        reply = theme_team.sio.call("theme.suggest", {}, timeout=30)
        assert reply["ok"] and reply["engine"] == "classical"
        members = [set(group["ideas"]) for group in reply["groups"]]
        assert set(trains) in members and set(bikes) in members and not any(alone in m for m in members)
        group = reply["groups"][members.index(set(trains))]
        assert group["axis"] == "mobilita" and group["title"]["it"]

        # accepted as a theme (a person's click): those ideas are no longer suggested; the API asks the same
        made = theme_team.send(
            "theme.create", {"title": group["title"]["it"], "axis": "mobilita", "ideas": group["ideas"]}
        )
        assert made["ok"]
        answer = requests.post(
            f"{server.url}/api/command/theme.suggest",
            json={},
            timeout=30,
            headers={"Authorization": f"Bearer {server.setting('theme_token')}"},
        )
        assert answer.status_code == 200
        assert [set(g["ideas"]) for g in answer.json()["groups"]] == [set(bikes)]

        assert a.sio.call("theme.suggest", {}, timeout=10)["error"]["code"] == "forbidden"
        found = theme_team.sio.call("ideas.search", {"q": "treno pendolare"}, timeout=30)
        assert found["ok"] and set(found["ideas"]) >= set(trains) and not set(found["ideas"]) & set(bikes)
        assert theme_team.sio.call("ideas.search", {"q": "x" * 101}, timeout=10)["error"]["code"] == "invalid_payload"
        assert a.sio.call("ideas.search", {"q": "treno"}, timeout=10)["error"]["code"] == "forbidden"
        observer = Client(server.url, server.setting("observer_token"))  # the steering committee searches too
        try:
            seen = observer.sio.call("ideas.search", {"q": "treno pendolare"}, timeout=30)
            assert seen["ok"] and set(seen["ideas"]) == set(found["ideas"])
            assert observer.sio.call("theme.suggest", {}, timeout=10)["error"]["code"] == "forbidden"
        finally:
            observer.close()
        wrong = theme_team.sio.call("theme.suggest", {"ideas": [1]}, timeout=10)
        assert wrong["error"]["code"] == "invalid_payload" and "ideas" in wrong["error"]["message"]
        assert theme_team.sio.call("theme.suggest", "all", timeout=10)["error"]["code"] == "invalid_payload"
        nobody = requests.post(f"{server.url}/api/command/theme.suggest", json={}, timeout=10)
        assert nobody.status_code == 401
    finally:
        for client in (theme_team, facilitator, a, b):
            client.close()


def test_a_theme_emptied_by_regrouping_is_flagged_and_out_of_the_ballot_and_report_until_it_has_ideas(server):
    facilitator = Client(server.url, server.facilitator)
    theme_team = Client(server.url, server.setting("theme_token"))
    facilitator.send("phase.start", {"phase": CAPTURE})
    try:
        tickets = [
            facilitator.send("idea.add", {"text": text, "axis": "digitale", "table": 1})["idea"]
            for text in ("Biglietto unico per i musei", "Musei gratis la prima domenica")
        ]
        night = facilitator.send("idea.add", {"text": "Bus la sera", "axis": "mobilita", "table": 2})["idea"]
        museums = theme_team.send("theme.create", {"title": "Musei per tutti", "ideas": tickets})["theme"]
        buses = theme_team.send("theme.create", {"title": "Trasporto serale", "ideas": [night]})["theme"]
        by_title = theme_team.send("theme.create", {"title": "Una priorità scritta dal gruppo"})["theme"]
        for theme in (museums, buses, by_title):
            assert theme_team.send("theme.ballot", {"theme": theme})["ok"]

        def looks() -> tuple[dict, list[int], str]:
            state = facilitator.sync()
            emptied = {t["id"]: t["emptied"] for t in state["themes"]}
            ballot = [place["theme"] for place in state["tally"]["ranking"]]
            report = requests.get(f"{server.url}/export/{server.facilitator}/report.md", timeout=60).text
            return emptied, ballot, report

        emptied, ballot, report = looks()
        assert emptied == {museums: False, buses: False, by_title: False}
        assert sorted(ballot) == [museums, buses, by_title] and "Musei per tutti" in report

        # ticking "biglietto" for the evening transport moves the museums' ideas out: their theme is emptied
        assert theme_team.send("theme.group_many", {"ideas": tickets, "theme": buses})["ok"]
        emptied, ballot, report = looks()
        assert emptied == {museums: True, buses: False, by_title: False}  # made by title alone: not emptied
        assert sorted(ballot) == [buses, by_title] and "Musei per tutti" not in report

        assert theme_team.send("theme.group", {"idea": tickets[0], "theme": museums})["ok"]
        emptied, ballot, report = looks()
        assert not emptied[museums] and sorted(ballot) == [museums, buses, by_title] and "Musei per tutti" in report
    finally:
        for client in (theme_team, facilitator):
            client.close()


def test_the_ballot_freezes_once_the_vote_opens_and_voted_themes_stay(shared_server):
    server = shared_server
    theme_team = Client(server.url, server.setting("theme_token"))
    facilitator = Client(server.url, server.facilitator)
    voter = new_phone(server, 2)
    try:
        themes = [
            theme_team.send("theme.create", {"title": title, "axis": "salute"})["theme"]
            for title in ("Case di comunità", "Telemedicina", "Medici di base in montagna")
        ]
        for theme in themes[:2]:
            assert theme_team.send("theme.ballot", {"theme": theme})["ok"]
        assert theme_team.send("vote.open")["error"]["code"] == "forbidden"  # the facilitator runs the vote
        assert facilitator.send("vote.open")["ok"]
        assert theme_team.send("theme.ballot", {"theme": themes[2]})["error"]["code"] == "ballot_frozen"
        renamed = theme_team.send("theme.update", {"theme": themes[0], "title": "Renamed"})
        assert renamed["error"]["code"] == "ballot_frozen"
        assert voter.send("dot.place", {"theme": themes[2]})["error"]["code"] == "not_on_ballot"
        assert voter.send("dot.place", {"theme": themes[0]})["ok"]
        assert facilitator.send("vote.close")["ok"]
        assert theme_team.send("theme.delete", {"theme": themes[0]})["error"]["code"] == "ballot_frozen"
        assert theme_team.send("theme.delete", {"theme": themes[2]})["ok"]  # never on the ballot
        ballot = [t["id"] for t in facilitator.sync()["themes"] if t["on_ballot"]]
        assert ballot == themes[:2]
        # a stray "open" (a second tab, a stale button) does not reopen a closed vote; asking by name does
        assert facilitator.send("vote.open")["error"]["code"] == "vote_closed"
        assert voter.send("dot.place", {"theme": themes[1]})["error"]["code"] == "vote_not_open"
        assert facilitator.send("vote.open", {"reopen": True})["ok"]
        assert voter.send("dot.place", {"theme": themes[1]})["ok"]
        assert facilitator.send("vote.close")["ok"]
    finally:
        for client in (theme_team, facilitator, voter):
            client.close()


def test_many_ideas_are_grouped_at_once_or_not_at_all(shared_server):
    facilitator = Client(shared_server.url, shared_server.facilitator)
    try:
        facilitator.send("phase.start", {"phase": 2})
        ideas = [
            facilitator.send("idea.add", {"text": f"Idea da raggruppare {n}", "axis": "verde", "table": 1})["idea"]
            for n in range(3)
        ]
        theme = facilitator.send("theme.create", {"title": "Verde urbano"})["theme"]
        refused = facilitator.send("theme.group_many", {"ideas": [*ideas, 999_999], "theme": theme})
        assert refused["error"]["code"] == "unknown_idea"
        assert all(i["theme"] is None for i in facilitator.sync()["ideas"] if i["id"] in ideas)  # none of them
        answer = facilitator.send("theme.group_many", {"ideas": ideas, "theme": theme})
        assert answer["ok"] and answer["ideas"] == ideas
        assert all(i["theme"] == theme for i in facilitator.sync()["ideas"] if i["id"] in ideas)
        assert facilitator.send("theme.group_many", {"ideas": [], "theme": theme})["error"]["code"] == "invalid_payload"
    finally:
        facilitator.close()


def test_a_theme_has_a_title_in_each_plan_language_and_a_missing_one_stays_missing(shared_server):
    facilitator = Client(shared_server.url, shared_server.facilitator)
    try:
        theme = facilitator.send("theme.create", {"title": "Trasporto notturno", "titles": {"en": "Night transport"}})[
            "theme"
        ]
        view = next(t for t in facilitator.sync()["themes"] if t["id"] == theme)
        assert view["title"] == "Trasporto notturno" and view["titles"] == {"en": "Night transport"}
        bad = facilitator.send("theme.update", {"theme": theme, "titles": {"fr": "Transport de nuit"}})
        assert bad["error"]["code"] == "invalid_payload" and "titles.fr" in bad["error"]["message"]
        assert facilitator.send("theme.update", {"theme": theme, "titles": {"en": " Night  buses "}})["ok"]
        assert next(t for t in facilitator.sync()["themes"] if t["id"] == theme)["titles"] == {"en": "Night buses"}
        assert facilitator.send("theme.update", {"theme": theme, "titles": {"en": ""}})["ok"]  # removed
        assert next(t for t in facilitator.sync()["themes"] if t["id"] == theme)["titles"] == {}
    finally:
        facilitator.close()
