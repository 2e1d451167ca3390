"""Correctness of the burst write path (group commit, the vote book in memory) under real concurrency, over
real sockets to a real server: every dot counted exactly once, the memory agrees with the database after a
burst and after a restart, and a kill between a batch and its acks loses nothing acknowledged."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import start_server, stop_server
from tests.realtime.clients import Client, cid, join, open_vote

PHONES = 200


def joined_phones(server, count: int) -> list[Client]:
    tables = [t[3] for t in server.tables() if not t[2]]
    with ThreadPoolExecutor(16) as pool:
        cookies = list(pool.map(lambda n: join(server.url, tables[n % len(tables)]), range(count)))
        return list(pool.map(lambda cookie: Client(server.url, cookie=cookie), cookies))


def database_dots(server) -> dict[int, dict[int, int]]:
    rows = server.query("select participant_id, theme_id, count from dot where count > 0")
    out: dict[int, dict[int, int]] = {}
    for participant, theme, count in rows:
        out.setdefault(participant, {})[theme] = count
    return out


@pytest.fixture(scope="module")
def crowd(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("crowd"), env={"FACILITATION_JOIN_BURST": "400"})
    themes = open_vote(server, [f"Tema numero {n + 1}" for n in range(6)])
    phones = joined_phones(server, PHONES)
    yield server, themes, phones
    for phone in phones:
        phone.close()
    stop_server(server)


def test_200_phones_voting_at_once_are_counted_exactly_once_retries_included(crowd):
    server, themes, phones = crowd
    ids = {(p, k): cid() for p in range(PHONES) for k in range(3)}

    def vote(p: int) -> list[dict]:
        answers = []
        for k in range(3):
            payload = {"theme": themes[(p + k) % len(themes)]}
            answers.append(phones[p].send("dot.place", payload, client_id=ids[p, k]))
            if k == 1:  # a retry after a lost ack: the same id, the same answer, counted once
                again = phones[p].send("dot.place", payload, client_id=ids[p, k])
                assert again["replayed"] and again["dots"] == answers[-1]["dots"]
        return answers

    with ThreadPoolExecutor(64) as pool:
        answers = [a for group in pool.map(vote, range(PHONES)) for a in group]
    assert all(a["ok"] for a in answers) and len(answers) == 3 * PHONES
    assert len({a["version"] for a in answers}) == 3 * PHONES  # one log version each, none shared or skipped
    stored = database_dots(server)
    assert sum(sum(mine.values()) for mine in stored.values()) == 3 * PHONES
    assert all(sum(mine.values()) == 3 for mine in stored.values()) and len(stored) == PHONES
    assert server.query("select count(*) from log where kind = 'DotPlaced'")[0][0] == 3 * PHONES
    tally = Client(server.url, server.setting("observer_token"))
    assert tally.state["tally"]["dots"] == 3 * PHONES
    tally.close()


def test_the_vote_book_in_memory_agrees_with_the_database_after_a_burst(crowd):
    server, themes, phones = crowd
    stored = database_dots(server)
    for phone in phones[:40]:
        me = phone.sync()["me"]  # read from the database
        assert {int(k): v for k, v in me["dots"].items()} == stored[me["participant"]]
        theme = int(next(iter(me["dots"])))
        answer = phone.send("dot.remove", {"theme": theme})  # checked against the memory
        assert answer["ok"] and answer["left"] == me["left"] + 1
        assert phone.send("dot.place", {"theme": theme})["left"] == me["left"]
    # the budget and the per-item cap hold in memory as they do in the database
    full = phones[0].sync()["me"]
    mine = {int(k): v for k, v in full["dots"].items()}
    target = max(mine, key=mine.get)
    for _ in range(3 - mine[target]):
        assert phones[0].send("dot.place", {"theme": target})["ok"]
    assert phones[0].send("dot.place", {"theme": target})["error"]["code"] in ("item_cap_reached", "no_dots_left")


def test_the_screens_running_totals_equal_a_recount_after_removes_and_places_in_one_batch(crowd):
    """Phones left with one dot remove it and place another without waiting in between, so both often share a
    batch (the allocation is emptied, then filled, within it). The answer to each phone's last tap (from
    memory) must equal what the database holds, and the console's live tally (running totals kept in memory)
    the tally a snapshot counts in the database. The two answers may arrive in either order: the later tap's
    has the higher version, which is how a phone keeps the newest (static/js/phone.js)."""
    server, themes, phones = crowd
    console = Client(server.url, server.facilitator)
    last: dict[tuple[Client, str], tuple[int, dict]] = {}
    answers: list[threading.Event] = []
    for phone in phones[100:]:
        me = phone.sync()["me"]
        for theme, count in list(me["dots"].items())[1:]:
            for _ in range(count):
                assert phone.send("dot.remove", {"theme": int(theme)})["ok"]
        me = phone.sync()["me"]
        ((had, count),) = me["dots"].items()
        for _ in range(count - 1):
            assert phone.send("dot.remove", {"theme": int(had)})["ok"]
        other = next(t for t in themes if str(t) != had)
        for name, theme in (("dot.remove", int(had)), ("dot.place", other)):
            done = threading.Event()
            answers.append(done)

            def answered(answer, phone=phone, name=name, participant=me["participant"], done=done):
                last[phone, name] = (participant, answer)
                done.set()

            phone.sio.emit(name, {"cid": cid(), "theme": theme}, callback=answered)
    assert all(done.wait(20) for done in answers)
    stored = database_dots(server)
    for (phone, name), (participant, answer) in last.items():
        if name == "dot.place":
            assert answer["ok"] and {int(k): v for k, v in answer["dots"].items()} == stored[participant]
            assert answer["version"] > last[phone, "dot.remove"][1]["version"]
    recount = Client(server.url, server.setting("observer_token")).state["tally"]  # counted in the database
    # the last update of the burst carries the same ranking (a wrong running total never does)
    console.wait_for(
        lambda u: (
            (u.get("tally") or {}).get("ranking") == recount["ranking"]
            and u["tally"]["voters"] == recount["voters"]
            and u["tally"]["dots"] == recount["dots"]
        ),
        timeout=10,
    )
    console.close()


def test_after_a_restart_the_vote_book_is_read_back_from_the_database(tmp_path):
    server = start_server(tmp_path)
    themes = open_vote(server, [f"Tema numero {n + 1}" for n in range(3)])
    cookie = join(server.url, server.tables()[0][3])
    phone = Client(server.url, cookie=cookie)
    for theme in (themes[0], themes[0], themes[1]):
        assert phone.send("dot.place", {"theme": theme})["ok"]
    phone.close()
    stop_server(server)
    again = start_server(tmp_path, data_dir=server.data_dir)
    try:
        phone = Client(again.url, cookie=cookie)
        answer = phone.send("dot.place", {"theme": themes[0]})
        assert answer["ok"] and answer["dots"] == {str(themes[0]): 3, str(themes[1]): 1} and answer["left"] == 1
        assert phone.send("dot.place", {"theme": themes[0]})["error"]["code"] == "item_cap_reached"
        phone.close()
    finally:
        stop_server(again)


def test_a_kill_in_the_middle_of_a_burst_loses_nothing_acknowledged(tmp_path):
    server = start_server(tmp_path, env={"FACILITATION_JOIN_BURST": "200"})
    themes = open_vote(server, [f"Tema numero {n + 1}" for n in range(6)])
    phones = joined_phones(server, 60)
    acked: list[tuple[str, int]] = []  # (client id, log version) of every acknowledged dot
    enough = threading.Event()

    def vote(p: int) -> None:
        for k in range(5):
            client_id = cid()
            try:
                answer = phones[p].sio.call("dot.place", {"cid": client_id, "theme": themes[(p + k) % 6]}, timeout=5)
            except Exception:
                return  # the server is gone: this one was never acknowledged
            if answer.get("ok"):
                acked.append((client_id, answer["version"]))
            if len(acked) >= 120:
                enough.set()

    with ThreadPoolExecutor(60) as pool:
        futures = [pool.submit(vote, p) for p in range(60)]
        enough.wait(30)
        server.process.kill()  # SIGKILL: no shutdown, no flush
        for future in futures:
            future.result()
    server.process.wait()
    stored = {row[0].split("|", 1)[1] for row in server.query("select key from command where name = 'dot.place'")}
    logged = server.query("select count(*) from log where kind = 'DotPlaced'")[0][0]
    dots = server.query("select coalesce(sum(count), 0) from dot")[0][0]
    assert len(acked) >= 120
    assert {client_id for client_id, _v in acked} <= stored  # every acknowledged dot is on disk
    assert logged == dots == len(stored)  # and what is on disk is consistent: each dot once, logged once
    again = start_server(tmp_path, data_dir=server.data_dir)
    try:
        assert requests.get(f"{again.url}/healthz", timeout=5).json()["version"] >= max(v for _c, v in acked)
    finally:
        stop_server(again)
        for phone in phones:
            phone.sio.disconnect()
