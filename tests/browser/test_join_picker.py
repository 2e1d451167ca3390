"""The join picker on a phone: numbered tables are a grid of numbers; named tables (the listening plan) are one
full-width button each, every name whole, nothing overlapping, at 320 and 360 px."""

from __future__ import annotations

import pytest

from facilitation.resources import bundled_plan
from tests.browser.conftest import cut_text, shot
from tests.conftest import start_server, stop_server

pytestmark = pytest.mark.browser

OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('main .table-button, main .hint, main h1, main .button')]
    .map((el) => el.getBoundingClientRect());
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  return boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => hit(a, b))).length;
}"""


@pytest.mark.parametrize("plan, named", [("psm-ascolto-2024", True), (None, False)])
def test_the_join_picker_shows_every_table_whole_on_a_small_phone(browser, tmp_path, plan, named):
    server = start_server(tmp_path, **({"plan": bundled_plan(plan)} if plan else {}))
    try:
        for width in (320, 360):
            page = browser.new_context(
                viewport={"width": width, "height": 640}, is_mobile=True, has_touch=True, locale="it-IT"
            ).new_page()
            page.goto(f"{server.url}/join")
            buttons = page.locator(".table-button")
            assert buttons.count() == sum(1 for t in server.tables() if not t[2])
            assert cut_text(page, "main") == [] and page.evaluate(OVERLAPS) == 0
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            boxes = [buttons.nth(i).bounding_box() for i in range(min(buttons.count(), 6))]
            if named:  # one button a row, as wide as the list, its number and its name
                assert len({round(b["x"]) for b in boxes}) == 1 and all(b["width"] > width * 0.8 for b in boxes)
                assert buttons.first.locator("b").inner_text() == "1"
            else:
                assert len({round(b["y"]) for b in boxes}) < len(boxes)  # numbers share rows
            shot(page, f"join-{plan or 'demo'}-{width}")
            page.context.close()
    finally:
        stop_server(server)
