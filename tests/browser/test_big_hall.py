"""A hall's worth of ideas in the browser: the console gets every idea of a big import page by page, and a
phone at a table that wrote more than its snapshot carries says how many earlier ideas it leaves out."""

from __future__ import annotations

import pytest
import requests

from facilitation.services.readmodels import IDEA_PAGE, PHONE_IDEAS
from tests.browser.conftest import shot
from tests.realtime.clients import Client
from tests.realtime.test_bounds import listening_export

pytestmark = pytest.mark.browser

IMPORTED = 2 * IDEA_PAGE + 300  # every tenth hidden


def test_the_console_gets_every_idea_of_a_big_import_and_a_phone_says_what_it_leaves_out(browser, server):
    answer = requests.post(
        f"{server.url}/api/import",
        data=listening_export(IMPORTED),
        timeout=60,
        headers={"Authorization": f"Bearer {server.facilitator}", "Content-Type": "application/json"},
    ).json()
    assert answer["ok"], answer
    staff = Client(server.url, server.facilitator)
    assert staff.send("phase.start", {"phase": 2})["ok"]
    table = server.tables()[0][0]
    extra = PHONE_IDEAS + 30
    for n in range(extra):  # table 1 writes more than a phone's snapshot carries
        assert staff.send(
            "idea.add",
            {
                "text": f"Al tavolo 1, idea numero {n}: più treni la sera per le valli",
                "axis": "mobilita",
                "kind": "need",
                "table": table,
            },
        )["ok"]
    night = staff.send("theme.create", {"title": "Treni la sera", "axis": "mobilita"})["theme"]
    staff.close()
    console = browser.new_context(viewport={"width": 1280, "height": 720}, locale="it-IT").new_page()
    console.set_default_timeout(15_000)
    phones = {
        width: browser.new_context(
            viewport={"width": width, "height": 640}, is_mobile=True, has_touch=True, locale="it-IT"
        ).new_page()
        for width in (320, 360)
    }
    try:
        console.goto(f"{server.url}/console/{server.facilitator}")
        shown = IMPORTED - IMPORTED // 10 + extra  # hidden ideas are left out until asked for
        console.locator("#idea-count").filter(has_text=f"(400 / {shown})").wait_for()
        shot(console, "console-big-import")
        # no cap: the stream draws a page at a time, and select-all means every idea the filter matches
        more = console.locator("#ideas-show-more")
        more.filter(has_text=f"({shown - 400} ").click()
        console.locator("#idea-count").filter(has_text=f"(800 / {shown})").wait_for()
        assert console.locator("#ideas > li").count() == 800
        console.locator(".select-idea").first.check()
        console.locator("#select-all").check()
        console.locator("#selected-count").filter(has_text=f"{shown} ").wait_for()
        console.fill("#filter-text", "tavolo 1, idea")
        console.locator("#idea-count").filter(has_text=f"({extra})").wait_for()
        assert more.is_hidden()
        console.locator("#clear-selected").click()
        console.locator(".select-idea").first.check()  # the selection's bar shows once one is ticked
        console.locator("#select-all").check()
        console.locator("#selected-count").filter(has_text=f"{extra} ").wait_for()
        console.select_option("#group-target", str(night))
        console.locator("#group-selected").click()
        console.locator("#selection-bar").wait_for(state="hidden")
        console.locator("#themes li.theme").filter(has_text="Treni la sera").locator(".theme-ideas li").nth(
            extra - 1
        ).wait_for()
        for width, phone in phones.items():
            phone.set_default_timeout(15_000)
            phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
            more = phone.locator("#ideas-more")
            more.filter(has_text="30 idee precedenti").wait_for()
            assert phone.locator("#ideas li").count() == PHONE_IDEAS
            box = more.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the line fits the phone
            assert phone.evaluate("document.documentElement.scrollWidth") <= width
            more.scroll_into_view_if_needed()
            shot(phone, f"phone-{width}-ideas-more")
    finally:
        console.context.close()
        for phone in phones.values():
            phone.context.close()
