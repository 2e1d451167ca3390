"""Online people see what the room sees: every phone has a view of what the hall's screen shows now (open on an
online participant's phone, folded on a phone in the hall), sized for the phone, following the facilitator's
choice live — the message, the idea wall from every table, the poll and its results, the questions, the vote's
progress and its results — with every word whole at 320 and 360 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import cut_text, shot
from tests.browser.test_hall_screens import LONG_IDEA, LONG_THEMES
from tests.browser.test_phone import no_sideways_scroll, small_phone
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser

CAPTURE, CLUSTERING, VOTING = 2, 3, 4


def _room_shows(page, text: str) -> None:
    page.locator("#room-screen").filter(has_text=text).wait_for(timeout=15_000)


def _whole(page, name: str) -> None:
    shot(page, name)
    assert cut_text(page, "#room") == [], name
    assert no_sideways_scroll(page), name


@pytest.mark.parametrize("width,height", [(320, 640), (360, 740)])
def test_an_online_phone_follows_the_room_screen_live_and_a_hall_phone_has_it_folded(browser, server, width, height):
    facilitator = Client(server.url, server.facilitator)
    online = small_phone(browser, width, height)
    hall = small_phone(browser, width, height)
    try:
        online.goto(f"{server.url}/j/{server.setting('online_code')}")
        hall.goto(f"{server.url}/j/{server.tables()[0][3]}")
        room = online.locator("details#room")
        room.wait_for()
        assert room.evaluate("(el) => el.open"), "an online participant cannot see the projector: open at once"
        assert not hall.locator("details#room").evaluate("(el) => el.open"), "in the hall the projector is in view"
        _room_shows(online, "Tu ci sei già")  # before the start the room's screen shows how to join

        # the facilitator's message reaches the online phone as it reaches the projector
        message = "Pausa caffè: si riprende alle 11.15 in sala grande"
        assert facilitator.send("projector.show", {"screen": "message", "message": message})["ok"]
        _room_shows(online, "si riprende alle 11.15")
        hall.locator("#room-what").filter(has_text="Messaggio").wait_for()  # folded, it still says what is up
        _whole(online, f"room-message-{width}")

        # the idea wall: ideas from other tables, never seen on this phone otherwise
        assert facilitator.send("projector.show", {"screen": "auto"})["ok"]
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        for n in range(12):
            text = LONG_IDEA if n == 3 else f"Idea {n} dal tavolo {n % 4 + 1}: corse serali più frequenti"
            assert facilitator.send("idea.add", {"text": text, "axis": "mobilita", "table": n % 4 + 1})["ok"]
        _room_shows(online, "Idea 11 dal tavolo 4")
        online.locator("#room-screen").get_by_role("button", name="Mostra tutte (12)").click()
        _room_shows(online, "Idea 0 dal tavolo 1")
        _whole(online, f"room-wall-{width}")

        # a poll: its question while open, then its results when the facilitator shows them
        options = [t[:120] for t in LONG_THEMES[:4]]
        poll = facilitator.send(
            "poll.create",
            {"question": "Quale servizio serale manca di più nel tuo comune?", "kind": "single", "options": options},
        )["poll"]
        assert facilitator.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        _room_shows(online, "Rispondi al sondaggio qui sotto")
        online.locator("#poll label.poll-choice").first.click()
        online.locator("#poll button[type=submit]").click()
        online.locator("#poll .saved-note").wait_for()
        assert facilitator.send("poll.change", {"poll": poll, "state": "closed", "revealed": True})["ok"]
        _room_shows(online, "1 hanno risposto")
        assert online.locator("#poll").is_hidden()  # its results once on the page, in the room's view
        hall.locator("#poll .poll-results").wait_for()  # a hall phone has them in its poll card
        _whole(online, f"room-poll-{width}")

        # the vote: its progress, then the results, once on the page (the room's view, not a second ranking)
        assert facilitator.send("phase.start", {"phase": CLUSTERING})["ok"]
        themes = [
            facilitator.send("theme.create", {"title": title, "axis": "mobilita"})["theme"] for title in LONG_THEMES[:5]
        ]
        for theme in themes:
            assert facilitator.send("theme.ballot", {"theme": theme})["ok"]
        _room_shows(online, LONG_THEMES[4])  # the themes forming
        assert facilitator.send("phase.start", {"phase": VOTING})["ok"]
        assert facilitator.send("vote.open")["ok"]
        _room_shows(online, "la tua scheda è qui sotto")
        online.locator("#ballot button.primary").first.click()
        _room_shows(online, "1 / 2 hanno votato")
        assert facilitator.send("vote.close")["ok"]
        assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
        online.locator('#room-screen[data-screen="results"] .ranking li').first.wait_for()
        assert online.locator("#results").is_hidden()  # the ranking is shown once, in the room's view
        assert hall.locator("#results").is_visible()  # a hall phone, its room view folded, has its own
        _whole(online, f"room-results-{width}")

        # questions, most supported first; and the dark screen says so
        assert facilitator.send("qa.set", {"open": True})["ok"]
        online.locator("#qa-text").fill("Le corse serali saranno anche nei giorni festivi nelle valli alpine?")
        online.locator("#qa-form button[type=submit]").click()
        online.locator("#qa-saved").wait_for()
        _room_shows(online, "nei giorni festivi")
        _whole(online, f"room-questions-{width}")
        assert facilitator.send("projector.show", {"screen": "blank"})["ok"]
        _room_shows(online, "schermo della sala è spento")

        # folding it is the person's choice, kept across a reload
        online.locator("details#room > summary").click()
        online.reload()
        online.locator("details#room").wait_for()
        online.wait_for_timeout(500)
        assert not online.locator("details#room").evaluate("(el) => el.open")
    finally:
        facilitator.close()
        online.context.close()
        hall.context.close()
