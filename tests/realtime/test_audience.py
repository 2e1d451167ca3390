"""Who sees what has one home (facilitation.services.audience): every screen's snapshot holds exactly the
topics its updates carry, and nothing a role may not see."""

import time

from tests.realtime.clients import Client, new_phone

TOPICS = {"control", "themes", "tally", "stats", "seats", "ideas"}


def test_each_screen_loads_exactly_the_topics_it_is_then_sent(event):
    server, facilitator = event
    tables = server.tables()
    screens = {
        "facilitator": facilitator,
        "theme": Client(server.url, server.setting("theme_token")),
        "observer": Client(server.url, server.setting("observer_token")),
        "projector": Client(server.url, server.setting("projector_token")),
        "scribe": Client(server.url, tables[7][4]),
        "phone": new_phone(server, 7),
    }
    for screen in screens.values():
        screen.updates.clear()
    # touch every topic: a join (stats, seats), an idea at table 8 (ideas), themes, the vote, a dot, the reveal
    writer = new_phone(server, 7)
    assert writer.send("idea.add", {"text": "Una biblioteca aperta la sera", "axis": "istruzione"})["ok"]
    themes = [facilitator.send("theme.create", {"title": f"Scelta {n}"})["theme"] for n in range(2)]
    for theme in themes:
        assert facilitator.send("theme.ballot", {"theme": theme})["ok"]
    assert facilitator.send("vote.open")["ok"]
    assert writer.send("dot.place", {"theme": themes[0]})["ok"]
    assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
    time.sleep(1)  # a few broadcast ticks
    expected = {
        "facilitator": TOPICS,
        "theme": TOPICS,
        "observer": TOPICS,
        "projector": {"control", "themes", "tally", "stats", "ideas"},
        "scribe": {"control", "themes", "ideas"},
        "phone": {"control", "themes", "tally", "ideas"},
    }
    for name, screen in screens.items():
        sent = set().union(*(update.keys() for update in screen.updates)) - {"version"}
        loaded = set(screen.sync()) & TOPICS
        assert sent == loaded == expected[name], (name, sent, loaded)
    assert facilitator.send("vote.close")["ok"]
    for name in ("theme", "observer", "projector", "scribe", "phone"):
        screens[name].close()
    writer.close()
