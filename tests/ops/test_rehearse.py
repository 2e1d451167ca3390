"""`facilitation rehearse` plays a crowd against a running server through the public protocol only."""

import json
import sqlite3

from tests.conftest import run_english, start_server, stop_server
from tests.realtime.clients import join


def test_a_rehearsal_joins_phones_sends_ideas_and_a_vote_and_counts_everything(tmp_path):
    server = start_server(tmp_path)
    try:
        result = run_english(
            "rehearse",
            "--url",
            f"{server.url}/console/{server.facilitator}",
            "--participants",
            "24",
            "--online",
            "4",
            "--ideas",
            "1",
            "--idea-seconds",
            "2",
            "--dots",
            "2",
            "--burst-seconds",
            "1",
            "--json",
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["joins"]["acked"] == 24 and report["joins"]["refused"] == {}
        assert report["ideas"]["acked"] == 24 and report["ideas"]["lost"] == 0
        assert report["dots"]["acked"] == 48 and report["dots"]["counted"] == 48
        assert report["dots"]["lost_after_ack"] == 0 and report["dots"]["p95_ms"] is not None
        with sqlite3.connect(server.db) as db:  # the server's own records agree
            assert db.execute("select count(*) from participant").fetchone()[0] == 24
            online = db.execute(
                "select count(*) from participant join event_table t on t.id = table_id where t.online"
            ).fetchone()[0]
            assert online == 4
            assert db.execute("select count(*) from idea").fetchone()[0] == 24
            assert db.execute("select sum(count) from dot").fetchone()[0] == 48

        readable = run_english(
            "rehearse",
            "--url",
            server.url,
            f"--token={server.facilitator}",
            "--participants",
            "4",
            "--online",
            "0",
            "--ideas",
            "0",
            "--dots",
            "0",
            "--force",
            timeout=120,
        )
        assert readable.returncode == 0, readable.stderr
        assert "Rehearsal against" in readable.stdout and "4/4 acknowledged" in readable.stdout
    finally:
        stop_server(server)


def test_a_rehearsal_needs_the_facilitators_secret_and_an_event_nobody_has_joined(tmp_path):
    server = start_server(tmp_path)
    try:
        wrong = run_english("rehearse", "--url", f"{server.url}/console/{server.setting('observer_token')}")
        assert wrong.returncode == 2 and "not the facilitator's" in wrong.stderr
        join(server.url, server.tables()[0][3])
        busy = run_english("rehearse", "--url", server.url, f"--token={server.facilitator}")
        assert busy.returncode == 2 and "already has participants (1): rehearse on a copy" in busy.stderr
        bare = run_english("rehearse", "--url", server.url)
        assert bare.returncode == 2 and "Give the facilitator console's link" in bare.stderr
    finally:
        stop_server(server)


def test_a_rehearsal_from_a_computer_on_the_venues_network_says_how_to_let_its_phones_in(tmp_path):
    """From another computer on the venue's Wi-Fi every rehearsal phone is one address, one phone's share:
    the command line says which setting lets them in, and with it they all join."""
    venue = {"FACILITATION_PHONE_NETWORKS": "127.0.0.1/32"}  # this computer, as a laptop on the venue's Wi-Fi
    args = ("--participants", "6", "--online", "0", "--ideas", "0", "--dots", "0")
    (tmp_path / "capped").mkdir()
    (tmp_path / "open").mkdir()
    server = start_server(tmp_path / "capped", env=venue)
    try:
        capped = run_english("rehearse", "--url", server.url, f"--token={server.facilitator}", *args, timeout=120)
        assert "2/6" in capped.stdout and "FACILITATION_SEATS_PER_PHONE=0" in capped.stdout, capped.stdout
    finally:
        stop_server(server)
    server = start_server(tmp_path / "open", env={**venue, "FACILITATION_SEATS_PER_PHONE": "0"})
    try:
        let_in = run_english("rehearse", "--url", server.url, f"--token={server.facilitator}", *args, timeout=120)
        assert let_in.returncode == 0 and "6/6 acknowledged" in let_in.stdout, let_in.stdout
    finally:
        stop_server(server)
