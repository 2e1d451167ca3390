"""The organiser's home (issue 22, `serve --workspace`): the events the server runs, a new one from a template
or as a copy of another, served at once and again after a restart; the home opens for the organiser's secret
only."""

import sqlite3

import pytest
import requests

from tests.conftest import Server, free_port, launch, start_server, stop_server, wait_until_healthy
from tests.realtime.clients import Client, join


def counts(event: Server) -> tuple[int, int, int]:
    """Its tables, participants and ideas: in its SQLite file, or its schema of the PostgreSQL database."""
    return tuple(event.query(f"select count(*) from {table}")[0][0] for table in ("event_table", "participant", "idea"))


def counted(backup) -> tuple[int, int, int]:
    with sqlite3.connect(backup) as con:
        return tuple(
            con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("event_table", "participant", "idea")
        )


def test_the_organiser_makes_an_event_from_a_template_and_copies_one_each_served_at_once_and_after_a_restart(tmp_path):
    server = start_server(tmp_path, extra=("--workspace",))
    secret = (server.data_dir / "organiser.secret").read_text().strip()
    home = f"{server.url}/home/{secret}"
    try:
        assert requests.get(f"{server.url}/home/not-the-secret", timeout=10).status_code == 404
        page = requests.get(home, timeout=10, headers={"Accept-Language": "en"})
        assert page.status_code == 200 and 'data-event="psm-torino-2024"' in page.text
        assert "psm-ascolto-2024" in page.text  # a template to start from

        made = requests.post(
            f"{home}/events",
            data={"template": "psm-ascolto-2024", "id": "ascolto-bis"},
            allow_redirects=False,
            timeout=30,
        )
        assert made.status_code == 303 and made.headers["Location"].endswith("made=ascolto-bis")
        listening = server.other("ascolto-bis")
        assert requests.get(f"{server.url}/console/{listening.facilitator}", timeout=10).status_code == 200
        phone = Client(server.url, cookie=join(server.url, listening.tables()[0][3]))  # its phones join at once
        try:
            assert phone.state["event"]["id"] == "ascolto-bis"
            staff = Client(server.url, listening.facilitator)
            assert staff.send("phase.start", {"phase": 1})["ok"]
            staff.close()
        finally:
            phone.close()

        copied = requests.post(
            f"{home}/events", data={"source": "ascolto-bis", "id": "ascolto-ter"}, allow_redirects=False, timeout=30
        )
        assert copied.status_code == 303
        copy = server.other("ascolto-ter")
        assert counts(copy)[0] == counts(listening)[0] and counts(copy)[1:] == (0, 0)  # structure only
        assert copy.facilitator != listening.facilitator
        assert not {t[3] for t in copy.tables()} & {t[3] for t in listening.tables()}

        again = requests.post(
            f"{home}/events",
            data={"source": "ascolto-bis", "id": "ascolto-ter"},
            timeout=30,
            headers={"Accept-Language": "en"},
        )
        assert again.status_code == 409 and "already an event called ascolto-ter" in again.text
        elsewhere = requests.post(
            f"{home}/events",
            data={"template": "psm-ascolto-2024", "id": "ascolto-x"},
            headers={"Sec-Fetch-Site": "cross-site"},
            timeout=30,
        )
        assert elsewhere.status_code == 403 and not server.other("ascolto-x").kept()
        bad = requests.post(
            f"{home}/events",
            data={"template": "psm-ascolto-2024", "id": "../x"},
            timeout=30,
            headers={"Accept-Language": "en"},
        )
        assert bad.status_code == 422 and not (server.data_dir.parent / "x.sqlite").exists()
        listed = requests.get(home, timeout=10, headers={"Accept-Language": "en"}).text
        assert 'data-event="ascolto-bis"' in listed and "1 participant ·" in listed and "Running" in listed
        assert "Its data is deleted on" in listed  # the promise its phones make, with its date

        backup = requests.get(f"{home}/backup/ascolto-bis", timeout=60)
        assert backup.status_code == 200 and backup.content.startswith(b"SQLite format 3")
        (tmp_path / "backup.sqlite").write_bytes(backup.content)
        assert counted(tmp_path / "backup.sqlite") == counts(listening)  # an SQLite file, wherever it is kept
    finally:
        stop_server(server)

    server = start_server(tmp_path, extra=("--workspace",), data_dir=server.data_dir)  # kept in the data folder
    try:
        health = requests.get(f"{server.url}/healthz", timeout=10).json()
        assert set(health["events"]) == {"psm-torino-2024", "ascolto-bis", "ascolto-ter"}
        copy, home = server.other("ascolto-ter"), f"{server.url}/home/{secret}"  # the same secret, another port
        token = copy.facilitator
        assert requests.get(f"{server.url}/console/{token}", timeout=10).status_code == 200

        # a leaked facilitator link, revoked from the home: the old one opens nothing, the new one its console
        old = server.facilitator
        assert (
            requests.post(f"{home}/replace/psm-torino-2024", data={"secret": "facilitator"}, timeout=30).status_code
            == 200
        )
        assert server.facilitator != old
        assert requests.get(f"{server.url}/console/{old}", timeout=10).status_code == 404
        assert requests.get(f"{server.url}/console/{server.facilitator}", timeout=10).status_code == 200
        assert (
            requests.post(f"{home}/replace/psm-torino-2024", data={"secret": "everything"}, timeout=30).status_code
            == 422
        )

        # archived: no longer served, kept; served again as it was
        assert requests.post(f"{home}/archive/ascolto-bis", timeout=30).status_code == 200  # after the redirect
        listing = requests.get(home, timeout=10).text
        assert 'data-archived="ascolto-bis"' in listing and 'data-event="ascolto-bis"' not in listing
        assert server.other("ascolto-bis").kept()
        archived_token = server.other("ascolto-bis").facilitator
        assert requests.get(f"{server.url}/console/{archived_token}", timeout=10).status_code == 404
        assert "ascolto-bis" not in requests.get(f"{server.url}/healthz", timeout=10).json()["events"]
        assert requests.post(f"{home}/archive/ascolto-bis", data={"serve": "1"}, timeout=30).status_code == 200
        assert requests.get(f"{server.url}/console/{archived_token}", timeout=10).status_code == 200
        assert counts(server.other("ascolto-bis"))[1] == 1  # its participant still there

        wrong = requests.post(f"{home}/delete/ascolto-ter", data={"confirm": "ascolto"}, timeout=30)
        assert wrong.status_code == 422 and copy.kept()
        gone = requests.post(
            f"{home}/delete/ascolto-ter", data={"confirm": "ascolto-ter"}, allow_redirects=False, timeout=30
        )
        assert gone.status_code == 303 and not copy.kept() and not list(server.data_dir.glob("ascolto-ter.*"))
        assert requests.get(f"{server.url}/console/{token}", timeout=10).status_code == 404
        assert "ascolto-ter" not in requests.get(f"{server.url}/healthz", timeout=10).json()["events"]
    finally:
        stop_server(server)

    # a year and a month later (the plan keeps data 12 months): the workspace deletes it as it starts
    server.other("ascolto-bis").query("update log set at = at - 400 * 86400")
    server = start_server(tmp_path, extra=("--workspace",), data_dir=server.data_dir)
    try:
        assert requests.get(f"{server.url}/healthz", timeout=10).json().get("events") is None  # one event left
        assert not server.other("ascolto-bis").kept() and not list(server.data_dir.glob("ascolto-bis.*"))
        assert "ascolto-bis" in server.log_path.read_text() and "deleted" in server.log_path.read_text()
    finally:
        stop_server(server)


