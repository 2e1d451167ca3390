"""axe-core (from npm, vendored in tests/browser/vendor) on every screen, at the sizes they are used: no
critical or serious finding, a level-one heading and landmarks everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import SHOTS
from tests.realtime.clients import Client, join

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def findings(page) -> list[dict]:
    """axe's violations on the page as it is now (injected over the protocol: our CSP allows no inline script)."""
    page.evaluate(AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "where": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def event(shared_server):
    """An event in the middle of its day: ideas, themes, a vote open, a phone that voted."""
    server = shared_server
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": 2})
    ideas = [
        facilitator.send("idea.add", {"text": text, "axis": "mobilita", "table": 1})["idea"]
        for text in ("Più corse serali dei bus", "Parcheggi di interscambio alle stazioni")
    ]
    for title, grouped in (("Trasporto notturno", ideas[:1]), ("Intermodalità", ideas[1:])):
        theme = facilitator.send("theme.create", {"title": title, "axis": "mobilita", "ideas": grouped})["theme"]
        facilitator.send("theme.ballot", {"theme": theme})
    facilitator.send("phase.start", {"phase": 4})
    facilitator.send("vote.open")
    facilitator.send("qa.set", {"open": True})
    facilitator.send("qa.ask", {"text": "Come si partecipa ai prossimi incontri?"})
    yield server
    facilitator.close()


def screens(server, cookie: str) -> list[tuple[str, str, dict]]:
    table = server.tables()[0]
    return [
        ("join", "/join", {"width": 390, "height": 844}),
        ("phone", "/me", {"width": 390, "height": 844}),
        ("phone-320", "/me", {"width": 320, "height": 640}),
        ("table", f"/table/{table[4]}", {"width": 1024, "height": 768}),
        ("console", f"/console/{server.facilitator}", {"width": 1440, "height": 900}),
        ("theme-team", f"/console/{server.setting('theme_token')}", {"width": 1440, "height": 900}),
        ("observer", f"/observer/{server.setting('observer_token')}", {"width": 1440, "height": 900}),
        ("projector", f"/projector/{server.setting('projector_token')}", {"width": 1280, "height": 720}),
        ("cards", f"/cards/{server.facilitator}", {"width": 1280, "height": 900}),
        ("not-found", "/j/NOPE0", {"width": 390, "height": 844}),
    ]


def test_no_critical_or_serious_finding_on_any_screen(browser, event):
    cookie = join(event.url, event.tables()[0][3])
    report, failures = {}, []
    for name, path, viewport in screens(event, cookie):
        context = browser.new_context(viewport=viewport, locale="it-IT")
        context.add_cookies([{"name": "facilitation_device", "value": cookie, "url": event.url}])
        page = context.new_page()
        page.goto(f"{event.url}{path}")
        page.wait_for_timeout(800)  # the live screens draw after their first sync
        found = findings(page)
        report[name] = found
        failures += [
            f"{name}: {f['id']} ({f['impact']}, {f['nodes']}×) {f['where']}"
            for f in found
            if f["impact"] in ("critical", "serious") or f["id"] in ("page-has-heading-one", "region")
        ]
        context.close()
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "axe-report.json").write_text(json.dumps(report, indent=1))
    assert failures == []


def test_keyboard_focus_survives_the_redraw_an_action_causes(browser, event):
    page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="it-IT").new_page()
    page.goto(f"{event.url}/console/{event.facilitator}")
    star = page.locator("#ideas li").first.locator('[data-focus-key^="star-"]')
    key = star.get_attribute("data-focus-key")
    star.focus()
    page.keyboard.press("Enter")
    page.locator("#ideas li.starred").first.wait_for()  # the idea was redrawn, starred
    assert page.evaluate("document.activeElement.dataset.focusKey") == key
    # the skip links reach the work areas without tabbing through every idea
    page.reload()
    page.locator("#ideas li").first.wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Vai alle idee"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "ideas-section"
    page.context.close()
