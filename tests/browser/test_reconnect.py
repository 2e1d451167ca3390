"""A phone keeps working through a lost connection: it resyncs by itself and never sends an idea twice."""

from __future__ import annotations

import pytest

from tests.browser.conftest import phone_page
from tests.conftest import start_server
from tests.realtime.clients import Client, open_vote

pytestmark = pytest.mark.browser
CAPTURE = 2


def add_idea(page, text: str) -> None:
    page.fill("#idea-text", text)
    page.select_option("#idea-axis", "verde")
    page.get_by_role("button", name="Invia l'idea").click()


def test_a_phone_reconnects_by_itself_after_the_server_restarts(browser, server, tmp_path):
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": CAPTURE})
    facilitator.close()
    phone = phone_page(browser)
    phone.goto(f"{server.url}/j/{server.tables()[0][3]}")
    add_idea(phone, "Orti condivisi nelle scuole")
    phone.locator("#ideas").get_by_text("Orti condivisi nelle scuole").wait_for()

    server.process.kill()
    server.process.wait()
    phone.locator("#status").filter(has_text="Connessione persa").wait_for()
    port = int(server.url.rsplit(":", 1)[1])
    again = start_server(tmp_path, port=port, data_dir=server.data_dir)
    server.process = again.process  # the fixture stops whichever process is running
    phone.locator("#status").wait_for(state="hidden", timeout=20_000)
    add_idea(phone, "Comunità energetiche nei piccoli comuni")
    phone.locator("#ideas").get_by_text("Comunità energetiche nei piccoli comuni").wait_for()
    assert phone.locator("#ideas li").count() == 2


def test_an_idea_sent_while_offline_arrives_once_when_the_phone_is_back(browser, server):
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": CAPTURE})
    phone = phone_page(browser)
    phone.goto(f"{server.url}/j/{server.tables()[1][3]}")
    phone.locator("#capture").wait_for(state="visible")

    phone.context.set_offline(True)
    add_idea(phone, "Piste ciclabili tra i comuni")
    phone.locator("#status").wait_for(state="visible")
    phone.wait_for_timeout(6_000)  # past the first ack timeout: the phone retries with the same client id
    phone.context.set_offline(False)
    phone.locator("#ideas").get_by_text("Piste ciclabili tra i comuni").wait_for(timeout=20_000)
    phone.wait_for_timeout(1_500)
    texts = [i["text"] for i in facilitator.sync()["ideas"]]
    facilitator.close()
    assert texts.count("Piste ciclabili tra i comuni") == 1


def test_sending_again_after_a_lost_acknowledgement_does_not_duplicate_the_idea(browser, server):
    """The server stored the idea but its answer never reached the phone (Wi-Fi dropped on the way back)."""
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": CAPTURE})
    phone = phone_page(browser)
    lose_acks = {"on": False}

    def relay(ws):  # sits between the page and the server on the websocket transport
        upstream = ws.connect_to_server()
        ws.on_message(upstream.send)
        upstream.on_message(lambda m: None if lose_acks["on"] and str(m).startswith("43") else ws.send(m))

    phone.route_web_socket("**/socket.io/**", relay)
    phone.goto(f"{server.url}/j/{server.tables()[2][3]}")
    phone.locator("#capture").wait_for(state="visible")
    phone.wait_for_function("() => document.querySelector('#status').hidden")

    lose_acks["on"] = True
    add_idea(phone, "Mercati contadini nei quartieri")
    phone.locator("#toast").filter(has_text="Nessuna connessione").wait_for(timeout=45_000)
    assert phone.input_value("#idea-text") == "Mercati contadini nei quartieri"  # the draft is kept
    lose_acks["on"] = False
    phone.get_by_role("button", name="Invia l'idea").click()  # the same draft, sent again
    phone.locator("#ideas-saved").filter(has_text="Salvata").wait_for(timeout=20_000)
    texts = [i["text"] for i in facilitator.sync()["ideas"]]
    facilitator.close()
    assert texts.count("Mercati contadini nei quartieri") == 1


def test_a_dot_tapped_offline_shows_as_sending_then_saved_and_counts_once(browser, server):
    facilitator = Client(server.url, server.facilitator)
    facilitator.send("phase.start", {"phase": 4})
    themes = open_vote(server, ["Treni", "Boschi"])
    phone = phone_page(browser)
    phone.goto(f"{server.url}/j/{server.tables()[2][3]}")
    phone.locator("#ballot li").nth(1).wait_for()

    phone.context.set_offline(True)
    phone.locator(f'[data-focus-key="place-{themes[0]}"]').click()
    phone.locator("#ballot li.pending").filter(has_text="invio in corso").wait_for()  # the tap is not lost
    phone.locator("#status").wait_for(state="visible")
    phone.wait_for_timeout(6_000)  # past the first ack timeout: the phone retries with the same client id
    phone.context.set_offline(False)
    phone.locator("#vote-saved").filter(has_text="1 dati").wait_for(timeout=20_000)
    assert phone.locator("#ballot li.pending").count() == 0
    phone.wait_for_timeout(1_500)
    tally = facilitator.sync()["tally"]
    facilitator.close()
    assert tally["dots"] == 1