@pytest.mark.sqlite_only  # `serve` with no plan and no setting: a data folder
def test_serve_with_no_plan_opens_the_workspace_with_the_demo_event_first(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    process = launch(["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp_path / "data")], log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        secret = (tmp_path / "data" / "organiser.secret").read_text().strip()
        assert f"{url}/home/{secret}" in log.read_text()  # printed with the event's links
        page = requests.get(f"{url}/home/{secret}", timeout=10)
        assert page.status_code == 200 and 'data-event="psm-torino-2024"' in page.text
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.sqlite_only  # `serve` with no plan and no setting: a data folder
def test_a_live_events_timing_and_texts_change_in_the_plans_form_and_every_screen_shows_them(tmp_path):
    """The plan in forms, first part: a phase's minutes and the texts people read change during the event,
    checked by the loader's rules (a wrong value is refused next to its field, in the reader's language, and
    changes nothing); the screens get the new plan at once; the TOML the event keeps is the same file with only
    those values changed (comments and layout kept); the event's id cannot be set this way."""
    port, log, data = free_port(), tmp_path / "server.log", tmp_path / "data"
    # `serve` with no plan: the workspace, whose demo event keeps the plan the forms gave it across restarts
    process = launch(["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)], log)
    server = Server(f"http://127.0.0.1:{port}", data / "psm-torino-2024.sqlite", process, data, log)
    wait_until_healthy(server.url, process, log)
    secret = (server.data_dir / "organiser.secret").read_text().strip()
    form = f"{server.url}/home/{secret}/plan/psm-torino-2024"
    before = requests.get(f"{form}.toml", timeout=10).text
    staff = Client(server.url, server.facilitator)
    phone = Client(server.url, cookie=join(server.url, server.tables()[0][3]))
    try:
        assert staff.send("phase.start", {"phase": 1})["ok"]  # the event is live
        page = requests.get(form, timeout=10, headers={"Accept-Language": "en"})
        assert page.status_code == 200 and 'name="agenda.2.minutes"' in page.text
        minutes = staff.state["event"]["agenda"][2]["minutes"]

        wrong = requests.post(form, data={"agenda.2.minutes": "0"}, timeout=10, headers={"Accept-Language": "en"})
        assert wrong.status_code == 422 and "At least 1." in wrong.text
        untitled = requests.post(form, data={"event.title.it": " "}, timeout=10, headers={"Accept-Language": "en"})
        assert untitled.status_code == 422 and "Missing text in it: every language needs one." in untitled.text
        assert requests.get(f"{form}.toml", timeout=10).text == before  # nothing changed

        saved = requests.post(
            form,
            data={"agenda.2.minutes": str(minutes + 15), "agenda.2.title.en": "Ideas at the tables, a little longer"},
            allow_redirects=False,
            timeout=10,
        )
        assert saved.status_code == 303
        for client in (staff, phone):  # every screen, at once
            update = client.wait_for(lambda u: "event" in u)
            assert update["event"]["agenda"][2]["minutes"] == minutes + 15
            assert update["event"]["agenda"][2]["title"]["en"] == "Ideas at the tables, a little longer"
        after = requests.get(f"{form}.toml", timeout=10).text
        changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
        assert len(changed) == 2 and f"minutes = {minutes + 15}" in changed[0][1] + changed[1][1]
        assert "#" in after and after.count("[[agenda]]") == before.count("[[agenda]]")  # comments and layout kept

        assert staff.send("plan.update", {"changes": {"agenda.2.minutes": "²"}})["error"]["code"] == "plan_int_parsing"
        locked = staff.send("plan.update", {"changes": {"event.id": "another"}})
        assert locked["error"]["code"] == "plan_field_locked"
        assert phone.send("plan.update", {"changes": {"agenda.2.minutes": "20"}})["error"]["code"] == "forbidden"
        entries = requests.get(
            f"{server.url}/api/log", headers={"Authorization": f"Bearer {server.facilitator}"}, timeout=10
        ).json()["entries"]
        assert [e["data"] for e in entries if e["kind"] == "PlanChanged"] == [
            {"fields": ["agenda.2.minutes", "agenda.2.title.en"]}
        ]
    finally:
        staff.close()
        phone.close()
        stop_server(server)
    process = launch(["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data)], log)
    again = Server(server.url, server.db, process, data, log)
    wait_until_healthy(again.url, process, log)
    try:
        staff = Client(again.url, again.facilitator)
        assert staff.state["event"]["agenda"][2]["minutes"] == minutes + 15
        staff.close()
    finally:
        stop_server(again)


def test_the_events_a_workspace_keeps_are_opened_when_first_needed_by_a_code_a_secret_or_a_phone(tmp_path):
    server = start_server(tmp_path, extra=("--workspace",))
    secret = (server.data_dir / "organiser.secret").read_text().strip()
    home = f"{server.url}/home/{secret}"
    try:
        for event_id in ("ascolto-bis", "ascolto-ter"):
            assert (
                requests.post(
                    f"{home}/events",
                    data={"template": "psm-ascolto-2024", "id": event_id},
                    allow_redirects=False,
                    timeout=30,
                ).status_code
                == 303
            )
        bis, ter = server.other("ascolto-bis"), server.other("ascolto-ter")
        cookie = join(server.url, bis.tables()[0][3])
        staff = Client(server.url, bis.facilitator)
        assert staff.send("phase.start", {"phase": 2})["ok"]  # the listening day's ideas at the tables
        staff.close()
    finally:
        stop_server(server)

    server = start_server(tmp_path, extra=("--workspace",), data_dir=server.data_dir)
    health = lambda: requests.get(f"{server.url}/healthz", timeout=10).json()  # noqa: E731
    try:
        assert health()["events"] == ["psm-torino-2024", "ascolto-bis", "ascolto-ter"]
        assert health()["asleep"] == ["ascolto-bis", "ascolto-ter"]  # glanced at, not opened
        listed = requests.get(
            home.replace(home.split("/home/")[0], server.url), timeout=10, headers={"Accept-Language": "en"}
        ).text
        assert 'data-event="ascolto-bis"' in listed and "1 participant ·" in listed  # its figures, still asleep
        assert ": ascolto-bis, ascolto-ter" in server.log_path.read_text()  # listed at start, links on the home
        assert health()["asleep"] == ["ascolto-bis", "ascolto-ter"]

        # the phone that joined before the restart comes back with its device cookie: its event opens for it
        phone = Client(server.url, cookie=cookie)
        try:
            assert phone.state["event"]["id"] == "ascolto-bis" and phone.state["me"]["table"] == bis.tables()[0][0]
            assert phone.send("idea.add", {"text": "Più panchine all'ombra nei parchi", "axis": "digitale"})["ok"]
        finally:
            phone.close()
        assert health()["asleep"] == ["ascolto-ter"]
        assert "event ascolto-bis opened, first needed" in server.log_path.read_text()

        # the other by its table's code: a new phone joins it
        newcomer = Client(server.url, cookie=join(server.url, ter.tables()[1][3]))
        try:
            assert newcomer.state["event"]["id"] == "ascolto-ter"
        finally:
            newcomer.close()
        assert health()["asleep"] == []
        assert requests.get(f"{server.url}/console/{ter.facilitator}", timeout=10).status_code == 200
        assert counts(bis)[1:] == (1, 1) and counts(ter)[1:] == (1, 0)
    finally:
        stop_server(server)
