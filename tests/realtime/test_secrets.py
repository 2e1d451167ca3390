"""Replacing a leaked link's secret (issue 22): the old one opens nothing from that moment, over HTTP and over
the socket, and the screens it opened are cut; the log says which link, never its secret."""

import time

import pytest
import requests
import socketio

from tests.realtime.clients import Client


def cut(client: Client, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while client.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not client.sio.connected


def test_a_replaced_secret_opens_nothing_and_its_screens_are_cut_the_log_naming_the_link_not_the_secret(server):
    old_observer, old_facilitator = server.setting("observer_token"), server.facilitator
    table_id, old_table = server.tables()[0][0], server.tables()[0][4]
    staff = Client(server.url, old_facilitator)
    observer, scribe = Client(server.url, old_observer), Client(server.url, old_table)
    theme = Client(server.url, server.setting("theme_token"))
    try:
        assert theme.send("secret.replace", {"secret": "observer"})["error"]["code"] == "forbidden"
        assert staff.send("secret.replace", {"secret": "table", "table": 999})["error"]["code"] == "unknown_table"
        assert staff.send("secret.replace", {"secret": "everything"})["error"]["code"] == "invalid_payload"

        replaced = staff.send("secret.replace", {"secret": "observer"})
        assert (
            replaced["ok"]
            and replaced["token"] not in (old_observer, "")
            and server.setting("observer_token") == replaced["token"]
        )
        assert cut(observer) and theme.sio.connected  # the observer's screen only
        assert requests.get(f"{server.url}/observer/{old_observer}", timeout=10).status_code == 404
        assert requests.get(f"{server.url}/observer/{replaced['token']}", timeout=10).status_code == 200
        with pytest.raises(socketio.exceptions.ConnectionError):
            Client(server.url, old_observer)
        Client(server.url, replaced["token"]).close()

        table = staff.send("secret.replace", {"secret": "table", "table": table_id})
        assert table["ok"] and cut(scribe)
        assert requests.get(f"{server.url}/table/{old_table}", timeout=10).status_code == 404
        assert requests.get(f"{server.url}/table/{table['token']}", timeout=10).status_code == 200

        own = staff.send("secret.replace", {"secret": "facilitator"})  # its own: the answer arrives, then the cut
        assert own["ok"] and cut(staff)
        assert requests.get(f"{server.url}/console/{old_facilitator}", timeout=10).status_code == 404
        assert theme.sio.connected
    finally:
        for client in (staff, observer, scribe, theme):
            client.close()
    log = requests.get(f"{server.url}/api/log", headers={"Authorization": f"Bearer {own['token']}"}, timeout=10).json()[
        "entries"
    ]
    entries = [e for e in log if e["kind"] == "SecretReplaced"]
    assert [e["data"] for e in entries] == [
        {"secret": "observer", "table": None},
        {"secret": "table", "table": table_id},
        {"secret": "facilitator", "table": None},
    ]
    assert not any(token in str(log) for token in (replaced["token"], table["token"], own["token"]))
