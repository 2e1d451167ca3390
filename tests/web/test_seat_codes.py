"""Seat codes (plan `tables.seat_codes`): printed one-person codes, a sheet per table, cut apart. Each code
admits one participant; the same code on another phone is the same participant again, never a new voice."""
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
    app = create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "PLAN": str(plan),
                      "PUBLIC_URL": "http://10.0.0.5:5000"})
    app.testing = True
    return app


def codes_of(app, table_id: int) -> list[str]:
    return [seat.code for seat in app.extensions["facilitation"].seat_codes() if seat.table_id == table_id]


def test_every_table_gets_its_seats_plus_the_headroom_as_codes_on_a_sheet_to_print(app, client, settings):
    service = app.extensions["facilitation"]
    assert len(service.seat_codes()) == 30 * 12 and len(set(s.code for s in service.seat_codes())) == 360
    page = client.get(f"/cards/{settings['facilitator_token']}").get_data(as_text=True)
    assert page.count('class="sheet"') == 30 and page.count('<article class="slip') == 360
    first = codes_of(app, 1)[0]
    assert f"{first[:4]}-{first[4:]}" in page and f"http://10.0.0.5:5000/j/{first}" not in page  # in the QR only
    assert page.count("<svg") >= 360
    assert 'class="card"' in page  # the online card is still there; the tables' own cards are not
    assert page.count('class="card"') == 1


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
    assert re.search(r"<article class=\"slip used\"", client.get(f"/cards/{settings['facilitator_token']}").get_data(
        as_text=True))
