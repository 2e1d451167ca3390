"""Text from the room cannot spoof or break a screen: bidirectional controls are dropped, long words wrap."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot
from tests.realtime.clients import Client, join

pytestmark = pytest.mark.browser

LONG_WORD = "Partecipazione" * 28 + "aaaaaaa"  # 399 letters, no space to break at
SPOOF = "Il progetto \u202egpj.exe\u202c e \u2067isolato\u2069 fine"


def test_long_words_wrap_and_bidi_controls_are_gone_on_every_screen(browser, server):
    facilitator = Client(server.url, server.facilitator)
    assert facilitator.send("phase.start", {"phase": 2})["ok"]
    writer = Client(server.url, cookie=join(server.url, server.tables()[0][3]))
    idea = writer.send("idea.add", {"text": SPOOF + " " + LONG_WORD[:300], "axis": "verde"})
    assert idea["ok"]
    theme = facilitator.send("theme.create", {"title": LONG_WORD[:190] + " \u202eabc", "axis": "verde"})["theme"]
    other = facilitator.send("theme.create", {"title": "Boschi urbani", "axis": "verde"})["theme"]
    for t in (theme, other):
        assert facilitator.send("theme.ballot", {"theme": t})["ok"]
    stored = {i["id"]: i for i in facilitator.sync()["ideas"]}[idea["idea"]]["text"]
    assert "\u202e" not in stored and "\u2067" not in stored and stored.startswith("Il progetto gpj.exe e isolato")
    assert all("\u202e" not in t["title"] for t in facilitator.sync()["themes"])
    facilitator.send("phase.start", {"phase": 4})
    assert facilitator.send("vote.open")["ok"]

    phone = phone_page(browser)
    phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
    phone.locator("#vote").wait_for(state="visible")
    console = browser.new_context(viewport={"width": 1280, "height": 800}, locale="it-IT").new_page()
    console.goto(f"{server.url}/console/{server.facilitator}")
    console.locator("#ideas").get_by_text("Il progetto gpj.exe").wait_for()
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="it-IT").new_page()
    projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
    table = browser.new_context(viewport={"width": 800, "height": 1000}, locale="it-IT").new_page()
    table.goto(f"{server.url}/table/{server.tables()[0][4]}")
    table.locator("#ideas").get_by_text("Il progetto gpj.exe").wait_for()
    for name, page, width in (
        ("phone", phone, 390),
        ("console", console, 1280),
        ("projector", projector, 1280),
        ("table", table, 800),
    ):
        page.wait_for_timeout(300)
        shot(page, f"long-word-{name}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the {name} screen is {scroll} px wide at a {width} px viewport"
    writer.close()
    facilitator.close()
