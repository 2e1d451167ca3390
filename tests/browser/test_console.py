"""The facilitator runs the event from the console by clicking, as on the day: never a browser dialog, only
what is possible now enabled, and what the room will see or cannot be undone confirmed in the page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser


def test_a_facilitator_runs_capture_clustering_and_the_vote_from_the_console(browser, server):
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    native: list[str] = []
    console.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
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
    in_page(console, "Avvia")
    console.locator("#agenda li.current").filter(has_text="Lavoro ai tavoli").wait_for()
    assert agenda.nth(2).get_by_role("button").count() == 0  # the current phase cannot be restarted by a click
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
    in_page(console, "Avvia")
    console.get_by_role("button", name="Apri il voto").click()
    console.locator("#vote-state").filter(has_text="Voto aperto").wait_for()
    phone.get_by_role("button", name="+ Trasporto notturno").click()
    phone.locator("#dots-left").filter(has_text="4 / 5").wait_for()
    console.locator("#voters").filter(has_text="1 votante ·").wait_for()

    console.locator("#vote-close").click()
    in_page(console, "Chiudi il voto")
    console.locator("#vote-state").filter(has_text="Il voto è chiuso").wait_for()
    phone.locator("#waiting").filter(has_text="I risultati saranno mostrati").wait_for()
    console.locator("#vote-reveal").click()
    in_page(console, "Mostra i risultati")
    phone.locator("#ranking li").first.filter(has_text="Trasporto notturno").wait_for()
    shot(console, "console-driven")
    shot(phone, "phone-results")
    assert native == []


def in_page(page, confirm: str) -> None:
    """Answer the console's in-page confirmation with its confirm button."""
    page.locator("dialog.ask").get_by_role("button", name=confirm).click()
    page.locator("dialog.ask").wait_for(state="detached")


def test_a_closed_vote_cannot_be_reopened_by_one_click_and_the_controls_follow_the_state(browser, server):
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": 2})
    ideas = [
        facilitator.send("idea.add", {"text": text, "axis": "mobilita", "table": 1})["idea"]
        for text in ("Bus di notte nel fine settimana", "Autobus notturni il sabato")
    ]
    themes = [facilitator.send("theme.create", {"title": title})["theme"] for title in ("Notte", "Stazioni")]
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    native: list[str] = []
    console.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    console.goto(f"{server.url}/console/{server.facilitator}")
    try:
        button = {
            name: console.locator(f"#{name}")
            for name in (
                "vote-open",
                "vote-reopen",
                "vote-close",
                "vote-reveal",
                "vote-hide",
                "timer-pause",
                "timer-resume",
            )
        }
        console.locator("#agenda li.current").wait_for()
        # during the capture the agenda's next step leads, not the vote
        assert button["vote-open"].is_enabled() and "primary" not in (button["vote-open"].get_attribute("class") or "")
        assert "primary" in console.locator("#next-start").get_attribute("class")
        assert not any(button[b].is_enabled() for b in ("vote-close", "vote-reveal", "vote-hide", "timer-resume"))
        assert button["timer-pause"].is_enabled() and button["vote-reopen"].is_hidden()

        # rename in place, click-to-merge: no prompt() anywhere
        theme = console.locator("#themes li.theme").filter(has_text="Notte")
        theme.get_by_role("button", name="Rinomina").click()
        field = console.locator("#themes .inline-field")  # the title is now a field
        field.fill("Trasporto notturno")
        field.press("Enter")
        console.locator("#themes").get_by_text("Trasporto notturno").wait_for()
        console.locator(f'#ideas li[data-idea="{ideas[1]}"]').get_by_role("button", name="Unisci…").click()
        console.locator(f'#ideas li[data-idea="{ideas[0]}"]').get_by_role("button", name="Unisci qui").click()
        console.locator(f'#ideas li[data-idea="{ideas[1]}"]').wait_for(state="detached")  # merged: off the list
        assert next(i for i in facilitator.sync()["ideas"] if i["id"] == ideas[1])["merged_into"] == ideas[0]

        # deleting a theme asks first; Esc keeps it
        console.locator("#themes li.theme").filter(has_text="Stazioni").get_by_role("button", name="Elimina").click()
        console.locator("dialog.ask").wait_for()
        console.keyboard.press("Escape")
        console.locator("dialog.ask").wait_for(state="detached")
        assert len(facilitator.sync()["themes"]) == 2

        for theme_id in themes:
            facilitator.send("theme.ballot", {"theme": theme_id})
        button["vote-open"].click()
        console.locator("#vote-close.primary").wait_for()
        button["vote-close"].click()
        in_page(console, "Chiudi il voto")
        console.locator("#vote-reveal.primary").wait_for()
        button["vote-reveal"].click()
        in_page(console, "Mostra i risultati")
        button["vote-hide"].wait_for(state="visible")
        console.locator("#vote-hide:enabled").wait_for()
        assert button["vote-open"].is_hidden() and not button["vote-reveal"].is_enabled()
        shot(console, "console-vote-revealed")

        # one click on "Reopen" only asks; Enter alone answers the safe way (Cancel has the focus)
        button["vote-reopen"].click()
        console.locator("dialog.ask").wait_for()
        shot(console, "console-ask-reopen")
        console.keyboard.press("Enter")
        console.locator("dialog.ask").wait_for(state="detached")
        assert facilitator.sync()["control"]["vote"]["state"] == "closed"
        button["vote-reopen"].click()
        in_page(console, "Riapri il voto")
        console.locator("#vote-state").filter(has_text="Voto aperto").wait_for()
        assert native == []
    finally:
        facilitator.close()
        console.context.close()


