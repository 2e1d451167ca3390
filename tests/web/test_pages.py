"""The HTTP pages: joining by QR, capability links, printable cards, exports, languages."""

import csv
import io
import zipfile

from facilitation.app import create_app
from facilitation.services import readmodels as rm
from facilitation.web.identity import DEVICE_COOKIE


def device(client) -> str | None:
    cookie = client.get_cookie(DEVICE_COOKIE)
    return cookie.value if cookie else None


def test_a_table_qr_places_the_phone_at_that_table(client, app, tables):
    response = client.post(f"/j/{tables[6].join_code}")
    assert response.status_code == 303 and response.headers["Location"] == "/me"
    who = app.extensions["facilitation"].resolve(device(client))
    assert who.table_id == tables[6].id
    assert "Tavolo 7" in client.get("/me").get_data(as_text=True)


def test_scanning_another_table_moves_the_same_phone(client, app, tables):
    client.post(f"/j/{tables[0].join_code}")
    token = device(client)
    client.post(f"/j/{tables[1].join_code}")
    assert device(client) == token
    assert app.extensions["facilitation"].resolve(token).table_id == tables[1].id


def test_online_participants_fill_one_group_before_the_next(app, settings):
    """Four people online talk together in the first group (10 seats in the demo), not in three groups."""
    groups = []
    for _ in range(4):
        phone = app.test_client()
        phone.post(f"/j/{settings['online_code']}")
        groups.append(app.extensions["facilitation"].resolve(device(phone)).table_id)
    assert groups == [31, 31, 31, 31]


def test_a_phone_without_identity_is_sent_to_the_join_page(client):
    response = client.get("/me")
    assert response.status_code == 302 and response.headers["Location"] == "/join"
    assert client.get("/j/NOPE1").status_code == 404


def test_the_join_page_lists_every_room_table_and_the_online_option(client):
    page = client.get("/join").get_data(as_text=True)
    assert page.count('class="table-button"') == 30
    assert "Partecipo online" in page


def test_pages_are_italian_first_and_english_on_request(client):
    assert "Partecipa all'evento" in client.get("/").get_data(as_text=True)
    assert "Join the event" in client.get("/?lang=en").get_data(as_text=True)
    assert "Join the event" in client.get("/").get_data(as_text=True)  # the choice is remembered
    assert "Join the event" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_wrong_token_gets_a_translated_not_found(client):
    response = client.get("/console/wrong-token")
    assert response.status_code == 404
    assert "Questo link non è valido" in response.get_data(as_text=True)


def test_a_token_opens_only_the_pages_of_its_role(client, settings, tables):
    assert client.get(f"/console/{settings['projector_token']}").status_code == 403
    assert client.get(f"/cards/{settings['observer_token']}").status_code == 403
    assert client.get(f"/table/{settings['facilitator_token']}").status_code == 403
    assert client.get(f"/projector/{tables[0].scribe_token}").status_code == 403
    assert client.get(f"/projector/{settings['facilitator_token']}").status_code == 403
    assert client.get(f"/export/{settings['projector_token']}/event.json").status_code == 403


def test_read_only_screens_never_carry_a_secret(client, settings, tables):
    secrets = [settings["facilitator_token"], settings["theme_token"], tables[0].scribe_token]
    for page in (
        f"/projector/{settings['projector_token']}",
        f"/observer/{settings['observer_token']}",
        f"/console/{settings['theme_token']}",
    ):
        html = client.get(page).get_data(as_text=True)
        assert not [s for s in secrets if s in html and s not in page]


def test_the_facilitator_console_lists_every_link_to_hand_out(client, settings, tables):
    html = client.get(f"/console/{settings['facilitator_token']}").get_data(as_text=True)
    assert f"http://10.0.0.5:5000/projector/{settings['projector_token']}" in html
    assert all(f"/table/{t.scribe_token}" in html for t in tables)


def test_the_projector_shows_a_join_qr_for_the_venue_address(client, settings):
    html = client.get(f"/projector/{settings['projector_token']}").get_data(as_text=True)
    assert "<svg" in html and "http://10.0.0.5:5000/join" in html


