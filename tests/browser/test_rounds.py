"""Rounds of voting in the browser: the facilitator starts a second round with 100 points from the console, the
phone shares its points out and sends them, a tie shows up as a one-click run-off, the phone ranks the run-off
(Borda), and the projector says which round the room is in."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot
from tests.browser.test_console import in_page
from tests.realtime.clients import Client, new_phone, open_vote

pytestmark = pytest.mark.browser
VOTING = 4


def test_a_second_round_with_points_and_a_run_off_by_ranking(browser, server):
    a, b, c = open_vote(server, ["Trasporto pubblico notturno", "Scuole aperte il pomeriggio", "Boschi urbani"])
    facilitator = Client(server.url, server.facilitator)
    assert facilitator.send("phase.start", {"phase": VOTING})["ok"]
    other = new_phone(server, 1)
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    native: list[str] = []
    console.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="it-IT").new_page()
    projector.set_default_timeout(10_000)
    phone = phone_page(browser)
    try:
        console.goto(f"{server.url}/console/{server.facilitator}")
        projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        phone.locator("#ballot li").nth(2).wait_for()
        for theme in (a, a, b):
            assert other.send("dot.place", {"theme": theme})["ok"]
        console.get_by_role("button", name="Chiudi il voto…").click()
        in_page(console, "Chiudi il voto")

        # Round 2 from the console: the same ballot, 100 points to share
        form = console.locator("#next-round")
        form.wait_for(state="visible")
        form.locator("#next-ballot").select_option("same")
        form.locator("#next-method").select_option("points")
        # an update arriving while the facilitator chooses does not put the method back
        assert facilitator.send("timer.adjust", {"seconds": 60})["ok"]
        console.wait_for_timeout(400)
        assert form.locator("#next-method").input_value() == "points"
        form.get_by_role("button", name="Avvia il turno successivo…").click()
        in_page(console, "Avvia il turno successivo")
        console.locator("#vote-round").filter(has_text="Turno 2 · 100 punti da distribuire").wait_for()
        assert console.locator("#vote-method").input_value() == "points"
        console.get_by_role("button", name="Apri il voto").click()

        ballot = phone.locator("#whole-ballot")
        ballot.wait_for(state="visible")
        phone.locator("#round-label").filter(has_text="Turno 2").wait_for()
        send = ballot.get_by_role("button", name="Invia i miei punti")
        assert send.is_disabled()  # nothing shared out yet
        for _ in range(6):
            phone.locator(f'[data-focus-key="more-{a}"]').click()
        phone.locator(f'[data-focus-key="points-{b}"]').fill("70")
        phone.locator(f'[data-focus-key="points-{b}"]').press("Enter")
        ballot.locator(".wb-head").filter(has_text="Punti rimasti: 0 / 100").wait_for()
        assert phone.locator(f'[data-focus-key="points-{a}"]').input_value() == "30"
        shot(phone, "phone-points-ballot")
        send.click()
        ballot.locator(".wb-note.complete").filter(has_text="La tua scheda è salvata").wait_for()
        assert ballot.get_by_role("button", name="Inviato ✓").is_disabled()
        # a change is a draft until sent again
        phone.locator(f'[data-focus-key="less-{b}"]').click()
        ballot.locator(".wb-note.changed").wait_for()
        phone.locator(f'[data-focus-key="more-{a}"]').click()
        ballot.get_by_role("button", name="Invia i miei punti").click()
        ballot.locator(".wb-note.complete").wait_for()
        shot(phone, "phone-points-saved")
        # the other phone gives the mirror image (after changing its mind twice), so the two tie at place 1
        assert other.send("ballot.cast", {"points": {str(a): 35, str(b): 65}})["ok"]
        assert other.send("ballot.cast", {"points": {str(a): 60, str(b): 35, str(c): 5}})["ok"]
        assert other.send("ballot.cast", {"points": {str(a): 65, str(b): 35}})["ok"]
        console.locator("#voters").filter(has_text="Turno 2 · 2 votanti · 200 punti").wait_for()
        projector.locator(".p-round").filter(has_text="Turno 2 · 100 punti da distribuire").wait_for()
        shot(projector, "projector-round-2-progress")

        console.get_by_role("button", name="Chiudi il voto…").click()
        in_page(console, "Chiudi il voto")
        tie = console.locator("#ties button")
        tie.filter(has_text="Spareggio · Posto 1").wait_for()
        console.locator("#next-method").select_option("borda")
        tie.click()
        in_page(console, "Avvia il turno successivo")
        console.locator("#vote-round").filter(has_text="Turno 3").wait_for()
        console.locator("#vote-round").filter(has_text="spareggio del pari merito al 1° posto nel turno 2").wait_for()
        console.get_by_role("button", name="Apri il voto").click()

        # Round 3: a run-off of two, ranked (the top 3 of a two-item ballot is both, in order)
        ballot.locator(".wb-head").filter(has_text="Metti in ordine le tue prime 2").wait_for()
        assert ballot.locator(".wb-list li").count() == 2
        phone.locator(f'[data-focus-key="rank-{b}"]').click()
        phone.locator(f'[data-focus-key="rank-{a}"]').click()
        assert phone.locator(f'[data-focus-key="rank-{b}"]').inner_text() == "1"
        shot(phone, "phone-ranking-ballot")
        ballot.get_by_role("button", name="Invia la mia classifica").click()
        ballot.locator(".wb-note.complete").wait_for()
        assert other.send("ballot.cast", {"order": [b, a]})["ok"]
        console.get_by_role("button", name="Chiudi il voto…").click()
        in_page(console, "Chiudi il voto")
        console.get_by_role("button", name="Mostra i risultati…").click()
        in_page(console, "Mostra i risultati")
        projector.locator(".p-round").filter(has_text="Turno 3").wait_for()
        projector.locator(".p-ranking li").nth(1).wait_for()
        assert projector.locator(".p-ranking li .p-score").all_inner_texts() == ["4", "2"]
        shot(projector, "projector-run-off-results")
        phone.locator("#results-round").filter(has_text="Turno 3").wait_for()
        assert phone.locator("#ranking .score").all_inner_texts() == ["4 punti", "2 punti"]

        # every round stays in the console's results
        console.locator("#breakdown").select_option("by_round")
        assert console.locator("#tally .group h3").count() == 3
        shot(console, "console-rounds")
        assert native == []
    finally:
        for page in (console, projector, phone):
            page.context.close()
        facilitator.close()
        other.close()


def test_a_100_point_draft_survives_a_reload_and_a_typed_split_replaces_the_number(browser, server):
    facilitator = Client(server.url, server.facilitator)
    ids = []
    for title in ("Trasporto pubblico notturno", "Scuole aperte il pomeriggio", "Boschi urbani"):
        ids.append(facilitator.send("theme.create", {"title": title})["theme"])
        assert facilitator.send("theme.ballot", {"theme": ids[-1]})["ok"]
    assert facilitator.send("vote.setup", {"method": "points"})["ok"]
    assert facilitator.send("vote.open")["ok"]
    a, b, c = ids
    phone = phone_page(browser)
    try:
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        ballot = phone.locator("#whole-ballot")
        ballot.wait_for(state="visible")
        for theme, points in ((a, "50"), (b, "30"), (c, "20")):  # typed: no taps of five
            field = phone.locator(f'[data-focus-key="points-{theme}"]')
            field.click()
            phone.keyboard.type(points)  # the field's 0 is selected: typing replaces it
            field.press("Enter")
        ballot.locator(".wb-head").filter(has_text="Punti rimasti: 0 / 100").wait_for()
        phone.reload()  # not sent yet: the draft is kept
        ballot.locator(".wb-head").filter(has_text="Punti rimasti: 0 / 100").wait_for()
        assert [phone.locator(f'[data-focus-key="points-{t}"]').input_value() for t in ids] == ["50", "30", "20"]
        ballot.get_by_role("button", name="Invia i miei punti").click()
        ballot.locator(".wb-note.complete").wait_for()
        phone.reload()  # sent: the server's ballot, saved
        ballot.locator(".wb-note.complete").wait_for()
        assert [phone.locator(f'[data-focus-key="points-{t}"]').input_value() for t in ids] == ["50", "30", "20"]
    finally:
        facilitator.close()
        phone.context.close()
