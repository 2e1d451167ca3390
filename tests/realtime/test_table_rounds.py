"""Rounds at tables over real sockets, on the launch plan: a World Café of three rounds, each on its own timer,
with every table's note of each round reaching the theme team; then a 1-2-4-All whose only note is the
table's one shared idea. Only a table's own host (or staff) writes its note; the room cannot."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, start_server, stop_server
from tests.realtime.clients import Client, join

LAUNCH = ROOT / "sessions" / "psm-torino-lancio.toml"
ROUND_TABLE, CAFE, ONE_TWO_FOUR = 2, 3, 4


@pytest.fixture
def launch(tmp_path):
    server = start_server(tmp_path, plan=LAUNCH)
    yield server
    stop_server(server)


def test_a_world_cafe_of_three_rounds_and_a_one_two_four_all(launch):
    tables = launch.tables()[:3]
    facilitator = Client(launch.url, launch.facilitator)
    theme_team = Client(launch.url, launch.setting("theme_token"))
    observer = Client(launch.url, launch.setting("observer_token"))
    projector = Client(launch.url, launch.setting("projector_token"))
    hosts = [Client(launch.url, t[4]) for t in tables]
    phone = Client(launch.url, cookie=join(launch.url, tables[0][3]))
    try:
        started = facilitator.send("phase.start", {"phase": CAFE})
        assert started["ok"] and started["step"] == 0
        control = facilitator.sync()["control"]
        assert control["step"] == 0 and 24 * 60 < control["timer"]["ends_at"] - time.time() <= 25 * 60
        assert phone.send("idea.add", {"text": "Un bus a chiamata nelle valli", "axis": "mobilita"})["ok"]

        for step in range(3):
            if step:
                assert facilitator.send("phase.step", {"step": step})["ok"]
                assert projector.sync()["control"]["step"] == step
            for n, host in enumerate(hosts):
                note = {"phase": CAFE, "step": step, "text": f"Tavolo {n + 1}, giro {step + 1}"}
                answer = host.send("harvest.set", note)
                assert answer["ok"], answer
            projector.sync()
        # a host rewrites its note; an empty note removes it
        assert hosts[0].send("harvest.set", {"phase": CAFE, "step": 2, "text": "Tavolo 1: comuni in rete"})["ok"]
        assert hosts[2].send("harvest.set", {"phase": CAFE, "step": 2, "text": ""})["ok"]

        version = facilitator.sync()["version"]
        for who in (phone, observer, projector):
            refused = who.send("harvest.set", {"phase": CAFE, "step": 0, "text": "Non è il mio tavolo"})
            assert refused["error"]["code"] == "forbidden", refused
        other_table = {"phase": CAFE, "step": 0, "text": "Scritto da un altro tavolo", "table": tables[1][0]}
        assert hosts[0].send("harvest.set", other_table)["error"]["code"] == "not_your_table"
        assert (
            hosts[0].send("harvest.set", {"phase": ROUND_TABLE, "step": 0, "text": "Nota"})["error"]["code"]
            == "no_harvest"
        )
        assert facilitator.send("phase.step", {"step": 3})["error"]["code"] == "unknown_step"
        assert observer.send("phase.step", {"step": 0})["error"]["code"] == "forbidden"
        assert facilitator.sync()["version"] == version  # refusals change nothing

        notes = theme_team.wait_for(
            lambda u: (
                len(u.get("harvests") or []) == 8
                and any(x["text"] == "Tavolo 1: comuni in rete" for x in u["harvests"])
            )
        )["harvests"]
        assert {(x["table"], x["step"]) for x in notes} == {(t[0], step) for t in tables for step in range(3)} - {
            (tables[2][0], 2)
        }
        assert len(hosts[1].sync()["harvests"]) == 8  # hosts read the other tables' notes too
        assert "harvests" not in phone.sync() and "harvests" not in projector.sync()

        # 1-2-4-All: four steps on their own timers, a note only for the last (each table's one idea)
        assert facilitator.send("phase.start", {"phase": ONE_TWO_FOUR})["ok"]
        assert 50 < facilitator.sync()["control"]["timer"]["ends_at"] - time.time() <= 60
        assert (
            hosts[0].send("harvest.set", {"phase": ONE_TWO_FOUR, "step": 1, "text": "Troppo presto"})["error"]["code"]
            == "no_harvest"
        )
        for step in (1, 2, 3):
            assert facilitator.send("phase.step", {"step": step})["ok"]
        assert 4 * 60 < facilitator.sync()["control"]["timer"]["ends_at"] - time.time() <= 5 * 60
        assert hosts[1].send(
            "harvest.set", {"phase": ONE_TWO_FOUR, "step": 3, "text": "Un'agenzia metropolitana per la casa"}
        )["ok"]
        # staff may write a table's note for it (a host without a screen dictates it)
        assert facilitator.send(
            "harvest.set", {"phase": ONE_TWO_FOUR, "step": 3, "text": "Scuole aperte d'estate", "table": tables[2][0]}
        )["ok"]
    finally:
        for client in (facilitator, theme_team, observer, projector, *hosts, phone):
            client.close()

    export = subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-lancio",
            "--data",
            str(launch.data_dir),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=launch.cli_env,
        timeout=60,
    )
    assert export.returncode == 0, export.stderr
    harvests = json.loads(export.stdout)["harvests"]
    assert len(harvests) == 10
    row = lambda x: (x["table"], x["phase"], x["step"], x["step_title"], x["text"], x["by"])  # noqa: E731
    shared = "Tutti · Ogni tavolo condivide una proposta"
    assert [row(x) for x in harvests[:2]] == [
        ("2", "uno-due-quattro", 4, shared, "Un'agenzia metropolitana per la casa", "scribe"),
        ("3", "uno-due-quattro", 4, shared, "Scuole aperte d'estate", "facilitator"),
    ]
    assert ("1", "world-cafe", 3, "Giro 3 · Chi lo fa, con chi", "Tavolo 1: comuni in rete", "scribe") in map(
        row, harvests
    )
