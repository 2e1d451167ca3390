"""The phone says where you stand: it fits a 320 px screen, says "saved" after each idea and after the last
dot, keeps the focus where the thumb was, shows results with bars, folds the optional profile once the work
starts, and speaks to online participants as such."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser

CAPTURE, VOTING = 2, 4
LONG_TITLES = (
    "Trasporto pubblico notturno tra i comuni della cintura e il capoluogo",
    "Scuole aperte il pomeriggio come presidi di comunità",
    "Boschi",
)


def small_phone(browser, width=320, height=640):
    page = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True, locale="it-IT"
    ).new_page()
    page.set_default_timeout(10_000)
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_phone_at_320_px_votes_sees_saved_and_then_results_with_bars(browser, server):
    facilitator = Client(server.url, server.facilitator)
    phone = small_phone(browser)
    try:
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        phone.locator("#profile[open]").wait_for()  # while people arrive, the optional profile is open
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        phone.locator("#capture").wait_for(state="visible")
        assert phone.locator("#profile").is_visible() and phone.locator("#profile[open]").count() == 0  # folded
        phone.fill("#idea-text", "Più corse serali dei bus extraurbani")
        phone.select_option("#idea-axis", "mobilita")
        phone.get_by_role("button", name="Invia l'idea").click()
        phone.locator("#ideas-saved").filter(has_text="1 inviate").wait_for()
        phone.reload()  # the count of ideas sent from this phone goes on after a reload
        phone.fill("#idea-text", "Parcheggi custoditi per le bici alle stazioni")
        phone.select_option("#idea-axis", "mobilita")
        phone.get_by_role("button", name="Invia l'idea").click()
        phone.locator("#ideas-saved").filter(has_text="2 inviate").wait_for()

        themes = [
            facilitator.send("theme.create", {"title": title, "axis": "mobilita"})["theme"] for title in LONG_TITLES
        ]
        for theme in themes:
            facilitator.send("theme.ballot", {"theme": theme})
        facilitator.send("phase.start", {"phase": VOTING})
        assert facilitator.send("vote.open")["ok"]
        phone.locator("#vote").wait_for(state="visible")
        phone.locator("#ballot li").nth(2).wait_for()
        assert no_sideways_scroll(phone)
        # nothing runs under the buttons: each title ends before its controls, or sits above them
        for box in phone.evaluate("""() => [...document.querySelectorAll('#ballot li')].map((li) => {
                const text = li.querySelector('.ballot-text').getBoundingClientRect();
                const controls = li.querySelector('.ballot-controls').getBoundingClientRect();
                return [text.right <= controls.left + 0.5, text.bottom <= controls.top + 0.5]; })"""):
            assert any(box)
        shot(phone, "phone-320-ballot")

        taps = [themes[0]] * 3 + [themes[1]] * 2
        for n, theme in enumerate(taps, start=1):
            plus = phone.locator(f'[data-focus-key="place-{theme}"]')
            plus.click()
            phone.locator("#dots-left").filter(has_text=f"{5 - n} / 5").wait_for()
            if n < 5:
                phone.locator("#vote-saved").filter(has_text=f"{n} dati").wait_for()
        phone.locator("#vote-saved.complete").filter(has_text="I tuoi 5 bollini sono salvati").wait_for()
        shot(phone, "phone-320-vote-saved")
        # the focus stayed on the control the thumb used (the + is now disabled: its item's − has it)
        assert phone.evaluate("document.activeElement.closest('#ballot li') !== null")

        facilitator.send("vote.close")
        facilitator.send("vote.reveal", {"revealed": True})
        phone.locator("#results").wait_for(state="visible")
        assert phone.locator("#ranking .bar-fill").count() == 3
        widths = phone.eval_on_selector_all("#ranking .bar-fill", "(bars) => bars.map((b) => b.style.width)")
        assert widths[0] == "100%" and widths[-1] == "0%"
        assert no_sideways_scroll(phone)
        shot(phone, "phone-320-results")
    finally:
        facilitator.close()
        phone.context.close()


def test_an_online_participant_reads_words_meant_for_online(browser, server):
    online_code = server.setting("online_code")
    phone = small_phone(browser, 390, 844)
    try:
        phone.goto(f"{server.url}/j/{online_code}")
        phone.get_by_role("heading", name="Le idee del tuo gruppo").wait_for()
        facilitator = Client(server.url, server.facilitator)
        facilitator.send("phase.start", {"phase": 0})  # the welcome asks to scan the table's QR code
        phone.locator("#phase-prompt").filter(has_text="gruppo online").wait_for()
        assert "QR" not in phone.locator("#phase-prompt").inner_text()
        facilitator.close()
    finally:
        phone.context.close()


def test_an_english_phone_reads_the_english_titles_and_sees_which_are_not_translated(browser, server):
    facilitator = Client(server.url, server.facilitator)
    translated = facilitator.send("theme.create", {"title": "Trasporto notturno", "titles": {"en": "Night transport"}})[
        "theme"
    ]
    untranslated = facilitator.send("theme.create", {"title": "Boschi e parchi"})["theme"]
    for theme in (translated, untranslated):
        facilitator.send("theme.ballot", {"theme": theme})
    facilitator.send("phase.start", {"phase": VOTING})
    facilitator.send("vote.open")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-GB").new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        ballot = phone.locator("#ballot")
        ballot.get_by_text("Night transport").wait_for()
        assert ballot.get_by_text("Trasporto notturno").count() == 0
        fallback = ballot.locator('[lang="it"]').filter(has_text="Boschi e parchi")
        assert fallback.locator(".lang-tag").inner_text() == "IT"  # visibly the Italian title
        shot(phone, "phone-en-ballot")
        console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
        console.goto(f"{server.url}/console/{server.facilitator}")
        woods = console.locator("#themes li.theme").filter(has_text="Boschi e parchi")
        woods.locator(".translation.missing").wait_for()  # the console flags the missing English title
        console.context.close()
    finally:
        facilitator.close()
        phone.context.close()


def _in_view(page, selector: str) -> bool:
    """The element's top is on the screen, below the sticky bar."""
    return page.evaluate(
        """(selector) => {
        const top = document.querySelector(selector).getBoundingClientRect().top;
        return top >= document.querySelector('.bar').getBoundingClientRect().bottom - 2 && top < innerHeight / 2; }""",
        selector,
    )


