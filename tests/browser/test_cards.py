"""Table cards, one click from the console: A4 sheets of four A6 cards with a dashed cross to cut along, and
the same as a PDF (the browser's print), one sheet per four cards."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SHOTS, shot

pytestmark = pytest.mark.browser


def test_the_cards_print_four_to_an_a4_sheet_and_as_a_pdf(browser, server):
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    console.set_default_timeout(10_000)
    console.goto(f"{server.url}/console/{server.facilitator}")
    with console.expect_popup(timeout=30_000) as opened:  # a loaded CI machine: the new tab is slow to come
        console.locator("#print-cards").click()
    cards = opened.value
    cards.wait_for_load_state()
    sheets = cards.locator("section.four")
    per_sheet = [sheets.nth(i).locator(".card").count() for i in range(sheets.count())]
    assert per_sheet == [4] * 7 + [3]  # the demo: 30 room tables and the online link
    # a sheet is an A4 page: 210 × 297 mm at 96 px per inch
    size = cards.evaluate(
        "(() => { const r = document.querySelector('section.four').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert abs(size[0] - 210 / 25.4 * 96) < 2 and abs(size[1] - 297 / 25.4 * 96) < 2
    shot(cards, "cards-screen")

    pdf = cards.pdf(prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    boxes = {tuple(round(float(n)) for n in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", pdf)}
    assert len(pages) == 8
    assert boxes == {(0, 0, 595, 842)}  # A4 in points
    if SHOTS:
        (SHOTS / "cards.pdf").write_bytes(pdf)
    console.context.close()
