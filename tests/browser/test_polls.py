"""A quick poll in the browser: the facilitator creates and opens it on the console, phones answer (and
change their answer), the projector shows it, and the results appear on phones and projector once shown."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot

pytestmark = pytest.mark.browser


def test_a_check_in_poll_from_the_console_to_phones_and_projector(browser, server):
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="it-IT").new_page()
    phones = [phone_page(browser) for _ in range(3)]
    for page in (console, projector):
        page.set_default_timeout(10_000)
    try:
        console.goto(f"{server.url}/console/{server.facilitator}")
        projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
        for n, phone in enumerate(phones):
            phone.goto(f"{server.url}/j/{server.tables()[n][3]}")
        console.locator("#polls-box summary").click()
        console.fill("#poll-question", "Da dove arrivi oggi?")
        console.fill("#poll-options", "Torino\nPrima cintura\nResto del territorio")
        console.get_by_role("button", name="Crea il sondaggio").click()
        poll = console.locator("#poll-list li.poll").first
        poll.get_by_role("button", name="Apri").click()
        projector.locator('#stage[data-screen="poll"]').get_by_text("Da dove arrivi oggi?").wait_for()

        for n, phone in enumerate(phones):
            phone.locator("#poll").get_by_label(["Torino", "Prima cintura", "Resto del territorio"][n % 2]).check()
            phone.get_by_role("button", name="Rispondi").click()
            phone.locator("#poll .saved-note").wait_for()
        phones[2].locator("#poll").get_by_label("Resto del territorio").check()  # changes its mind
        phones[2].get_by_role("button", name="Cambia la mia risposta").click()
        console.locator("#poll-list li.poll").first.filter(has_text="3 ").wait_for()
        shot(phones[0], "phone-poll")

        poll.get_by_role("button", name="Chiudi").click()
        poll.get_by_role("button", name="Mostra i risultati").click()
        projector.locator(".p-poll .p-score").nth(2).filter(has_text="1").wait_for()
        scores = [projector.locator(".p-poll .p-score").nth(i).inner_text() for i in range(3)]
        assert scores == ["1", "1", "1"]
        phones[0].locator("#poll .poll-results .bar-fill").nth(2).wait_for()
        shot(projector, "projector-720-poll")
    finally:
        for page in (console, projector, *phones):
            page.context.close()


def test_showing_a_polls_results_during_the_vote_results_puts_them_on_the_projector_until_the_next_step(
    browser, server
):
    from tests.realtime.clients import Client, new_phone, open_vote

    themes = open_vote(server, ["Ferrovie metropolitane", "Piste ciclabili"])
    phone = new_phone(server)
    staff = Client(server.url, server.facilitator)
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="it-IT").new_page()
    try:
        assert phone.send("dot.place", {"theme": themes[0]})["ok"]
        assert staff.send("vote.close")["ok"] and staff.send("vote.reveal", {"revealed": True})["ok"]
        assert staff.send("phase.start", {"phase": 5})["ok"]  # the demo's results phase
        console.goto(f"{server.url}/console/{server.facilitator}")
        projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
        projector.locator('#stage[data-screen="results"]').wait_for()  # auto: the vote's results
        poll = staff.send("poll.create", {"question": "Com'è andata la giornata?", "kind": "scale"})["poll"]
        assert staff.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        projector.locator('#stage[data-screen="poll"]').wait_for()
        assert phone.send("poll.answer", {"poll": poll, "choices": [4]})["ok"]
        assert staff.send("poll.change", {"poll": poll, "state": "closed"})["ok"]
        projector.locator('#stage[data-screen="results"]').wait_for()  # closed, not shown: back to the results
        console.locator("#polls-box summary").click()
        console.locator("#poll-list li.poll").first.get_by_role("button", name="Mostra i risultati").click()
        # auto now shows what the facilitator just showed, and the console says so
        projector.locator('#stage[data-screen="poll"]').get_by_text("Com'è andata la giornata?").wait_for()
        projector.locator(".p-poll-count").filter(has_text="1").wait_for()
        console.locator("#projector-now").filter(has_text="Sondaggio").wait_for()
        shot(projector, "projector-720-poll-shown-over-results")
        assert staff.send("phase.start", {"phase": 6})["ok"]  # the event moves on: so does the projector
        projector.locator('#stage[data-screen="prompt"]').wait_for()
    finally:
        phone.close()
        staff.close()
        console.context.close()
        projector.context.close()
