"""What the room reads at hall scale: with hundreds of ideas, a dozen themes with long titles (on the ballot
too), a poll of long answers and long questions, no text on the projector is cut, clamped, broken mid-word or
off the screen, at
1280×720 and at 1920×1080, on every page of every screen."""

from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import cut_text, shot
from tests.browser.test_phone import small_phone
from tests.browser.test_projector import projector_page
from tests.realtime.clients import Client, join
from tests.realtime.test_bounds import listening_export

pytestmark = pytest.mark.browser

LONG_THEMES = [
    "Collegamenti serali tra le valli alpine e il capoluogo metropolitano per chi lavora a turni",
    "Trasporto serale e ferrovie metropolitane per le valli",
    "Trasporto pubblico serale e nei giorni festivi per i comuni della cintura",
    "Riqualificazione energetica degli edifici scolastici e delle palestre comunali della cintura",
    "Bus",
    "Piste ciclabili sicure e continue lungo il Po e la Dora con parcheggi custoditi alle stazioni",
    "Comunità energetiche rinnovabili nei piccoli comuni montani",
    "Casa: affitti accessibili per studenti e giovani lavoratori",
    "Presidi sanitari di prossimità e case della comunità nelle aree interne",
    "Scuole aperte il pomeriggio come centri civici di quartiere",
    "Filiere agroalimentari corte e mercati contadini metropolitani",
    "Digitalizzazione dei servizi comunali e sportelli unici per le imprese",
    "Turismo lento: cammini, ciclovie e ospitalità diffusa nelle valli",
]
AXES = ["digitale", "verde", "mobilita", "istruzione", "inclusione", "salute"]
LONG_IDEA = (
    "Servono corse serali dei treni regionali fino a mezzanotte nelle valli, coordinate con i bus a chiamata "
    "dei comuni più piccoli, perché chi lavora a turni negli ospedali e nella logistica oggi torna a casa "
    "solo in auto e spesso rinuncia al lavoro, oppure si trasferisce in città con la famiglia e i figli "
    "lasciando la valle."
)  # 393 characters: nearly the most a phone may send (400)

ROWS = ".p-wall > li, .p-themes > li, .p-ranking > li, .p-questions > li, .p-ballot > li"  # what pages turn through


def _pages(page) -> int:
    text = page.locator("#p-page").inner_text().strip()
    return int(text.split("/")[1]) if text else 1


def _every_page_whole(page, screen: str, name: str) -> list[str]:
    """Turns every page of the screen on the stage; returns the rows' texts, page after page, after checking that
    each page shows every word whole."""
    page.locator(f'#stage[data-screen="{screen}"]').wait_for()
    page.wait_for_timeout(300)
    for _ in range(10):  # the header settles (a title on two lines), and the pages are laid out again
        before = page.locator("#p-page").inner_text()
        page.wait_for_timeout(300)
        if page.locator("#p-page").inner_text() == before:
            break
    seen = []
    for n in range(_pages(page)):
        assert cut_text(page, "#stage") == [], (screen, n + 1)
        seen += page.eval_on_selector_all(ROWS, "(rows) => rows.map((r) => r.innerText)")
        if n == 0:
            shot(page, name)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
    return seen


def _hall(server) -> tuple[Client, list[int], int, list[Client]]:
    """A hall's worth of data: 240 imported ideas and one long starred one, thirteen themes with long titles, a
    poll of long answers, six phones that asked long questions. Returns the staff, the themes, the poll, the phones."""
    answer = requests.post(
        f"{server.url}/api/import",
        data=listening_export(240),
        timeout=60,
        headers={"Authorization": f"Bearer {server.facilitator}", "Content-Type": "application/json"},
    ).json()
    assert answer["ok"], answer
    staff = Client(server.url, server.facilitator)
    assert staff.send("phase.start", {"phase": 2})["ok"]
    long_idea = staff.send("idea.add", {"text": LONG_IDEA, "axis": "mobilita", "table": 1})["idea"]
    assert staff.send("idea.star", {"idea": long_idea})["ok"]
    themes = [
        staff.send("theme.create", {"title": title, "axis": AXES[n % 6]})["theme"]
        for n, title in enumerate(LONG_THEMES)
    ]
    assert staff.send("theme.group", {"idea": long_idea, "theme": themes[0]})["ok"]
    poll = staff.send(
        "poll.create",
        {
            "question": "Quale servizio serale manca di più nel tuo comune?",
            "kind": "single",
            "options": [t[:120] for t in LONG_THEMES[:8]],
        },
    )["poll"]
    assert staff.send("qa.set", {"open": True})["ok"]
    phones = [Client(server.url, cookie=join(server.url, server.tables()[n][3])) for n in range(6)]
    for n, phone in enumerate(phones):
        asked = phone.send("qa.ask", {"text": f"Domanda {n}: " + LONG_IDEA[: 50 + 45 * n]})
        assert asked["ok"], asked
    return staff, themes, poll, phones