def test_the_console_flags_a_group_under_its_target_while_people_arrive(browser, server):
    from tests.realtime.clients import join

    profiles = ["cittadini"] * 9 + ["stakeholder"] * 4  # no institutions yet: 0% against a 30% target
    for n, category in enumerate(profiles):
        phone = Client(server.url, cookie=join(server.url, server.tables()[n % 10][3]))  # all from Turin
        assert phone.send("profile.set", {"category": category, "zone": "z01"})["ok"]
        phone.close()
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    try:
        console.goto(f"{server.url}/console/{server.facilitator}")
        console.locator("#seats-summary").filter(has_text="sotto l'obiettivo: Istituzioni").wait_for()
        console.locator("#seats-box summary").click()
        short = console.locator(".crowd-table").first.locator("tr.short")  # the categories
        short.filter(has_text="Istituzioni").wait_for()
        assert short.count() == 1  # citizens (69% vs 40%) and stakeholders (31% vs 30%) are not flagged
        shot(console, "console-who-is-in-the-room")
    finally:
        console.context.close()


def test_the_next_step_is_always_in_view_and_primary_and_a_hall_of_tables_leaves_room_for_the_ideas(browser, tmp_path):
    from facilitation.resources import bundled_plan
    from tests.conftest import start_server, stop_server

    for plan in ("psm-torino-2024", "psm-ascolto-2024"):
        (tmp_path / plan).mkdir()
        server = start_server(tmp_path / plan, plan=bundled_plan(plan))
        staff = Client(server.url, server.facilitator)
        try:
            assert staff.send("phase.start", {"phase": 2})["ok"]
            tables = [t[0] for t in server.tables()]
            for n in range(90):  # ideas at every table of the hall
                assert staff.send(
                    "idea.add",
                    {"text": f"Idea {n}: più corse serali", "axis": "mobilita", "table": tables[n % len(tables)]},
                )["ok"]
            for width, height in ((1440, 900), (1280, 800)):
                console = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT").new_page()
                console.set_default_timeout(10_000)
                console.goto(f"{server.url}/console/{server.facilitator}")
                start = console.locator("#next-start")
                start.wait_for()
                box = start.bounding_box()
                assert box["y"] + box["height"] <= height  # in view without scrolling
                assert "primary" in start.get_attribute("class")
                assert console.locator(".control-strip button.primary:visible").count() == 1  # one next step
                assert console.locator("#agenda li.next, #agenda .steps button.primary").count() == 1  # the agenda too
                if plan == "psm-ascolto-2024":  # a listening day has no vote: no vote controls
                    assert console.locator("#vote-box").is_hidden()
                else:
                    assert "primary" not in (console.locator("#vote-open").get_attribute("class") or "")
                # the ideas column shows ideas, not a wall of table buttons
                console.locator("#ideas-section").scroll_into_view_if_needed()
                shown = console.evaluate("""() => [...document.querySelectorAll('#ideas > li')].filter((li) => {
                    const r = li.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }).length""")
                assert shown >= 3, (plan, width, shown)  # at 1280×800 the 31 table buttons left one
                assert "Idee per tavolo" in console.locator("#table-counts-summary").inner_text()
                shot(console, f"console-{plan}-{width}-next-step")
                console.context.close()
            if plan == "psm-torino-2024":  # in the vote's phase, the vote leads
                for title in ("Corse serali", "Piste ciclabili"):
                    theme = staff.send("theme.create", {"title": title, "axis": "mobilita"})["theme"]
                    assert staff.send("theme.ballot", {"theme": theme})["ok"]
                assert staff.send("phase.start", {"phase": 4})["ok"]
                console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
                console.goto(f"{server.url}/console/{server.facilitator}")
                console.locator("#vote-open.primary").wait_for()
                assert "primary" not in (console.locator("#next-start").get_attribute("class") or "")
                # once the results are out the vote has nothing left to do: the agenda's next step leads again
                for step in ("vote.open", "vote.close"):
                    answer = staff.send(step)
                    assert answer["ok"], answer
                console.locator("#vote-reveal.primary").wait_for()
                assert staff.send("vote.reveal", {"revealed": True})["ok"]
                console.locator("#next-start.primary").wait_for()
                assert console.locator(".control-strip button.primary:visible").count() == 1
                console.context.close()
        finally:
            staff.close()
            stop_server(server)


def test_every_console_panel_works_at_hall_scale_without_a_browser_error(browser, server):
    """The console's panels (one module each) at hall scale: the filters, the breakdowns, merge suggestions, who
    joined a table, the projector's choice, a phase start; no script error and no failed request on the way."""
    from tests.browser.test_hall_screens import _hall

    staff, _, _, phones = _hall(server)
    errors = []
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    console.on("pageerror", lambda error: errors.append(str(error)))
    console.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        console.goto(f"{server.url}/console/{server.facilitator}")
        console.locator("#next-start").wait_for()
        console.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        console.select_option("#filter-axis", "mobilita")
        console.fill("#filter-text", "corse serali")
        console.locator("#ideas > li").filter(has_text="Servono corse serali").wait_for()
        console.locator("#idea-count").filter(has_text="(1)").wait_for()
        console.select_option("#breakdown", "by_axis")
        console.locator("#suggest").click()
        console.locator("#suggest-summary").filter(has_text="(").wait_for()
        console.locator(".seat-open").first.click()
        console.locator("#seat-people").filter(has_text="1 partecipante").wait_for()
        console.locator("[data-screen=wall]").click()
        console.locator("#projector-now").filter(has_text="Muro delle idee").wait_for()
        assert staff.send("phase.start", {"phase": 4})["ok"]
        console.locator("#phase-title").filter(has_text="Voto").wait_for()
        assert errors == []
    finally:
        console.context.close()
        staff.close()
        for phone in phones:
            phone.close()
