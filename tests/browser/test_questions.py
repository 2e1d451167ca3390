"""Q&A in the browser: a phone asks under pre-moderation, the console approves and pins it, another phone
supports it, the projector shows it with its support, and the facilitator marks who answered."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page, shot
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser


def test_a_question_from_a_phone_reaches_the_projector_once_approved(browser, server):
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("qa.set", {"open": True, "premoderated": True})
    asker, supporter = phone_page(browser), phone_page(browser)
    console = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    projector = browser.new_context(viewport={"width": 1280, "height": 720}, locale="it-IT").new_page()
    for page in (console, projector):
        page.set_default_timeout(10_000)
    try:
        asker.goto(f"{server.url}/j/{server.tables()[0][3]}")
        supporter.goto(f"{server.url}/j/{server.tables()[1][3]}")
        console.goto(f"{server.url}/console/{server.facilitator}")
        projector.goto(f"{server.url}/projector/{server.setting('projector_token')}")
        projector.locator('#stage[data-screen="questions"]').wait_for()  # auto: Q&A is open

        asker.fill("#qa-text", "Ci saranno fondi per i piccoli comuni?")
        asker.get_by_role("button", name="Chiedi").click()
        asker.locator("#qa-saved").filter(has_text="dopo l'approvazione").wait_for()
        question = console.locator("#qa-list li.question.pending").filter(has_text="piccoli comuni")
        question.wait_for()  # the console opened its Q&A panel by itself: one to approve
        assert projector.get_by_text("piccoli comuni").count() == 0
        question.get_by_role("button", name="Approva").click()
        projector.locator(".p-questions").get_by_text("Ci saranno fondi per i piccoli comuni?").wait_for()

        up = supporter.locator("#questions button.upvote").first
        up.wait_for()
        up.click()
        supporter.locator("#questions button.upvote.on").filter(has_text="1").wait_for()
        projector.locator(".p-votes").filter(has_text="1").wait_for()
        shot(supporter, "phone-questions")
        shot(projector, "projector-720-questions")

        shown = console.locator("#qa-list li.question").filter(has_text="piccoli comuni")
        shown.get_by_role("button", name="Risposta data…").click()
        field = console.locator("#qa-list .inline-field")
        field.fill("Assessora al bilancio")
        field.press("Enter")
        projector.locator(".p-questions li.answered").filter(has_text="Assessora al bilancio").wait_for()
        shot(console, "console-questions")
    finally:
        facilitator.close()
        for page in (asker, supporter, console, projector):
            page.context.close()