def _arrives(page, selector: str) -> None:
    """Waits (up to 5 s) until the element's top is in view below the bar (the page scrolls smoothly)."""
    for _ in range(50):
        if _in_view(page, selector):
            return
        page.wait_for_timeout(100)
    assert _in_view(page, selector), selector


def test_a_phone_deep_in_a_long_idea_list_is_taken_to_what_just_changed(browser, server):
    facilitator = Client(server.url, server.facilitator)
    phone = small_phone(browser, 360, 740)
    try:
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        for n in range(120):  # the table's list: thousands of pixels
            assert facilitator.send(
                "idea.add",
                {
                    "text": f"Idea {n}: più corse serali dei bus extraurbani tra le valli e il capoluogo",
                    "axis": "mobilita",
                    "table": 1,
                },
            )["ok"]
        for title in ("Trasporti serali", "Scuole aperte"):
            theme = facilitator.send("theme.create", {"title": title})["theme"]
            assert facilitator.send("theme.ballot", {"theme": theme})["ok"]
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        phone.locator("#ideas li").nth(119).wait_for()
        assert facilitator.send("phase.start", {"phase": VOTING})["ok"]
        phone.locator("#phase-title").filter(has_text="Voto").wait_for()
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # reading the ideas, far below
        assert facilitator.send("vote.open")["ok"]
        _arrives(phone, "#vote")  # the ballot, under the bar
        phone.get_by_role("button", name="+ Trasporti serali").click()
        phone.locator("#vote-saved").wait_for()
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert facilitator.send("vote.close")["ok"] and facilitator.send("vote.reveal", {"revealed": True})["ok"]
        _arrives(phone, "#results")
        shot(phone, "phone-360-taken-to-the-results")

        # someone writing a question is not moved: a button offers the way
        assert facilitator.send("qa.set", {"open": True})["ok"]
        phone.locator("#qa-text").wait_for()
        phone.fill("#qa-text", "Quando partono le nuove corse?")
        phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        poll = facilitator.send("poll.create", {"question": "Com'è andata?", "kind": "scale"})["poll"]
        assert facilitator.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        jump = phone.locator("#jump")
        jump.filter(has_text="Un sondaggio").wait_for()
        phone.wait_for_timeout(800)
        assert not _in_view(phone, "#poll") and phone.input_value("#qa-text") == "Quando partono le nuove corse?"
        shot(phone, "phone-360-jump-while-writing")
        jump.click()
        _arrives(phone, "#poll")
        assert jump.is_hidden()
    finally:
        facilitator.close()
        phone.context.close()


_SEND_IN_REACH = """(selector) => {
  const button = document.querySelector(selector);
  const r = button.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return r.top >= 0 && r.bottom <= innerHeight && (top === button || button.contains(top));
}"""


def test_send_is_in_reach_on_a_320_by_640_phone_while_writing_an_idea(browser, server):
    """The idea form is taller than a small phone's screen: Send waits at the screen's bottom edge while the
    form is on screen, instead of below the fold."""
    facilitator = Client(server.url, server.facilitator)
    phone = small_phone(browser, 320, 640)
    try:
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
        phone.locator("#capture").wait_for()
        phone.locator("#idea-text").tap()
        phone.keyboard.type("Navette a chiamata tra le frazioni e la stazione")
        assert phone.evaluate(_SEND_IN_REACH, "#idea-form button[type=submit]")
        phone.locator("#idea-axis").scroll_into_view_if_needed()
        assert phone.evaluate(_SEND_IN_REACH, "#idea-form button[type=submit]")
        shot(phone, "phone-320-send-in-reach")
        phone.locator("#idea-axis").select_option("mobilita")
        phone.locator("#idea-form button[type=submit]").click(no_wait_after=True)
        phone.locator("#ideas-saved").wait_for()
    finally:
        facilitator.close()
        phone.context.close()