def test_printable_cards_carry_one_qr_per_table_and_one_for_online(client, settings, tables):
    html = client.get(f"/cards/{settings['facilitator_token']}").get_data(as_text=True)
    assert html.count('<article class="card">') == 31
    assert f"http://10.0.0.5:5000/j/{tables[29].join_code}" in html
    assert "Tavolo · Table" in html and "Inquadra il codice QR" in html and "Scan the QR code" in html
    png = client.get(f"/qr/{tables[0].join_code}.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    # a code the event does not have draws nothing: drawing is CPU, and nobody gets it at will
    assert client.get("/qr/ZZZZ9999.png").status_code == 404 and client.get("/qr/ZZZZ9999.svg").status_code == 404


def test_the_export_zip_holds_every_csv_and_observers_may_download_it(client, settings):
    response = client.get(f"/export/{settings['observer_token']}/event.zip")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == [
        "alignments.csv",
        "harvests.csv",
        "idea_history.csv",
        "ideas.csv",
        "participants.csv",
        "ranking.csv",
        "rounds.csv",
        "themes.csv",
        "votes.csv",
    ]
    header = next(csv.reader(io.StringIO(archive.read("votes.csv").decode("utf-8-sig"))))
    assert header == [
        "round",
        "method",
        "participant",
        "table",
        "channel",
        "category",
        "zone",
        "proxied",
        "theme",
        "theme_title",
        "axis",
        "dots",
    ]
    rounds = list(csv.reader(io.StringIO(archive.read("rounds.csv").decode("utf-8-sig"))))
    assert rounds == [
        ["round", "method", "budget", "cap", "state", "revealed", "made_from", "ballot"],
        ["1", "dots", "5", "3", "not_open", "False", "", ""],
    ]
    ballots = client.get(f"/export/{settings['observer_token']}/ballots.zip")  # no round opened: no ballot file
    assert ballots.status_code == 200 and zipfile.ZipFile(io.BytesIO(ballots.data)).namelist() == []


def test_no_page_loads_anything_from_outside_the_venue(client, settings, tables):
    """The venue may have no internet: scripts, styles, fonts and images all come from this server."""
    import re

    pages = [
        "/",
        "/join",
        f"/console/{settings['facilitator_token']}",
        f"/projector/{settings['projector_token']}",
        f"/table/{tables[0].scribe_token}",
        f"/cards/{settings['facilitator_token']}",
    ]
    client.post(f"/j/{tables[0].join_code}")
    pages.append("/me")
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url\(([^)]+)\)", html):
            assert url.startswith(("/", "?", "#", "http://10.0.0.5:5000")), (page, url)
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "http" not in css and "@import" not in css


def test_a_named_table_is_named_one_way_on_the_phone_its_table_screen_the_cards_and_in_each_language(tmp_path):
    """The listening day's thematic tables: the phone's bar, the table facilitator's screen and the screens'
    data say the table's name ("Tavolo Mobilità sostenibile"), never "Tavolo 3" beside it; the card says it
    in each language once, not "Tavolo · Table — Tavolo Mobilità sostenibile"."""
    app = create_app(
        {
            "DATA_DIR": str(tmp_path),
            "ASYNC_MODE": "threading",
            "PLAN": "psm-ascolto-2024",
            "PUBLIC_URL": "http://10.0.0.5:5000",
        }
    )
    service = app.extensions["facilitation"]
    third = service.tables()[2]
    phone = app.test_client()
    phone.post(f"/j/{third.join_code}")
    assert '<span id="table-name">Tavolo Mobilità sostenibile</span>' in phone.get("/me").get_data(as_text=True)
    english = phone.get("/me?lang=en").get_data(as_text=True)
    assert '<span id="table-name">Table Sustainable mobility</span>' in english
    screen = app.test_client().get(f"/table/{third.scribe_token}?lang=it").get_data(as_text=True)
    assert "Tavolo Mobilità sostenibile · facilitatore di tavolo" in screen and "Tavolo 3" not in screen
    tables = rm.event_info(service.plan, [third])["tables"]
    assert tables[0]["label"] == {"it": "Tavolo Mobilità sostenibile", "en": "Table Sustainable mobility"}
    cards = app.test_client().get(f"/cards/{service.settings()['facilitator_token']}").get_data(as_text=True)
    assert "Tavolo Mobilità sostenibile · Table Sustainable mobility" in cards
    assert "Tavolo · Table" not in cards


def test_online_groups_and_numbered_tables_are_labelled_in_each_language(app, tables):
    labels = {
        t["number"] if not t["online"] else f"online-{t['number']}": t["label"]
        for t in rm.event_info(app.extensions["facilitation"].plan, tables)["tables"]
    }
    assert labels[7] == {"it": "Tavolo 7", "en": "Table 7"}
    assert labels["online-1"] == {"it": "Gruppo online 1", "en": "Online group 1"}
