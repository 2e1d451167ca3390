"""Seat codes (plan `tables.seat_codes`): printed one-person codes, a sheet per table, cut apart. Each code
admits one participant; the same code on another phone is the same participant again, never a new voice."""

import csv
import io
import re
import time

import pytest

from facilitation.app import create_app
from facilitation.domain.roles import Role
from facilitation.services.commands import Principal
from facilitation.web.identity import DEVICE_COOKIE
from tests.conftest import DEMO_PLAN
from tests.web.test_joining import participants

EN = {"Accept-Language": "en"}


@pytest.fixture
def app(tmp_path):
    plan = tmp_path / "seats.toml"
    plan.write_text(DEMO_PLAN.read_text().replace("online_groups = 3", "online_groups = 3\nseat_codes = true"))
    app = create_app(
        {"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "PLAN": str(plan), "PUBLIC_URL": "http://10.0.0.5:5000"}
    )
    app.testing = True
    return app


def codes_of(app, table_id: int) -> list[str]:
    return [seat.code for seat in app.extensions["facilitation"].seat_codes() if seat.table_id == table_id]


def test_every_table_gets_its_seats_plus_the_headroom_as_codes_on_a_sheet_to_print(app, client, settings):
    service = app.extensions["facilitation"]
    room = [s.code for s in service.seat_codes() if s.table_id <= 30]
    assert len(room) == 30 * 12 and len(set(s.code for s in service.seat_codes())) == len(service.seat_codes())
    page = client.get(f"/cards/{settings['facilitator_token']}").get_data(as_text=True)
    assert page.count('class="sheet"') == 30 and page.count('<article class="slip') == 360
    first = codes_of(app, 1)[0]
    assert f"{first[:4]}-{first[4:]}" in page and f"http://10.0.0.5:5000/j/{first}" not in page  # in the QR only
    assert page.count("<svg") >= 360
    assert 'class="card"' not in page  # no shared code to print: not the tables' own, not the online link


def test_a_seat_code_admits_one_participant_and_the_same_code_later_is_that_participant_again(app, tables):
    code = codes_of(app, 3)[0]
    first, second = app.test_client(), app.test_client()
    assert first.post(f"/j/{code}").status_code == 303
    token = first.get_cookie(DEVICE_COOKIE).value
    assert app.extensions["facilitation"].resolve(token).table_id == 3
    assert second.post(f"/j/{code.lower()[:4]}-{code.lower()[4:]}").status_code == 303  # typed from the slip
    assert second.get_cookie(DEVICE_COOKIE).value == token and participants(app) == 1
    assert first.get(f"/j/{code}").headers["Location"] == "/me"


def test_a_tables_own_code_admits_nobody_and_a_seated_phone_cannot_take_a_second_seat(app, tables):
    phone = app.test_client()
    refused = phone.post(f"/j/{tables[0].join_code}", headers=EN)
    assert refused.status_code == 403 and "type the code on your slip" in refused.get_data(as_text=True)
    assert phone.get(f"/j/{tables[0].join_code}").headers["Location"] == "/join"
    one, two = codes_of(app, 1)[:2]
    assert phone.post(f"/j/{one}").status_code == 303
    again = phone.post(f"/j/{two}", headers=EN)
    assert again.status_code == 409 and "one phone, one code" in again.get_data(as_text=True)
    assert participants(app) == 1


def test_the_join_page_asks_for_the_code_and_sends_it_to_its_seat(app, client):
    page = client.get("/join").get_data(as_text=True)
    assert 'name="code"' in page and 'class="table-button"' not in page
    code = codes_of(app, 2)[0]
    assert client.get(f"/join?code={code[:4]}-{code[4:]}").headers["Location"] == f"/j/{code}"


def test_guessing_codes_mints_nobody_and_is_slowed_down(app):
    guesser = app.test_client()
    started = time.monotonic()
    answers = [guesser.post(f"/j/ZZZZ{n:04d}").status_code for n in range(150)]
    # the address's budget: JOIN_BURST (100) at once, then 2 a second for as long as the guessing took
    budget = 100 + 2 * (time.monotonic() - started) + 1
    assert participants(app) == 0
    assert answers.count(404) <= budget and answers.count(429) >= 150 - budget


def test_raising_the_headroom_adds_codes_to_print_and_the_console_counts_codes_as_seats(app, client, settings):
    service = app.extensions["facilitation"]
    service.execute(Principal(Role.FACILITATOR), "seats.headroom", {"cid": "more-seats", "seats": 4})
    assert len(codes_of(app, 1)) == 14
    used = codes_of(app, 1)[0]
    assert app.test_client().post(f"/j/{used}").status_code == 303
    unused = client.get(f"/cards/{settings['facilitator_token']}?unused=1").get_data(as_text=True)
    assert unused.count('<article class="slip') == 30 * 14 - 1
    with service.reading() as s:
        from facilitation.services.readmodels import seats

        table = seats(s, service.plan, {})["tables"][0]
    assert table["capacity"] == 14 and table["joined"] == 1
    assert re.search(
        r"<article class=\"slip used\"", client.get(f"/cards/{settings['facilitator_token']}").get_data(as_text=True)
    )


def test_online_people_each_get_a_personal_link_and_the_shared_online_link_admits_nobody(app, client, settings):
    """With seat codes, the online link gave all 36 online seats to one burst from one address (issue 19): it
    now admits nobody, and the facilitator downloads one personal link per online seat to send out."""
    service = app.extensions["facilitation"]
    online = settings["online_code"]
    burst = [app.test_client().post(f"/j/{online}", headers=EN) for _ in range(40)]
    assert {answer.status_code for answer in burst} == {403} and participants(app) == 0
    assert "personal link" in burst[0].get_data(as_text=True)

    page = client.get("/join", headers=EN).get_data(as_text=True)
    assert f"/j/{online}" not in page and "personal link the organisers sent you" in page
    console = client.get(f"/console/{settings['facilitator_token']}", headers=EN).get_data(as_text=True)
    assert f"/cards/{settings['facilitator_token']}/online.csv" in console and f"/j/{online}" not in console

    listed = client.get(f"/cards/{settings['facilitator_token']}/online.csv")
    assert listed.status_code == 200 and listed.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(listed.get_data(as_text=True))))
    groups = [t for t in service.tables() if t.online]
    per_group = service.plan.tables.seats(True) + service.plan.tables.headroom
    assert len(rows) == len(groups) * per_group and len({row["link"] for row in rows}) == len(rows)
    assert {row["group"] for row in rows} == {str(t.number) for t in groups}
    assert all(row["link"] == f"http://10.0.0.5:5000/j/{row['code']}" and row["used"] == "no" for row in rows)

    phone = app.test_client()
    assert phone.post(rows[0]["link"].removeprefix("http://10.0.0.5:5000")).status_code == 303
    who = service.resolve(phone.get_cookie(DEVICE_COOKIE).value)
    assert service.table(who.table_id).online and participants(app) == 1
    again = list(
        csv.DictReader(
            io.StringIO(client.get(f"/cards/{settings['facilitator_token']}/online.csv").get_data(as_text=True))
        )
    )
    assert [row["used"] for row in again].count("yes") == 1
    assert app.test_client().get("/cards/not-the-secret/online.csv").status_code in (403, 404)
