"""The screens in a real browser (Debian's chromium through Playwright): phone, console, projector."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser


def test_a_phone_idea_reaches_the_console_and_projector_and_its_dots_are_counted(browser, server):
    facilitator = Client(server.url, server.facilitator)
    table = server.tables()[4]
    phone = phone_page(browser)
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="it-IT").new_page()
    for page in (phone, console, projector):
        page.set_default_timeout(10_000)
    try:
        console.goto(f"{server.url}/console/{server.facilitator}")
        projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
        phone.goto(f"{server.url}/j/{table[3]}")
        phone.get_by_text("Tavolo 5").first.wait_for()
        phone.select_option("#category", "cittadini")
        phone.select_option("#zone", "z06")
        phone.get_by_role("button", name="Salva").click()
        phone.locator("#profile").wait_for(state="hidden")

        assert facilitator.send("phase.start", {"phase": 2})["ok"]
        phone.locator("#capture").wait_for(state="visible")
        phone.fill("#idea-text", "Treni più frequenti in Val di Susa")
        phone.select_option("#idea-axis", "mobilita")
        phone.get_by_label("Esigenza", exact=True).check()
        phone.get_by_role("button", name="Invia l'idea").click()
        phone.locator("#ideas").get_by_text("Treni più frequenti in Val di Susa").wait_for()
        shot(phone, "phone-capture")
        console.locator("#ideas").get_by_text("Treni più frequenti in Val di Susa").wait_for()
        projector.locator(".p-wall").get_by_text("Treni più frequenti in Val di Susa").wait_for()
        shot(console, "console-capture")
        shot(projector, "projector-wall")

        idea = facilitator.sync()["ideas"][0]["id"]
        themes = [
            facilitator.send("theme.create", {"title": title, "axis": "mobilita", "ideas": ids})["theme"]
            for title, ids in (("Ferrovie metropolitane", [idea]), ("Piste ciclabili intercomunali", []))
        ]
        for theme in themes:
            facilitator.send("theme.ballot", {"theme": theme})
        facilitator.send("phase.start", {"phase": 4})
        assert facilitator.send("vote.open")["ok"]
        phone.locator("#vote").wait_for(state="visible")
        shot(phone, "phone-vote-open")
        plus = phone.get_by_role("button", name="+ Ferrovie metropolitane")
        plus.click()
        phone.locator("#dots-left").filter(has_text="4 / 5").wait_for()
        plus.click()
        plus.click()
        phone.locator("#dots-left").filter(has_text="2 / 5").wait_for()
        assert plus.is_disabled()  # three on one item is the cap
        shot(phone, "phone-vote")
        console.locator("#tally").get_by_text("Ferrovie metropolitane").wait_for()

        facilitator.send("vote.close")
        facilitator.send("vote.reveal", {"revealed": True})
        projector.locator(".p-ranking").get_by_text("Ferrovie metropolitane").wait_for()
        phone.locator("#results").wait_for(state="visible")
        shot(projector, "projector-results")
        shot(console, "console-results")
        tally = facilitator.sync()["tally"]
        assert tally["ranking"][0]["dots"] == 3
        # one voter from the Val di Susa: a zone of one is never shown alone (privacy.min_group is 5)
        assert tally["by_zone"] == {} and tally["by_category"] == {}
    finally:
        facilitator.close()


def test_live_updates_leave_what_the_theme_team_is_working_on_in_place(browser, server):
    """Updates arrive several times a second: an open dropdown or a half-done click must survive them."""
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": 2})
    first = facilitator.send("idea.add", {"text": "Asili nido nei piccoli comuni", "axis": "inclusione", "table": 1})[
        "idea"
    ]
    facilitator.send("theme.create", {"title": "Servizi per l'infanzia", "axis": "inclusione"})
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    try:
        console.goto(f"{server.url}/console/{server.setting('theme_token')}")
        item = console.locator(f'#ideas li[data-idea="{first}"]')
        item.wait_for()
        item.evaluate("el => el.dataset.probe = 'still me'")
        item.locator("select").focus()
        for n in range(5):
            facilitator.send("idea.add", {"text": f"Altra idea numero {n}", "axis": "salute", "table": 2})
        console.locator("#ideas").get_by_text("Altra idea numero 4").wait_for()
        assert item.evaluate("el => el.dataset.probe") == "still me"
        assert console.evaluate("document.activeElement.closest('li')?.dataset.idea") == str(first)
    finally:
        facilitator.close()
