"""The organiser's workspace in the browser (issue 22): an event made from blank through the plan's forms (two
languages, four axes, twelve tables, a first round of 100 points), run with phones, copied, and its timing
changed while it is live; the TOML it keeps is what the forms say."""

from __future__ import annotations

import re
import sqlite3
import tomllib

import pytest
import requests

from facilitation.plan import parse_plan

from tests.browser.conftest import phone_page, shot
from tests.conftest import Server, free_port, launch, stop_server, wait_until_healthy
from tests.realtime.clients import Client

pytestmark = pytest.mark.browser
AXES = (
    ("Housing", "Casa"),
    ("Green spaces", "Verde"),
    ("Buses and bikes", "Bus e bici"),
    ("Schools after hours", "Scuole aperte il pomeriggio"),
)


def plan_text(home: str) -> str:
    return requests.get(f"{home}/plan/quartiere.toml", timeout=10).text


def save(page) -> None:
    page.get_by_role("button", name="Save the plan").last.click()
    page.get_by_role("status").filter(has_text="Saved").wait_for()


def test_an_event_made_from_blank_in_the_forms_runs_with_phones_is_copied_and_retimed_live(browser, tmp_path):
    port, log, data = free_port(), tmp_path / "server.log", tmp_path / "data"
    process = launch(["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)], log)
    server = Server(f"http://127.0.0.1:{port}", data / "psm-torino-2024.sqlite", process, data, log)
    wait_until_healthy(server.url, process, log)
    secret = (data / "organiser.secret").read_text().strip()
    home = f"{server.url}/home/{secret}"
    organiser = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB").new_page()
    organiser.set_default_timeout(10_000)
    phones, staff = [], None
    try:
        organiser.goto(home)
        organiser.select_option("#template", "blank")
        organiser.fill("#new-id", "quartiere")
        organiser.get_by_role("button", name="Make the event").click()
        organiser.wait_for_url(re.compile(r"/plan/quartiere$"))

        # two languages: Italian is added to the English blank, its texts start as the English ones
        organiser.fill('[name="event.languages"]', "en, it")
        save(organiser)
        organiser.fill('[name="event.title.en"]', "San Salvario neighbourhood plan")
        organiser.fill('[name="event.title.it"]', "Piano di quartiere San Salvario")
        organiser.fill('[name="event.date"]', "2027-03-20")
        # four axes: one in the blank, three added (each appears at once, named "New axis" to rename)
        for _ in range(3):
            organiser.get_by_role("button", name="Add an axis").click()
            organiser.get_by_role("status").filter(has_text="Saved").wait_for()
        assert organiser.locator("#axes .plan-item").count() == 4
        for index, (english, italian) in enumerate(AXES):
            organiser.fill(f'[name="axes.{index}.name.en"]', english)
            organiser.fill(f'[name="axes.{index}.name.it"]', italian)
        organiser.fill('[name="tables.count"]', "12")
        organiser.select_option('[name="voting.method"]', "points")
        organiser.fill('[name="voting.points"]', "100")
        for index in range(5):  # the blank's phases, named in Italian too
            english = organiser.input_value(f'[name="agenda.{index}.title.en"]')
            organiser.fill(f'[name="agenda.{index}.title.it"]', f"{english} (it)")
        # a wrong value is named next to its field and saves nothing
        organiser.fill('[name="tables.size"]', "1")
        organiser.get_by_role("button", name="Save the plan").last.click()
        problem = organiser.locator('[id="tables.size-problem"]')
        assert problem.inner_text() == "At least 2."
        assert organiser.input_value('[name="axes.3.name.en"]') == AXES[3][0]  # what was typed stays
        organiser.fill('[name="tables.size"]', "8")
        save(organiser)
        shot(organiser, "plan-form-blank-made")

        plan = tomllib.loads(requests.get(f"{home}/plan/quartiere.toml", timeout=10).text)
        assert plan["event"]["languages"] == ["en", "it"] and plan["event"]["title"]["it"].startswith("Piano")
        assert [(a["name"]["en"], a["name"]["it"]) for a in plan["axes"]] == list(AXES)
        assert plan["tables"]["count"] == 12 and str(plan["event"]["date"]) == "2027-03-20"
        assert plan["voting"]["method"] == "points" and parse_plan(plan_text(home)).voting.points == 100
        event = Server(server.url, data / "quartiere.sqlite", process, data, log)
        assert len(event.tables()) == 12

        # run it: two phones join at table 12, write ideas, and share their 100 points
        staff = Client(server.url, event.facilitator)
        assert staff.send("phase.start", {"phase": 1})["ok"]  # ideas at the tables
        code = event.tables()[11][3]
        for text, axis in (
            ("Più panchine in piazza Madama Cristina", "axis-2"),
            ("Doposcuola nelle scuole del quartiere", "axis-4"),
        ):
            phone = phone_page(browser)
            phones.append(phone)
            phone.goto(f"{server.url}/j/{code}")
            phone.locator("#capture").wait_for(state="visible")
            assert "Tavolo 12" in phone.locator("body").inner_text()
            assert phone.locator("#idea-axis option").count() >= 4
            phone.fill("#idea-text", text)
            phone.select_option("#idea-axis", axis)
            phone.get_by_role("button", name="Invia l'idea").click()
            phone.locator("#ideas-saved").filter(has_text="1 inviate").wait_for()
        themes = [staff.send("theme.create", {"title": title})["theme"] for title in ("Panchine", "Doposcuola")]
        for theme in themes:
            assert staff.send("theme.ballot", {"theme": theme})["ok"]
        assert staff.send("phase.start", {"phase": 3})["ok"]
        assert staff.send("vote.open")["ok"]
        for phone, split in zip(phones, (("70", "30"), ("40", "60")), strict=True):
            ballot = phone.locator("#whole-ballot")
            ballot.wait_for(state="visible")
            for theme, points in zip(themes, split, strict=True):
                phone.locator(f'[data-focus-key="points-{theme}"]').fill(points)
                phone.locator(f'[data-focus-key="points-{theme}"]').press("Enter")
            ballot.locator(".wb-head").filter(has_text="Punti rimasti: 0 / 100").wait_for()
            ballot.get_by_role("button", name="Invia i miei punti").click()
            ballot.locator(".wb-note.complete").wait_for()
        shot(phones[0], "plan-form-event-phone-points")
        assert staff.send("vote.close")["ok"]
        totals = {place["theme"]: place["dots"] for place in staff.sync()["tally"]["ranking"]}
        assert [totals[theme] for theme in themes] == [110, 90]

        # the live event's timing: the vote's minutes change in the form, the console hears it at once
        organiser.goto(f"{home}/plan/quartiere")
        assert organiser.locator('[name="agenda.1.kind"]').is_disabled()  # a phase that has begun stays
        assert organiser.locator('[name="voting.points"]').is_disabled()  # a vote has opened
        organiser.fill('[name="agenda.3.minutes"]', "25")
        save(organiser)
        assert staff.wait_for(lambda u: "event" in u)["event"]["agenda"][3]["minutes"] == 25

        # copied: the structure, no people, ideas or votes
        organiser.goto(home)
        copy = organiser.locator('[data-event="quartiere"]')
        copy.locator('[name="id"]').fill("quartiere-bis")
        copy.get_by_role("button", name="Copy").click()
        made = organiser.locator('[data-event="quartiere-bis"]')
        made.wait_for()
        assert "0 participants" in made.inner_text() and "2027" in made.inner_text()
        copied = requests.get(f"{home}/plan/quartiere-bis.toml", timeout=10).text
        original = requests.get(f"{home}/plan/quartiere.toml", timeout=10).text
        assert copied == original.replace('id = "quartiere"', 'id = "quartiere-bis"', 1)
        with sqlite3.connect(data / "quartiere-bis.sqlite") as con:
            assert con.execute("select count(*) from participant").fetchone()[0] == 0
            assert con.execute("select count(*) from event_table").fetchone()[0] == 12
            assert con.execute("select method, budget from vote_round").fetchall() == [("points", 100)]
        shot(organiser, "home-with-made-and-copied-events")
    finally:
        if staff:
            staff.close()
        for phone in phones:
            phone.context.close()
        organiser.context.close()
        stop_server(server)