def test_every_projector_screen_shows_its_text_whole_at_both_projector_sizes(browser, server):
    staff, themes, poll, phones = _hall(server)
    try:
        for width, height in ((1280, 720), (1920, 1080)):
            projector = projector_page(browser, server, width, height)
            try:
                # the wall: the starred idea first, its words whole to the last one shown
                staff.send("projector.show", {"screen": "wall"})
                cards = _every_page_whole(projector, "wall", f"projector-{width}-wall-hall")
                assert cards[0].startswith("Servono corse serali") and "lasciando la valle." in cards[0]
                assert 36 <= len(cards) <= 37  # the cycle: starred ideas, then the newest
                staff.send("projector.show", {"screen": "themes"})
                rows = _every_page_whole(projector, "themes", f"projector-{width}-themes-hall")
                assert len(rows) == len(LONG_THEMES)  # every theme on some page, none twice
                staff.send("projector.show", {"screen": "questions"})
                assert len(_every_page_whole(projector, "questions", f"projector-{width}-questions-hall")) == 6
                staff.send("projector.show", {"screen": "poll"})
                assert staff.send("poll.change", {"poll": poll, "state": "open"})["ok"]
                assert len(_every_page_whole(projector, "poll", f"projector-{width}-poll-hall")) == 8
            finally:
                projector.context.close()
        for theme in themes:
            assert staff.send("theme.ballot", {"theme": theme})["ok"]
        assert staff.send("vote.open")["ok"]
        staff.send("projector.show", {"screen": "progress"})
        for width, height in ((1280, 720), (1920, 1080)):  # the vote's progress with the whole ballot beneath
            projector = projector_page(browser, server, width, height)
            try:
                rows = _every_page_whole(projector, "progress", f"projector-{width}-progress-hall")
                assert len(rows) == len(LONG_THEMES)  # every title on some page, none twice
                if _pages(projector) > 1:  # a later page goes on counting where the first stopped
                    projector.keyboard.press("ArrowRight")
                    projector.wait_for_timeout(150)
                    numbers = projector.eval_on_selector_all(".p-ballot > li", "(rows) => rows.map((r) => r.value)")
                    assert numbers[0] > 1 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
            finally:
                projector.context.close()
        for n, phone in enumerate(phones):
            assert phone.send("dot.place", {"theme": themes[n]})["ok"]
        assert staff.send("vote.close")["ok"]
        assert staff.send("vote.reveal", {"revealed": True})["ok"]
        staff.send("projector.show", {"screen": "results"})
        for width, height in ((1280, 720), (1920, 1080)):
            projector = projector_page(browser, server, width, height)
            try:
                rows = _every_page_whole(projector, "results", f"projector-{width}-results-hall")
                assert len(rows) == len(LONG_THEMES)
                assert any("capoluogo metropolitano per chi lavora a turni" in row for row in rows)  # whole titles
            finally:
                projector.context.close()
    finally:
        staff.close()
        for phone in phones:
            phone.close()


CONSOLES = ((1440, 900), (1280, 800))
PHONES = ((360, 740), (320, 640))


def _whole(page, name: str) -> None:
    """Every word on the page whole (not cut, clamped, clipped, broken mid-word) and no sideways scroll."""
    page.wait_for_timeout(400)
    shot(page, name)
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")  # folded parts too
    page.wait_for_timeout(200)
    cut = cut_text(page, "body", scrollers=True)
    assert cut == [], (name, cut)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), name


def test_the_console_and_the_phones_show_their_text_whole_through_the_day_at_hall_scale(browser, server):
    """The console at 1440×900 and 1280×800, a phone in the hall and an online one at 360×740 and 320×640, with
    the hall's data: while ideas come in, while the vote is open, once the results are revealed."""
    staff, themes, _, phones = _hall(server)
    pages = {}
    try:
        for n in range(60):  # a busy table: its phones list dozens of ideas, some as long as a phone may send
            text = LONG_IDEA if n % 10 == 0 else f"Idea {n} del tavolo 1: " + LONG_IDEA[: 40 + 5 * n]
            assert staff.send("idea.add", {"text": text, "axis": AXES[n % 6], "table": 1})["ok"]
        for width, height in CONSOLES:
            console = browser.new_context(viewport={"width": width, "height": height}, locale="it-IT").new_page()
            console.set_default_timeout(10_000)
            console.goto(f"{server.url}/console/{server.facilitator}")
            console.locator("#next-start").wait_for()
            pages[f"console-{width}"] = console
        for width, height in PHONES:
            for where, code in (("hall", server.tables()[0][3]), ("online", server.setting("online_code"))):
                phone = small_phone(browser, width, height)
                phone.goto(f"{server.url}/j/{code}")
                phone.locator("#idea-form").wait_for()
                pages[f"phone-{where}-{width}"] = phone
        for name, page in pages.items():
            _whole(page, f"{name}-capture-hall")

        for theme in themes:
            assert staff.send("theme.ballot", {"theme": theme})["ok"]
        assert staff.send("phase.start", {"phase": 4})["ok"]
        assert staff.send("vote.open")["ok"]
        for name, page in pages.items():
            if name.startswith("phone"):
                page.locator("#ballot").wait_for()
            _whole(page, f"{name}-vote-hall")

        for n, phone in enumerate(phones):
            assert phone.send("dot.place", {"theme": themes[n]})["ok"]
        assert staff.send("vote.close")["ok"]
        assert staff.send("vote.reveal", {"revealed": True})["ok"]
        for name, page in pages.items():
            if name.startswith("phone"):
                page.locator("#results li.result").first.wait_for()
            _whole(page, f"{name}-results-hall")
    finally:
        for page in pages.values():
            page.context.close()
        staff.close()
        for phone in phones:
            phone.close()
