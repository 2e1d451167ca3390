"""After the event, in the browser: the facilitator imports the listening day's export from the console's
panel (its ideas appear with where they came from), publishes the results page, and a phone finds the link
to it and reads it."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import phone_page, shot
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser


def listening_export() -> dict:
    """A listening day's JSON export as its console gives it (the parts an import reads)."""
    return {
        "event": {
            "id": "psm-ascolto-2024",
            "title": "PSM Torino · Evento di ascolto",
            "date": "2023-10-16",
            "export_format": 1,
        },
        "ideas": [
            {
                "id": 1,
                "table": "3",
                "channel": "room",
                "axis": "mobilita",
                "kind": "need",
                "text": "Treni ogni 30 minuti sulla Torino–Pinerolo",
                "hidden": False,
                "held": False,
                "starred": True,
                "merged_into": "",
                "theme": 1,
                "category": "cittadini",
                "zone": "z05",
            },
            {
                "id": 2,
                "table": "6",
                "channel": "room",
                "axis": "salute",
                "kind": "proposal",
                "text": "Case della salute aperte anche il sabato",
                "hidden": False,
                "held": False,
                "starred": False,
                "merged_into": "",
                "theme": "",
                "category": "",
                "zone": "",
            },
            {
                "id": 3,
                "table": "online-1",
                "channel": "online",
                "axis": "digitale",
                "kind": "need",
                "text": "Sportelli comunali in videochiamata per chi vive in montagna",
                "hidden": False,
                "held": False,
                "starred": False,
                "merged_into": "",
                "theme": "",
                "category": "",
                "zone": "",
            },
        ],
        "themes": [
            {
                "id": 1,
                "title": "Trasporto pubblico frequente oltre Torino",
                "axis": "mobilita",
                "title_en": "Frequent public transport beyond Turin",
            }
        ],
    }


def test_the_console_imports_the_listening_day_and_publishes_the_results_for_the_phones(browser, server, tmp_path):
    export = tmp_path / "psm-ascolto-2024.json"
    export.write_text(json.dumps(listening_export(), ensure_ascii=False), encoding="utf-8")
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    phone = phone_page(browser)
    try:
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        phone.locator("#phase-title").wait_for()
        assert phone.locator("#published").is_hidden()
        console.goto(f"{server.url}/console/{server.facilitator}")
        console.locator("#after-box summary").click()
        console.set_input_files("#import-file", str(export))
        console.get_by_role("button", name="Importa", exact=True).click()
        console.locator("#import-status").filter(has_text="Importate da psm-ascolto-2024: idee 3, temi 1.").wait_for()
        card = console.locator("#ideas li.idea").filter(has_text="Torino–Pinerolo")
        card.locator(".badge.origin").filter(has_text="psm-ascolto-2024 · Tavolo 3").wait_for()
        online = console.locator("#ideas li.idea").filter(has_text="videochiamata")
        online.locator(".badge.origin").filter(has_text="psm-ascolto-2024 · Gruppo online 1").wait_for()
        console.locator("#themes").get_by_text("Trasporto pubblico frequente oltre Torino").wait_for()
        console.get_by_role("button", name="Importa", exact=True).click()  # the same file again
        console.locator("#import-status").filter(has_text="Niente di nuovo").wait_for()
        shot(console, "console-import")

        console.get_by_label("Pubblica la pagina dei risultati per tutti").check()
        link = phone.get_by_role("link", name="Guarda che cosa è emerso dall'evento")
        link.wait_for()
        link.click()
        phone.get_by_role("heading", name="PSM Torino 2024–2026 · Evento di co-pianificazione").wait_for()
        phone.get_by_text("Trasporto pubblico frequente oltre Torino").first.wait_for()
        assert "da psm-ascolto-2024" in phone.content()
        shot(phone, "phone-results-page")
        staff = Client(server.url, server.facilitator)
        assert staff.sync()["control"]["results_public"] is True
        staff.close()
    finally:
        console.context.close()
        phone.context.close()
