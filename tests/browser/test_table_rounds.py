"""A World Café in the browser, on the launch plan: the facilitator moves the rounds on from the console's
agenda, the table screen shows each round's question and keeps the table's note of it, the console's panel
shows the notes table by table, and the phone and projector show the round in progress."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot
from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client
from tests.realtime.test_table_rounds import CAFE, LAUNCH

pytestmark = pytest.mark.browser


def test_a_world_cafe_round_by_round_with_the_tables_notes(browser, tmp_path):
    server = start_server(tmp_path, plan=LAUNCH)
    pages = []

    def page(width, height, mobile=False):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="it-IT", is_mobile=mobile, has_touch=mobile
        )
        pages.append(context)
        new = context.new_page()
        new.set_default_timeout(10_000)
        return new

    try:
        tables = server.tables()
        console = page(1440, 900)
        native: list[str] = []
        console.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
        host = page(1024, 768)
        projector = page(1280, 720)
        phone = phone_page(browser)
        pages.append(phone.context)
        console.goto(f"{server.url}/console/{server.facilitator}")
        host.goto(f"{server.url}/table/{tables[0][4]}")
        projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
        phone.goto(f"{server.url}/j/{tables[0][3]}")

        console.locator("#agenda li").nth(CAFE).get_by_role("button", name="Avvia").click()
        console.locator("dialog.ask").get_by_role("button", name="Avvia").click()
        steps = console.locator("#agenda li.current .steps li")
        steps.nth(2).wait_for()
        assert steps.nth(0).locator(".badge").count() == 1
        host.locator("#phase-title").filter(has_text="World Café sui sei assi · Giro 1 · Le esigenze").wait_for()
        assert "Di che cosa ha più bisogno" in host.locator("#phase-prompt").inner_text()
        phone.locator("#phase-prompt").filter(has_text="Di che cosa ha più bisogno").wait_for()
        projector.locator("#phase-title").filter(has_text="Giro 1 · Le esigenze").wait_for()

        host.locator("#harvest-step").filter(has_text="Giro 1 · Le esigenze").wait_for()
        host.fill("#harvest-text", "Trasporti tra le valli\nCase per giovani coppie")
        host.get_by_role("button", name="Salva la nota").click()
        host.locator("#harvest-saved").wait_for(state="visible")
        shot(host, "table-harvest-round-1")

        # the next round is the console's primary button in the agenda
        next_round = steps.nth(1).get_by_role("button", name="Avvia")
        assert "primary" in next_round.get_attribute("class")
        next_round.click()
        ask = console.locator("dialog.ask")  # confirmed in the page, as a phase is: it restarts the timer
        ask.filter(has_text="tutti i tavoli passano a questo giro").wait_for()
        assert host.locator("#harvest-step").inner_text() == "Giro 1 · Le esigenze"  # nothing moved yet
        ask.get_by_role("button", name="Avvia").click()
        host.locator("#harvest-step").filter(has_text="Giro 2 · Le proposte").wait_for()
        assert host.input_value("#harvest-text") == ""  # a new round, a new note
        host.locator("#harvest-notes li").filter(has_text="Case per giovani coppie").wait_for()  # last round's
        projector.locator("#phase-title").filter(has_text="Giro 2 · Le proposte").wait_for()
        host.fill("#harvest-text", "Un servizio di bus a chiamata")
        host.get_by_role("button", name="Salva la nota").click()
        host.locator("#harvest-saved").wait_for(state="visible")
        shot(projector, "projector-world-cafe-round-2")
        shot(phone, "phone-world-cafe-round-2")

        console.locator("#harvest-box summary").click()
        console.locator("#harvest-summary").filter(has_text="Note dai tavoli (2)").wait_for()
        groups = console.locator("#harvests .group")
        assert groups.count() == 2
        assert "Giro 1 · Le esigenze" in groups.nth(0).inner_text() and "Tavolo 1" in groups.nth(0).inner_text()
        assert "Un servizio di bus a chiamata" in groups.nth(1).inner_text()
        shot(console, "console-world-cafe-notes")
        assert native == []
    finally:
        for context in pages:
            context.close()
        stop_server(server)


def test_a_note_being_written_when_the_next_round_starts_is_saved_under_its_own_round(browser, tmp_path):
    server = start_server(tmp_path, plan=LAUNCH)
    facilitator = Client(server.url, server.facilitator)
    host = browser.new_context(viewport={"width": 1024, "height": 768}, locale="it-IT").new_page()
    host.set_default_timeout(10_000)
    try:
        assert facilitator.send("phase.start", {"phase": CAFE})["ok"]
        host.goto(f"{server.url}/table/{server.tables()[0][4]}")
        host.locator("#harvest-step").filter(has_text="Giro 1 · Le esigenze").wait_for()
        host.fill("#harvest-text", "Trasporti tra le valli")  # still typing, not saved...
        assert facilitator.send("phase.step", {"step": 1})["ok"]  # ...when round 2 starts
        host.locator("#phase-title").filter(has_text="Giro 2").wait_for()
        assert host.locator("#harvest-step").inner_text() == "Giro 1 · Le esigenze"  # the field keeps its round
        assert host.locator("#harvest-earlier").is_visible()
        assert host.input_value("#harvest-text") == "Trasporti tra le valli"
        shot(host, "table-harvest-earlier-round")
        host.get_by_role("button", name="Salva la nota").click()
        host.locator("#harvest-step").filter(has_text="Giro 2 · Le proposte").wait_for()  # then moves on
        assert host.input_value("#harvest-text") == "" and not host.locator("#harvest-earlier").is_visible()
        host.locator("#harvest-notes li").filter(has_text="Trasporti tra le valli").wait_for()
        notes = facilitator.sync()["harvests"]
        assert [(n["step"], n["text"]) for n in notes] == [(0, "Trasporti tra le valli")]  # round 1's, not 2's
    finally:
        facilitator.close()
        host.context.close()
        stop_server(server)
