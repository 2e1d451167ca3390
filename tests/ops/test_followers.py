"""Several server processes on one event (issue 24): PostgreSQL keeps it, Redis carries what they share. The first
process writes; the others follow: their phones' commands are forwarded to the writer and answered, every screen
hears every change whichever process holds it, a cut reaches every process, and when the writer ends a follower
takes over without losing what was acknowledged."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import DEMO_PLAN, Server, launch, start_server, stop_server, wait_until_healthy
from tests.databases import DEPLOY, Nginx, Postgres, Redis, free_port
from tests.realtime.clients import Client, join, session_from


@pytest.fixture(scope="module")
def shared():
    postgres, redis = Postgres(), Redis()
    yield postgres, redis
    redis.stop()
    postgres.stop()


def _end(clients: list[Client], servers: list) -> None:
    """A test's end: its sockets still open closed, its servers still running stopped."""
    for client in clients:
        if client.sio.connected:
            client.close()
    for server in servers:
        if server.process.poll() is None:
            stop_server(server)


def role(server) -> str:
    return requests.get(server.url + "/healthz", timeout=5).json().get("role", "")


def test_a_follower_forwards_every_command_to_the_writer_and_takes_over_when_it_ends(shared, tmp_path):
    postgres, redis = shared
    env = {"FACILITATION_DATABASE_URL": postgres.url(f"{tmp_path}:followers"), "FACILITATION_REDIS_URL": redis.url}
    writer = start_server(tmp_path, data_dir=tmp_path / "one", env=env)
    follower = start_server(tmp_path, data_dir=tmp_path / "two", env=env)
    clients: list[Client] = []
    try:
        assert role(writer) == "writer" and role(follower) == "follower"
        code = writer.tables()[0][3]
        # a phone joins through the follower: the writer made its seat, so its token opens the event everywhere
        phone = join(follower.url, code)
        here = Client(follower.url, cookie=phone)
        there = Client(writer.url, cookie=join(writer.url, code))  # a table-mate on the other process
        console = Client(writer.url, writer.facilitator)
        console_on_follower = Client(follower.url, writer.facilitator)
        clients += [here, there, console, console_on_follower]
        assert console_on_follower.send("phase.start", {"phase": 2})["ok"]  # run by the writer
        here.wait_for(lambda update: "control" in update)  # sent by the writer, through the message queue

        sent = here.send("idea.add", {"text": "Più corse serali per le valli", "axis": "mobilita"})
        assert sent["ok"] and sent["version"] > 0
        # the writer's broadcaster reaches its own sockets, and the follower's through the message queue
        for screen in (console, there, console_on_follower):
            screen.wait_for(lambda update: any(i["text"].startswith("Più corse") for i in update.get("ideas", [])))
        assert writer.query("select count(*) from idea") == [(1,)]

        # a refusal comes back from the writer, translated, and changes nothing
        refused = here.send("idea.add", {"text": "x", "axis": "mobilita"})
        assert refused["error"]["code"] == "text_too_short" and "at least" in refused["error"]["message"]
        wrong_phase = here.send("dot.place", {"theme": 1})
        assert wrong_phase["error"]["code"] in ("vote_not_open", "not_on_ballot")
        once = {"text": "Un'altra idea, mandata due volte", "axis": "mobilita"}
        retried, again = (
            here.send("idea.add", once, "retried-" + "1" * 24),
            here.send("idea.add", once, "retried-" + "1" * 24),
        )
        assert retried["ok"] and retried["version"] == again["version"], (retried, again)
        assert writer.query("select count(*) from idea") == [(2,)]

        # how fast a phone may send is counted at the writer, whichever process its sockets reached
        here_too = Client(writer.url, cookie=phone)
        clients.append(here_too)
        answers = [
            (here if n % 2 else here_too).send("idea.edit", {"idea": 1, "text": f"Più corse serali, versione {n}"})
            for n in range(40)
        ]
        assert any(a.get("error", {}).get("code") == "too_fast" for a in answers)
        assert sum(1 for a in answers if a.get("ok")) <= 31

        # a secret replaced on the writer cuts the screens it opened on the follower too
        theme_team = Client(follower.url, writer.setting("theme_token"))
        clients.append(theme_team)
        assert console.send("secret.replace", {"secret": "theme"})["ok"]
        deadline = time.monotonic() + 5
        while theme_team.sio.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not theme_team.sio.connected

        # dots from both processes go into the writer's one vote book, batched together
        themes = [console.send("theme.create", {"title": title})["theme"] for title in ("Trasporti", "Scuole")]
        for theme in themes:
            assert console.send("theme.ballot", {"theme": theme})["ok"]
        assert console.send("vote.open")["ok"]
        assert here.send("dot.place", {"theme": themes[0]})["ok"] and here.send("dot.place", {"theme": themes[1]})["ok"]
        assert there.send("dot.place", {"theme": themes[0]})["ok"]
        tally = console_on_follower.wait_for(lambda update: (update.get("tally") or {}).get("voters") == 2)
        assert {row["theme"]: row["dots"] for row in tally["tally"]["ranking"]} == {themes[0]: 2, themes[1]: 1}

        # a writer that does not answer (frozen, still holding the lock): the follower's phone is told to send it
        # again, in its language, and the command it gave up on is not run later, when the writer wakes up
        ideas = writer.query("select count(*) from idea")
        os.kill(writer.process.pid, signal.SIGSTOP)
        try:
            late = {"cid": "late-" + "2" * 24, "text": "Mandata mentre il server dorme", "axis": "mobilita"}
            over_http: list[requests.Response] = []
            also = {"cid": "late-" + "4" * 24, "text": "Mandata via HTTP mentre dorme", "axis": "mobilita"}
            poster = threading.Thread(
                target=lambda: over_http.append(
                    requests.post(
                        f"{follower.url}/api/command/idea.add",
                        json=also,
                        cookies={"facilitation_device": phone},
                        timeout=30,
                    )
                )
            )
            poster.start()
            away = here.sio.call("idea.add", late, timeout=30)
            poster.join(timeout=30)
        finally:
            os.kill(writer.process.pid, signal.SIGCONT)
        assert away["error"]["code"] == "writer_away" and "count once" in away["error"]["message"], away
        assert over_http[0].status_code == 503 and over_http[0].json()["error"]["code"] == "writer_away"
        time.sleep(1)
        assert writer.query("select count(*) from idea") == ideas
        assert here.sio.call("idea.add", late, timeout=10)["ok"]  # sent again: it counts, once
        assert writer.query("select count(*) from idea") == [(ideas[0][0] + 1,)]

        # the writer ends (frozen, then killed, as a crash would) with a command it took and never answered: the
        # follower takes the writing over, puts that command back and answers it
        last = writer.query("select max(version) from log")[0][0]
        os.kill(writer.process.pid, signal.SIGSTOP)
        answers: list[dict] = []
        late = {"cid": "taken-" + "3" * 24, "text": "Scritta dopo il cambio di mano", "axis": "mobilita"}
        sender = threading.Thread(target=lambda: answers.append(here.sio.call("idea.add", late, timeout=30)))
        sender.start()
        time.sleep(1)  # the frozen writer's read took it from the queue
        os.kill(writer.process.pid, signal.SIGKILL)
        writer.process.wait(timeout=10)
        sender.join(timeout=30)
        after = answers[0]
        assert after["ok"] and after["version"] > last, after
        assert role(follower) == "writer"
        console_on_follower.wait_for(
            lambda update: any(i["text"].startswith("Scritta") for i in update.get("ideas", []))
        )
        assert console_on_follower.sync()["version"] == after["version"]
        # the new writer read the vote book back: the phone's dots are there to take back, and the count goes on
        assert here.send("dot.remove", {"theme": themes[1]})["ok"]
        assert here.send("dot.remove", {"theme": themes[1]})["error"]["code"] == "no_dot_here"
        assert follower.query("select sum(count) from dot") == [(2,)]
        texts = [text for (text,) in follower.query("select text from idea order by id")]
        assert texts[1:] == [
            "Un'altra idea, mandata due volte",
            "Mandata mentre il server dorme",
            "Scritta dopo il cambio di mano",
        ]
    finally:
        _end(clients, [follower, writer])


