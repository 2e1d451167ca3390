"""The projector presents: the facilitator picks what the room sees from the console, type is sized for the
back row at 1280×720, and the idea wall shows whole cards, newest first, however many ideas there are."""

from __future__ import annotations

import pytest

from tests.browser.conftest import cut_text, shot
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser

CAPTURE, CLOSING = 2, 6  # the demo agenda's idea capture and its closing


def projector_page(browser, server, width=1280, height=720):
    page = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT").new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/projector/{server.setting('projector_token')}")
    return page


def on_screen(page, name: str) -> None:
    page.locator(f'#stage[data-screen="{name}"]').wait_for()


def rendered_px(page, selector: str) -> float:
    """The font size a viewer sees: the stage's size times its scale on this screen."""
    return page.evaluate(
        """(selector) => {
        const el = document.querySelector(selector);
        const scale = document.querySelector('#stage').getBoundingClientRect().width / 1920;
        return parseFloat(getComputedStyle(el).fontSize) * scale; }""",
        selector,
    )


def inside_viewport(page, selector: str) -> list[bool]:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].map((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5; })""",
        selector,
    )


def test_the_facilitator_switches_what_the_projector_shows(browser, server):
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    projector = projector_page(browser, server)
    console.goto(f"{server.url}/console/{server.facilitator}")
    # before the event starts, "auto" shows how to join: a QR code that fits the screen, and the link
    on_screen(projector, "join")
    assert all(inside_viewport(projector, ".p-qr"))
    assert rendered_px(projector, ".p-url") >= 30 and rendered_px(projector, ".p-lead") >= 45
    console.locator("#projector-now").filter(has_text="Ingresso").wait_for()
    shot(projector, "projector-720-join")

    console.fill("#room-message", "Pausa caffè: si riprende alle 11:15")
    console.get_by_role("button", name="Mostra il messaggio").click()
    on_screen(projector, "message")
    projector.get_by_text("Pausa caffè: si riprende alle 11:15").wait_for()
    assert console.locator('[data-screen="message"]').get_attribute("aria-pressed") == "true"
    shot(projector, "projector-720-message")
    shot(console, "console-projector-message")

    console.locator('[data-screen="blank"]').click()
    on_screen(projector, "blank")
    assert projector.locator("#screen").inner_text().strip() == ""

    console.locator('[data-screen="prompt"]').click()
    on_screen(projector, "prompt")
    console.locator('[data-screen="auto"]').click()
    on_screen(projector, "join")
    console.context.close()
    projector.context.close()


def test_auto_follows_the_agenda_and_results_do_not_stay_up_through_the_closing(browser, server):
    facilitator = Client(server.url, server.facilitator)
    projector = projector_page(browser, server)
    try:
        assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
        on_screen(projector, "wall")
        idea = facilitator.send("idea.add", {"text": "Più treni la sera", "axis": "mobilita", "table": 1})["idea"]
        themes = [
            facilitator.send("theme.create", {"title": "Ferrovie metropolitane", "axis": "mobilita", "ideas": [idea]})[
                "theme"
            ],
            facilitator.send("theme.create", {"title": "Piste ciclabili"})["theme"],
        ]  # no axis: no colour
        for theme in themes:
            facilitator.send("theme.ballot", {"theme": theme})
        assert facilitator.send("phase.start", {"phase": CAPTURE + 1})["ok"]
        on_screen(projector, "themes")
        projector.get_by_text("Ferrovie metropolitane").wait_for()
        assert facilitator.send("phase.start", {"phase": CAPTURE + 2})["ok"]
        on_screen(projector, "prompt")
        assert facilitator.send("vote.open")["ok"]
        on_screen(projector, "progress")
        shot(projector, "projector-720-progress")
        assert facilitator.send("vote.close")["ok"]
        assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
        on_screen(projector, "results")
        projector.locator(".p-ranking").get_by_text("Ferrovie metropolitane").wait_for()
        assert rendered_px(projector, ".p-ranking li") >= 29
        fills = projector.eval_on_selector_all(
            ".p-bar-fill", "(bars) => bars.map((b) => getComputedStyle(b).backgroundColor)"
        )
        assert "rgba(0, 0, 0, 0)" not in fills  # a theme without an axis still has a visible bar
        projector.wait_for_timeout(1500)  # the bars grow
        shot(projector, "projector-720-results")
        assert facilitator.send("phase.start", {"phase": CLOSING})["ok"]
        on_screen(projector, "prompt")  # the closing's own screen, not the results of an hour ago
    finally:
        facilitator.close()
        projector.context.close()


def test_the_wall_at_1280x720_with_90_ideas_shows_the_newest_whole_cards(browser, server):
    facilitator = Client(server.url, server.facilitator)
    assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
    axes = ["mobilita", "inclusione", "verde"]
    for n in range(1, 91):
        text = f"Idea numero {n}: " + ("una proposta lunga che continua e continua " * (n % 5 + 1)).strip()
        assert facilitator.send("idea.add", {"text": text, "axis": axes[n % 3], "table": n % 10 + 1})["ok"]
    projector = projector_page(browser, server)
    try:
        on_screen(projector, "wall")
        projector.locator(".p-note").first.get_by_text("Idea numero 90:").wait_for()
        cards = projector.locator(".p-note")
        first_page = [cards.nth(i).inner_text().split(":")[0] for i in range(cards.count())]
        assert first_page == [f"Idea numero {n}" for n in range(90, 90 - len(first_page), -1)]  # newest first
        assert len(first_page) >= 3 and cut_text(projector, "#stage") == []  # whole cards, every word
        assert rendered_px(projector, ".p-note p") >= 22  # the longest ideas: 34 px on the stage
        # the strip above counts every idea per axis; the pages turn through the newest 36, not all 90
        assert "3 · Mobilità sostenibile 30" in projector.locator(".p-axes").inner_text()
        pages = int(projector.locator("#p-page").inner_text().split("/")[1])
        assert 36 / 6 <= pages <= 36 / 3
        shot(projector, "projector-720-wall-90")
        projector.keyboard.press("ArrowRight")
        projector.locator(".p-note").first.get_by_text(f"Idea numero {90 - len(first_page)}:").wait_for()
        assert cut_text(projector, "#stage") == []
    finally:
        facilitator.close()
        projector.context.close()


def test_the_projector_switches_language(browser, server):
    projector = projector_page(browser, server)
    on_screen(projector, "join")
    projector.get_by_text("Inquadra per partecipare").wait_for()
    projector.locator(".p-langs").get_by_role("link", name="EN").click()
    projector.get_by_text("Scan to join").wait_for()
    projector.context.close()
