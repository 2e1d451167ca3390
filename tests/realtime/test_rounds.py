"""Rounds of voting over real sockets: 60 phones vote with dots, a second round takes the top three with 100
points each, a run-off settles the tie that leaves by Borda count; every round is in the export."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter

from tests.conftest import ROOT
from tests.realtime.clients import Client, new_phone, open_vote

PHONES = 60


def cast_all(phones: list[Client], payload_of) -> None:
    for n, phone in enumerate(phones):
        ack = phone.send("ballot.cast", payload_of(n))
        assert ack["ok"], ack


def ranking(facilitator: Client) -> list[tuple[int, int, int]]:
    return [(p["rank"], p["theme"], p["dots"]) for p in facilitator.sync()["tally"]["ranking"]]


def parse_pabulib(text: str) -> tuple[dict, dict, list[dict]]:
    """A Pabulib file read as its format says (pabulib.org; the reader of pabutools does the same): sections
    META, PROJECTS and VOTES, each a header row then `;`-separated rows."""
    meta, projects, votes, section, header = {}, {}, [], "", []
    rows = csv.reader(text.splitlines(), delimiter=";")
    for row in rows:
        if not row:
            continue
        if row[0].strip().lower() in ("meta", "projects", "votes"):
            section, header = row[0].strip().lower(), next(rows)
        elif section == "meta":
            meta[row[0]] = row[1]
        elif section == "projects":
            projects[row[0]] = dict(zip(header, row, strict=True))
        else:
            votes.append(dict(zip(header, row, strict=True)))
    return meta, projects, votes


def test_a_two_round_vote_and_a_run_off_with_sixty_phones(server, tmp_path):
    a, b, c, d, e = open_vote(server, ["Trasporti", "Scuole", "Verde", "Casa", "Lavoro"])
    facilitator = Client(server.url, server.facilitator)
    observer = Client(server.url, server.setting("observer_token"))
    projector = Client(server.url, server.setting("projector_token"))
    phones = [new_phone(server, n // 10) for n in range(PHONES)]
    try:
        # Round 1, dots: 5 each; the whole room gives 2 to a, 2 to b, 1 to c; 20 phones give d one more
        # instead of c, so c and d tie at place 3.
        for n, phone in enumerate(phones):
            for theme in (a, a, b, b, c if n < 30 else d):
                assert phone.send("dot.place", {"theme": theme})["ok"]
        assert ranking(facilitator)[:4] == [(1, a, 120), (1, b, 120), (3, c, 30), (3, d, 30)]
        # a new round needs the last one closed; nobody but the facilitator starts one
        assert facilitator.send("vote.next", {"ballot": "top", "n": 2})["error"]["code"] == "vote_not_closed"
        assert facilitator.send("vote.close")["ok"]
        for screen in (observer, projector, phones[0]):
            assert screen.send("vote.next", {"ballot": "top", "n": 2})["error"]["code"] == "forbidden"

        # Round 2: the top 3 take in both tied at place 3 (four themes), with 100 points each.
        started = facilitator.send("vote.next", {"ballot": "top", "n": 3, "method": "points"})
        assert started["ok"] and (started["round"], started["ballot"], started["method"]) == (2, [a, b, c, d], "points")
        state = facilitator.sync()
        assert state["control"]["vote"] == {
            "round": 2,
            "state": "not_open",
            "revealed": False,
            "method": "points",
            "budget": 100,
            "cap": 100,
            "origin": {"ballot": "top", "n": 3, "from": 1},
            "label": {
                "it": "Turno 2 · 100 punti da distribuire · le prime 3 del turno 1",
                "en": "Round 2 · 100 points to share · top 3 of round 1",
            },
        }
        assert [t["id"] for t in state["themes"] if t["on_ballot"]] == [a, b, c, d]
        assert state["tally"]["round"] == 2 and state["tally"]["voters"] == 0
        # the phones' dots of round 1 stay in round 1: their new ballot is empty, with 100 points to give
        assert phones[0].sync()["me"]["dots"] == {} and phones[0].sync()["me"]["left"] == 100
        assert facilitator.send("vote.open")["ok"]

        phone = phones[0]
        version = facilitator.sync()["version"]
        assert phone.send("dot.place", {"theme": a})["error"]["code"] == "whole_ballot_needed"
        short = phone.send("ballot.cast", {"points": {str(a): 60, str(b): 30}})
        assert short["error"]["code"] == "points_must_total" and "100" in short["error"]["message"]
        assert phone.send("ballot.cast", {"points": {str(e): 100}})["error"]["code"] == "not_on_ballot"
        assert phone.send("ballot.cast", {"order": [a, b]})["error"]["code"] == "points_needed"
        assert facilitator.sync()["version"] == version  # refusals change nothing

        # 40 phones: 50 a, 50 c; 20 phones: 50 b, 50 d -> a 2000, c 2000, b 1000, d 1000
        cast_all(phones, lambda n: {"points": {str(a): 50, str(c): 50} if n < 40 else {str(b): 50, str(d): 50}})
        # a phone changes its mind: its ballot replaces the first, counted once
        cid = "change-of-mind-1"
        first = phones[59].send("ballot.cast", {"points": {str(b): 100}}, client_id=cid)
        assert first["ok"] and first["dots"] == {str(b): 100} and first["left"] == 0 and first["round"] == 2
        replay = phones[59].send("ballot.cast", {"points": {str(b): 100}}, client_id=cid)
        assert replay["replayed"] and replay["version"] == first["version"]
        # a paper ballot: the table facilitator shares out the points of someone without a phone
        scribe = Client(server.url, server.tables()[0][4])
        paper = scribe.send("proxy.add")["participant"]
        cast = scribe.send("ballot.cast", {"points": {str(b): 50, str(d): 50}, "proxy": paper})
        assert cast["ok"] and cast["dots"] == {str(b): 50, str(d): 50}
        scribe.close()
        assert ranking(facilitator) == [(1, a, 2000), (1, c, 2000), (3, b, 1100), (4, d, 1000)]
        assert facilitator.sync()["tally"]["voters"] == 61
        assert projector.sync().get("tally") is None  # hidden until revealed, as in round 1
        assert facilitator.send("vote.close")["ok"]
        assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
        assert projector.sync()["tally"]["round"] == 2

        # Round 3: a run-off between the two tied at place 1, ranking by Borda (top 3 of a two-item ballot: 2)
        assert facilitator.send("vote.next", {"ballot": "tie", "n": 3})["error"]["code"] == "no_tie"
        started = facilitator.send("vote.next", {"ballot": "tie", "n": 1, "method": "borda"})
        assert started["ballot"] == [a, c] and started["round"] == 3
        assert projector.sync().get("tally") is None  # the new round's results start hidden
        assert facilitator.send("vote.open")["ok"]
        assert facilitator.sync()["control"]["vote"]["budget"] == 2
        assert phone.send("ballot.cast", {"order": [a, a]})["error"]["code"] == "ranking_repeats"
        assert phone.send("ballot.cast", {"order": [a]})["error"]["code"] == "ranking_length"
        cast_all(phones, lambda n: {"order": [c, a] if n % 3 == 0 else [a, c]})
        assert ranking(facilitator) == [(1, a, 100), (2, c, 80)]  # a: 40 x 2 + 20 x 1; c: 20 x 2 + 40 x 1
        assert facilitator.send("vote.close")["ok"]
        for screen in (observer, projector, phones[0]):
            assert screen.send("vote.reveal", {"revealed": True})["error"]["code"] == "forbidden"

        tally = facilitator.sync()["tally"]
        assert set(tally["by_round"]) == {"1", "2", "3"}
        assert [(p["theme"], p["dots"]) for p in tally["by_round"]["1"]][:2] == [(a, 120), (b, 120)]
        assert {r["round"]: r["method"] for r in facilitator.sync()["control"]["rounds"]} == {
            1: "dots",
            2: "points",
            3: "borda",
        }
    finally:
        for client in (facilitator, observer, projector, *phones):
            client.close()

    export = subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(server.data_dir),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=server.cli_env,
        timeout=60,
    )
    assert export.returncode == 0, export.stderr
    data = json.loads(export.stdout)
    assert [(r["round"], r["method"], r["state"], r["ballot"]) for r in data["rounds"]] == [
        (1, "dots", "closed", [a, b, c, d, e]),
        (2, "points", "closed", [a, b, c, d]),
        (3, "borda", "closed", [a, c]),
    ]
    per_round = {}
    for vote in data["votes"]:
        per_round[vote["round"]] = per_round.get(vote["round"], 0) + vote["dots"]
    assert per_round == {1: 300, 2: 6100, 3: 180}
    paper = sorted((v["theme"], v["dots"]) for v in data["votes"] if v["round"] == 2 and v["proxied"])
    assert paper == [(b, 50), (d, 50)]

    # The anonymous raw ballots in Pabulib, one file per round, recounted here from the ballots alone.
    folder = tmp_path / "ballots"
    written = subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(server.data_dir),
            "--format",
            "pabulib",
            "--out",
            str(folder),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=server.cli_env,
        timeout=60,
    )
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in folder.iterdir()) == [f"psm-torino-2024-round-{n}.pb" for n in (1, 2, 3)]
    expected = {
        1: ("cumulative", 60, {a: 120, b: 120, c: 30, d: 30, e: 0}),
        2: ("cumulative", 61, {a: 2000, b: 1100, c: 2000, d: 1000}),
        3: ("ordinal", 60, {a: 100, c: 80}),
    }
    for number, (vote_type, voters, scores) in expected.items():
        text = (folder / f"psm-torino-2024-round-{number}.pb").read_text(encoding="utf-8")
        meta, projects, votes = parse_pabulib(text)
        assert (meta["vote_type"], int(meta["num_votes"]), len(votes)) == (vote_type, voters, voters)
        assert int(meta["num_projects"]) == len(projects) == len(scores)
        recount = Counter()
        for vote in votes:
            items = [int(x) for x in vote["vote"].split(",")]
            if vote_type == "ordinal":  # Borda: with k ranked, the first gets k, the next k - 1 ...
                assert len(items) <= int(meta["max_length"])
                recount.update({item: int(meta["max_length"]) - place for place, item in enumerate(items)})
            else:
                points = [int(x) for x in vote["points"].split(",")]
                assert sum(points) <= int(meta["max_sum_points"]) and max(points) <= int(meta["max_points"])
                recount.update(dict(zip(items, points, strict=True)))
        assert {item: recount[item] for item in scores} == scores
        assert {int(k): int(p["score"]) for k, p in projects.items()} == scores
        assert "participant" not in text and "token" not in text
    _meta, _projects, votes = parse_pabulib((folder / "psm-torino-2024-round-2.pb").read_text(encoding="utf-8"))
    assert Counter(v["voting_method"] for v in votes) == {"in-room": 60, "paper": 1}
    assert sorted(int(v["voter_id"]) for v in votes) == list(range(1, 62))
