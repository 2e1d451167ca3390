"""The facilitator runs the event from the console by clicking, as on the day."""
from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot

pytestmark = pytest.mark.browser


def test_a_facilitator_runs_capture_clustering_and_the_vote_from_the_console(browser, server):
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    console.on("dialog", lambda dialog: dialog.accept())  # "Start this phase now?", "Close the vote now?"
    phone = phone_page(browser)
    console.goto(f"{server.url}/console/{server.facilitator}")
    phone.goto(f"{server.url}/j/{server.tables()[2][3]}")

    console.locator("#seats-summary").filter(has_text="Posti: 1 / 396").wait_for()  # 33 tables × (10 + 2)
    console.locator("#seats-box summary").click()
    console.locator("#seats li").nth(2).filter(has_text="1/12").wait_for()
    console.fill("#headroom", "4")
    console.get_by_role("button", name="Salva").click()
    console.locator("#seats-summary").filter(has_text="Posti: 1 / 462").wait_for()
    console.locator("#seats li").nth(2).filter(has_text="1/14").wait_for()

    agenda = console.locator("#agenda li")
    agenda.nth(2).get_by_role("button", name="Avvia").click()
    console.locator("#agenda li.current").filter(has_text="Lavoro ai tavoli").wait_for()
    phone.locator("#capture").wait_for(state="visible")
    for text in ("Bus notturni nel fine settimana", "Parcheggi di interscambio alle stazioni"):
        phone.fill("#idea-text", text)
        phone.select_option("#idea-axis", "mobilita")
        phone.get_by_role("button", name="Invia l'idea").click()
        console.locator("#ideas").get_by_text(text).wait_for()

    for title in ("Trasporto notturno", "Intermodalità"):
        console.fill("#theme-title", title)
        console.get_by_role("button", name="Crea").click()
        console.locator("#themes").get_by_text(title).wait_for()
    idea = console.locator("#ideas li").filter(has_text="Bus notturni nel fine settimana")
    idea.locator("select").select_option(label="#1 Trasporto notturno")
    console.locator("#themes li").filter(has_text="Trasporto notturno").get_by_text("Bus notturni").wait_for()
    for title in ("Trasporto notturno", "Intermodalità"):
        theme = console.locator("#themes li.theme").filter(has_text=title)
        theme.get_by_role("button", name="Metti nella scheda").click()
        theme.get_by_role("button", name="Togli dalla scheda").wait_for()

    agenda.nth(4).get_by_role("button", name="Avvia").click()
    console.get_by_role("button", name="Apri il voto").click()
    console.locator("#vote-state").filter(has_text="Voto aperto").wait_for()
    phone.get_by_role("button", name="+ Trasporto notturno").click()
    phone.locator("#dots-left").filter(has_text="4 / 5").wait_for()
    console.locator("#voters").filter(has_text="1 votante ·").wait_for()

    console.get_by_role("button", name="Chiudi il voto").click()
    console.locator("#vote-state").filter(has_text="Il voto è chiuso").wait_for()
    phone.locator("#waiting").filter(has_text="I risultati saranno mostrati").wait_for()
    console.get_by_role("button", name="Mostra i risultati").click()
    phone.locator("#ranking li").first.filter(has_text="Trasporto notturno").wait_for()
    shot(console, "console-driven")
    shot(phone, "phone-results")