class Browser:
    """A browser behind nginx: its cookies (the route cookie the app gives, a phone's device cookie) on every
    request, and Socket.IO as browsers open it, long polling first, then the websocket; it reconnects by itself."""

    def __init__(self, url: str, page: str, token: str | None = None, address: str = "127.0.0.1"):
        import socketio

        self.session = session_from(address, keep_cookies=True)
        assert self.session.get(url + page, timeout=10).status_code == 200
        self.heard: list[dict] = []
        self.sio = socketio.Client(http_session=self.session, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("update", self.heard.append)
        self.url, self.token = url, token

    def open(self) -> "Browser":
        auth = {"token": self.token, "lang": "en"} if self.token else {"lang": "en"}
        self.sio.connect(self.url, auth=auth, wait_timeout=10)
        return self

    def send(self, name: str, payload: dict, timeout: float = 20) -> dict:
        return self.sio.call(name, {"cid": os.urandom(12).hex(), **payload}, timeout=timeout)


PER_ADDRESS = 4  # the connections one address may hold, in the tests' nginx
ROUTE = "facilitation_route"  # the cookie nginx sends a browser's requests to one process by


def _websocket(nginx: Nginx, address: str, route: str, token: str) -> "Browser | None":
    """A script's Socket.IO socket from `address`, websocket only, sent by its route cookie; None if refused."""
    import socket as sockets

    import socketio

    held = Browser.__new__(Browser)
    held.session = requests.Session()
    held.session.cookies.set(ROUTE, route)
    raw = sockets.create_connection(("127.0.0.1", nginx.port), source_address=(address, 0), timeout=10)
    held.sio = socketio.Client(http_session=held.session, reconnection=False, websocket_extra_options={"socket": raw})
    try:
        held.sio.connect(nginx.url, auth={"token": token, "lang": "en"}, transports=["websocket"], wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        raw.close()
        return None
    return held


def test_behind_nginx_a_browser_stays_on_one_process_and_one_gone_moves_its_phones_to_another(shared, tmp_path):
    postgres, redis = shared
    env = {
        "FACILITATION_DATABASE_URL": postgres.url(f"{tmp_path}:nginx"),
        "FACILITATION_REDIS_URL": redis.url,
        "FACILITATION_PROXIES": "1",
    }
    servers = [start_server(tmp_path, data_dir=tmp_path / name, env=env) for name in ("one", "two")]
    nginx = Nginx([server.url.removeprefix("http://") for server in servers])
    browsers: list[Browser] = []
    try:
        console = Browser(nginx.url, f"/console/{servers[0].facilitator}", servers[0].facilitator).open()
        browsers.append(console)
        assert console.send("phase.start", {"phase": 2})["ok"]
        code = servers[0].tables()[0][3]
        for n in range(12):  # phones from addresses of their own, as a hall's would be
            phone = Browser(nginx.url, f"/j/{code}", address=f"127.0.0.{n + 2}")
            assert phone.session.post(f"{nginx.url}/j/{code}", allow_redirects=False, timeout=10).status_code == 303
            browsers.append(phone.open())  # with its device cookie
            assert phone.send("idea.add", {"text": f"Idea numero {n} dal telefono", "axis": "mobilita"})["ok"]
        # each browser's socket went from long polling to the websocket, through nginx
        deadline = time.monotonic() + 10
        while any(browser.sio.transport() != "websocket" for browser in browsers):
            assert time.monotonic() < deadline, [browser.sio.transport() for browser in browsers]
            time.sleep(0.1)
        # the phones spread over both processes, and each stayed on one (long polling would fail otherwise)
        held = [requests.get(server.url + "/healthz", timeout=5).json()["connections"] for server in servers]
        assert all(state["open"] > 1 for state in held), held
        # the proxy's word is taken for a phone's address: joins counted per phone, not per proxy
        joined = "".join(server.log_path.read_text() for server in servers)
        assert "127.0.0.5 POST /j/" in joined and "127.0.0.13 POST /j/" in joined
        deadline = time.monotonic() + 10
        while sum(len(u.get("ideas", [])) for u in console.heard) < 12:
            assert time.monotonic() < deadline, "the console did not hear every idea"
            time.sleep(0.1)

        # one address holds PER_ADDRESS sockets in all, counted by nginx over both processes (each process alone
        # sees nginx's address, and would let a script open its own cap on each); the site's cap, made small
        capped = Nginx([server.url.removeprefix("http://") for server in servers], per_address=PER_ADDRESS)
        try:
            routes: dict[str, list[str]] = {"writer": [], "follower": []}
            for n in range(40):  # which process each route cookie reaches
                seen = requests.get(f"{capped.url}/healthz", cookies={ROUTE: f"r{n}"}, timeout=5).json()
                routes[seen["role"]].append(f"r{n}")
            spread = [route for pair in zip(routes["writer"], routes["follower"], strict=False) for route in pair]
            script = [_websocket(capped, "127.0.0.99", route, console.token) for route in spread[:PER_ADDRESS]]
            browsers += [held for held in script if held is not None]
            assert None not in script  # half on each process
            assert _websocket(capped, "127.0.0.99", spread[PER_ADDRESS], console.token) is None
            assert session_from("127.0.0.99").get(f"{capped.url}/healthz", timeout=5).status_code == 503
            assert session_from("127.0.0.98").get(f"{capped.url}/healthz", timeout=5).status_code == 200
            for held in script:
                held.sio.disconnect()
            browsers = [browser for browser in browsers if browser not in script]
        finally:
            capped.stop()

        # the writer ends: its phones reconnect through nginx to the other process, which writes from now on
        writer = next(server for server in servers if role(server) == "writer")
        other = next(server for server in servers if server is not writer)
        os.kill(writer.process.pid, signal.SIGKILL)
        writer.process.wait(timeout=10)
        for n, phone in enumerate(browsers[1:]):
            idea = {"cid": os.urandom(12).hex(), "text": f"Dopo il cambio, idea {n}", "axis": "mobilita"}
            assert _sent_once_back_in(phone, "idea.add", idea)["ok"]
        assert role(other) == "writer"
        assert other.query("select count(*) from idea") == [(24,)]
    finally:
        for browser in browsers:
            browser.sio.reconnection = False
            browser.sio.disconnect()
        nginx.stop()
        for server in servers:
            if server.process.poll() is None:
                stop_server(server)


def _sent_once_back_in(phone, name: str, payload: dict, seconds: float = 60) -> dict:
    """`payload` sent as the phones' page sends it while its process is gone (static/js/client.js): waiting 5 s
    for each answer, then again with the same client id, until the phone is back in and answered. A socket still
    open the moment its process was killed may close between the check and the send (BadNamespaceError), or take
    the send with it unanswered (TimeoutError: a wait as long as the whole deadline failed a clean run once); a
    follower taking the writing over may answer `writer_away` meanwhile."""
    import socketio

    deadline = time.monotonic() + seconds
    while True:
        if phone.sio.connected:
            try:
                answer = phone.send(name, payload, timeout=5)
                if answer.get("error", {}).get("code") != "writer_away":
                    return answer
            except (socketio.exceptions.BadNamespaceError, socketio.exceptions.TimeoutError):
                pass
        assert time.monotonic() < deadline, "a phone did not get back in"
        time.sleep(0.1)


def test_redis_without_postgresql_is_refused_and_says_why(tmp_path):
    port = free_port()
    process = launch(
        ["serve", str(DEMO_PLAN), "--port", str(port), "--host", "127.0.0.1", "--data", str(tmp_path / "data")],
        tmp_path / "serve.log",
        env={"FACILITATION_REDIS_URL": "redis://127.0.0.1:1/0", "LANG": "en_GB.UTF-8"},
    )
    assert process.wait(timeout=60) == 2
    said = (tmp_path / "serve.log").read_text()
    assert "FACILITATION_DATABASE_URL" in said and "Traceback" not in said


def test_three_processes_a_vote_opens_fills_and_closes_while_the_writer_is_killed_and_counts_each_dot_once(
    shared, tmp_path
):
    """The issue's own scene: a phone on process A, the projector on B, the console on C, one event; the writer
    (A) killed while the room votes. Every phone sends its five dots, each with its own client id; one whose
    process went away sends the unanswered one again from another (as the phone's page does), and every
    acknowledged dot is counted exactly once."""
    postgres, redis = shared
    env = {"FACILITATION_DATABASE_URL": postgres.url(f"{tmp_path}:three"), "FACILITATION_REDIS_URL": redis.url}
    a, b, c = (start_server(tmp_path, data_dir=tmp_path / name, env=env) for name in ("a", "b", "c"))
    clients: list[Client] = []
    try:
        assert [role(server) for server in (a, b, c)] == ["writer", "follower", "follower"]
        console = Client(c.url, a.facilitator)
        projector = Client(b.url, a.setting("projector_token"))
        clients += [console, projector]
        assert console.send("phase.start", {"phase": 2})["ok"]
        themes = [
            console.send("theme.create", {"title": title})["theme"]
            for title in ("Trasporti nelle valli", "Scuole aperte il pomeriggio", "Casa per chi studia")
        ]
        for theme in themes:
            assert console.send("theme.ballot", {"theme": theme})["ok"]
        assert console.send("vote.open")["ok"]

        # twelve phones, four on each process, each from its own address (the join limit is per address)
        tables = a.tables()
        phones = []
        for n in range(12):
            server = (a, b, c)[n % 3]
            session = session_from(f"127.0.0.{20 + n}")
            joined = session.post(f"{server.url}/j/{tables[n % 6][3]}", allow_redirects=False, timeout=10)
            assert joined.status_code == 303, joined.text
            phones.append((server, joined.cookies["facilitation_device"]))

        acknowledged: dict[int, set[str]] = {n: set() for n in range(12)}
        moved: list[int] = []

        connected = [Client(server.url, cookie=cookie) for server, cookie in phones]
        clients += connected

        def vote(n: int) -> None:
            phone, cookie = connected[n], phones[n][1]
            for k, theme in enumerate([themes[0], themes[1], themes[2], themes[0], themes[1]]):
                dot = f"dot-{n:02d}-{k}-" + "0" * 20
                for _attempt in range(3):
                    try:
                        answer = phone.send("dot.place", {"theme": theme}, dot)
                    except Exception:  # its process is gone: the phone's page reconnects elsewhere, sends again
                        moved.append(n)
                        phone = Client(b.url, cookie=cookie)
                        clients.append(phone)
                        continue
                    assert answer.get("ok"), answer
                    acknowledged[n].add(dot)
                    break
                time.sleep(0.15)

        voters = [threading.Thread(target=vote, args=(n,)) for n in range(12)]
        for voter in voters:
            voter.start()
        time.sleep(0.4)  # the room is voting
        os.kill(a.process.pid, signal.SIGKILL)
        a.process.wait(timeout=10)
        for voter in voters:
            voter.join(timeout=60)
        assert moved, "the phones on the killed process moved to another"
        assert all(len(dots) == 5 for dots in acknowledged.values()), acknowledged
        assert "writer" in (role(b), role(c))

        # the vote closes from the console on C; the projector on B shows the count the database holds, once shown
        assert console.send("vote.close")["ok"]
        assert b.query("select sum(count) from dot") == [(60,)]  # 12 phones x 5 dots: each once
        projector.wait_for(lambda update: (update.get("control") or {}).get("vote", {}).get("state") == "closed")
        assert console.send("vote.reveal")["ok"]  # the room sees the count when the facilitator shows it
        final = projector.wait_for(lambda update: (update.get("tally") or {}).get("voters") == 12, timeout=10)
        assert {row["theme"]: row["dots"] for row in final["tally"]["ranking"]} == {
            themes[0]: 24,
            themes[1]: 24,
            themes[2]: 12,
        }
        assert console.sync()["control"]["vote"]["state"] == "closed"
    finally:
        _end(clients, [a, b, c])


def test_refused_joins_and_table_moves_hold_across_processes_and_every_console_counts_the_refusals(shared, tmp_path):
    """One network address has one join budget, whichever process its phones reach: past JOIN_BURST, a join is
    refused on the writer and on a follower alike (the writer's door decides), another address is not held back,
    and a console on either process counts the refusals on its seats panel. A table move made on one process
    reaches the phone's socket on another."""
    postgres, redis = shared
    env = {
        "FACILITATION_DATABASE_URL": postgres.url(f"{tmp_path}:joins"),
        "FACILITATION_REDIS_URL": redis.url,
        "FACILITATION_JOIN_BURST": "4",
    }
    writer = start_server(tmp_path, data_dir=tmp_path / "one", env=env)
    follower = start_server(tmp_path, data_dir=tmp_path / "two", env=env)
    consoles: list[Client] = []
    try:
        assert role(follower) == "follower"
        tables = writer.tables()
        script = session_from("127.0.0.60")  # one address minting phones, landing on both processes

        def joined(server, session, table: int) -> int:
            answer = session.post(f"{server.url}/j/{tables[table][3]}", allow_redirects=False, timeout=10)
            return answer.status_code

        started = time.monotonic()
        assert [joined((writer, follower)[n % 2], script, n) for n in range(4)] == [303] * 4
        # then 2 a second: a slow machine may let one more in now and then, never the burst again
        answers = [(server.url, joined(server, script, 4)) for server in (follower, writer) * 4]
        let_in = sum(1 for _, status in answers if status == 303)
        assert let_in <= 2 * (time.monotonic() - started) + 1, answers
        assert {url for url, status in answers if status == 429} == {writer.url, follower.url}, answers
        assert {status for _, status in answers} <= {303, 429}
        assert joined(follower, session_from("127.0.0.61"), 5) == 303  # someone else gets in
        assert writer.query("select count(*) from participant") == [(4 + let_in + 1,)]

        consoles += [Client(writer.url, writer.facilitator), Client(follower.url, writer.facilitator)]
        for console in consoles:
            deadline = time.monotonic() + 5
            while True:
                seats = console.sync()["seats"]
                refused = {row["number"]: row["refused"] for row in seats["tables"] if row["refused"]}
                if refused or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert refused == {tables[4][1]: len(answers) - let_in}, seats

        # a phone moved to another table through the writer: its socket on the follower is cut there and comes
        # back scoped to the new table, hearing that table's ideas
        assert consoles[0].send("phase.start", {"phase": 2})["ok"]
        browser = session_from("127.0.0.62", keep_cookies=True)
        assert browser.post(f"{follower.url}/j/{tables[0][3]}", allow_redirects=False, timeout=10).status_code == 303
        moving = Client(follower.url, cookie=browser.cookies["facilitation_device"])
        mate = Client(writer.url, cookie=join(writer.url, tables[1][3]))
        consoles += [moving, mate]
        assert browser.post(f"{writer.url}/j/{tables[1][3]}", allow_redirects=False, timeout=10).status_code == 303
        moving.reconnect_once_closed()
        assert mate.send("idea.add", {"text": "Navette dalle frazioni alla stazione", "axis": "mobilita"})["ok"]
        moving.wait_for(lambda update: any(i["text"].startswith("Navette") for i in update.get("ideas", [])))
    finally:
        for console in consoles:
            console.close()
        stop_server(follower)
        stop_server(writer)


def _as_the_unit_says(tmp_path: Path, env: dict) -> Server:
    """A process started as deploy/facilitation@.service and deploy/facilitation.env say: the unit's command for
    an instance on a free port, with the settings file's variables, the tests' PostgreSQL and Redis and a temp
    data folder (shared by the instances, as /var/lib/facilitation is) in place of the machine's."""
    from facilitation.config import OPTIONS

    unit = (DEPLOY / "facilitation@.service").read_text()
    port = free_port()
    command = shlex.split(next(line for line in unit.splitlines() if line.startswith("ExecStart=")).split("=", 1)[1])
    assert command[0] == "/opt/facilitation/bin/facilitation"  # the venv docs/deploy.md makes
    data = tmp_path / "data"
    args = [part.replace("%i", str(port)).replace("/var/lib/facilitation", str(data)) for part in command[1:]]
    lines = (DEPLOY / "facilitation.env").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    assert set(settings) <= {option.env for option in OPTIONS}, "a variable the app does not read"
    url = f"http://127.0.0.1:{port}"
    settings.update(env, FACILITATION_PUBLIC_URL=url, FACILITATION_FLUSH_INTERVAL="0.1")
    log = tmp_path / f"server-{port}.log"
    process = launch(args, log, env=settings)
    wait_until_healthy(url, process, log)
    return Server(url, data / "psm-torino-2024.sqlite", process, data, log, env["FACILITATION_DATABASE_URL"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not on this machine")
def test_the_recipes_systemd_units_are_valid(tmp_path):
    """systemd reads the recipe's units as written (the app's command where the recipe's venv puts it)."""
    import sys

    command = Path(sys.executable).parent / "facilitation"
    for name in ("facilitation@.service", "facilitation-backup.service", "facilitation-backup.timer"):
        text = (DEPLOY / name).read_text().replace("/opt/facilitation/bin/facilitation", str(command))
        (tmp_path / name.replace("@.", "@5001.")).write_text(text)
    units = sorted(str(path) for path in tmp_path.iterdir())
    checked = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def _until(condition, seconds: float = 20.0):
    """`condition()`'s first true value within `seconds` (asserted)."""
    deadline = time.monotonic() + seconds
    while not (found := condition()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert found, "not within the time"
    return found


def _served(server, event_id: str) -> str | None:
    """How `server` serves the event: "writer", "follower", or None when it does not."""
    health = requests.get(f"{server.url}/healthz", params={"event": event_id}, timeout=10).json()
    return health["role"] if event_id in health.get("events", [health["event"]]) else None


def test_a_workspace_on_two_processes_gives_each_event_one_writer_and_what_the_home_does_on_one_reaches_the_other(
    shared, tmp_path
):
    postgres, redis = shared
    env = {"FACILITATION_DATABASE_URL": postgres.url(f"{tmp_path}:workspace"), "FACILITATION_REDIS_URL": redis.url}
    # started as the recipe's systemd unit and settings file say (deploy/), one instance per port
    first, second = (_as_the_unit_says(tmp_path, env) for _ in range(2))
    secret = (first.data_dir / "organiser.secret").read_text().strip()
    clients: list[Client] = []
    try:
        assert _served(first, "psm-torino-2024") == "writer" and _served(second, "psm-torino-2024") == "follower"

        # an event made on the second process: it writes it, and the first serves it too, following it
        made = requests.post(
            f"{second.url}/home/{secret}/events",
            data={"template": "psm-ascolto-2024", "id": "ascolto-bis"},
            allow_redirects=False,
            timeout=30,
        )
        assert made.status_code == 303
        assert _served(second, "ascolto-bis") == "writer"
        _until(lambda: _served(first, "ascolto-bis") == "follower")
        listening = first.other("ascolto-bis")
        phone = Client(first.url, cookie=join(first.url, listening.tables()[0][3]))
        console = Client(second.url, listening.facilitator)
        clients += [phone, console]
        assert Client(first.url, listening.facilitator).send("phase.start", {"phase": 2})["ok"]  # run by the second
        assert phone.send("idea.add", {"text": "Più corse serali per le valli", "axis": "mobilita"})["ok"]
        console.wait_for(lambda update: any(i["text"].startswith("Più corse") for i in update.get("ideas", [])))
        assert listening.query("select count(*) from idea") == [(1,)]
        # the demo event still has its own writer, the first: a command through the second is run there
        demo_console = Client(second.url, first.facilitator)
        clients.append(demo_console)
        assert demo_console.send("phase.start", {"phase": 1})["ok"]

        # archived on the process that follows it: neither serves it; served again there, that one writes it
        assert requests.post(f"{first.url}/home/{secret}/archive/ascolto-bis", timeout=30).status_code in (200, 303)
        _until(lambda: _served(second, "ascolto-bis") is None)
        assert _served(first, "ascolto-bis") is None and listening.kept()
        served = requests.post(f"{first.url}/home/{secret}/archive/ascolto-bis", data={"serve": "1"}, timeout=30)
        assert served.status_code in (200, 303) and _served(first, "ascolto-bis") == "writer"
        _until(lambda: _served(second, "ascolto-bis") == "follower")
        phone = Client(second.url, cookie=join(second.url, listening.tables()[0][3]))
        clients.append(phone)
        assert phone.send("idea.add", {"text": "Biglietto unico per treni e bus", "axis": "mobilita"})["ok"]
        assert listening.query("select count(*) from idea") == [(2,)]

        # deleted on the process that follows it: the writer lets it go first, then its schema is dropped
        gone = requests.post(
            f"{second.url}/home/{secret}/delete/ascolto-bis", data={"confirm": "ascolto-bis"}, timeout=30
        )
        assert gone.status_code in (200, 303)
        assert _served(first, "ascolto-bis") is None and _served(second, "ascolto-bis") is None
        assert not listening.kept()
        assert "deleted all the same" not in second.log_path.read_text()

        # the first process ends: the second writes the demo event now
        first.process.kill()
        first.process.wait(timeout=10)
        _until(lambda: _served(second, "psm-torino-2024") == "writer")
        assert demo_console.send("phase.start", {"phase": 2})["ok"]
        for server in (first, second):  # nothing went wrong on the way (a tick drawn for a dropped schema, say)
            assert "Traceback" not in server.log_path.read_text()
    finally:
        _end(clients, [second, first])
