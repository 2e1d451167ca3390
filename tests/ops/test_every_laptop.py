"""Runs on the facilitator's own laptop, Windows, macOS or Linux (issue 23), as far as this machine can show:
the app's code needs none of the modules Windows lacks, a Mac's taken port 5000 gives way, and a wrong port is
said, not a traceback."""

import contextlib
import re
import socket
import sys
import time

import requests

from tests.conftest import ROOT, Server, free_port, launch, run_english, wait_until_healthy
from tests.realtime.clients import Client, join


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)


def test_the_server_starts_and_serves_a_room_without_the_modules_windows_lacks(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    process = launch(
        ["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp_path / "data")],
        log,
        command=(sys.executable, str(ROOT / "tests" / "ops" / "without_posix.py")),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        health = requests.get(f"{url}/healthz", timeout=10).json()
        assert health["ok"] and health["connections"]["size"] == 4000  # no open-files limit to raise
        secret = (tmp_path / "data" / "organiser.secret").read_text().strip()
        assert requests.get(f"{url}/home/{secret}", timeout=10).status_code == 200
        running = Server(url, tmp_path / "data" / "psm-torino-2024.sqlite", process, tmp_path / "data", log)
        phone = Client(url, cookie=join(url, running.tables()[0][3]))
        try:
            assert phone.state["me"]["participant"]
        finally:
            phone.close()
        again = run_english(
            "serve", "--host", "127.0.0.1", "--port", str(free_port()), "--data", str(tmp_path / "data")
        )
        assert again.returncode == 3 and "already" in again.stderr  # the event's lock holds there too
    finally:
        stop(process)
    assert "No module named" not in log.read_text() and "Traceback" not in log.read_text()


def test_the_default_port_gives_way_to_the_next_free_one_when_taken_as_airplay_takes_5000_on_a_mac(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("FACILITATION_PORT", raising=False)
    holder = socket.socket()
    with contextlib.suppress(OSError):  # taken already by something else: as good
        holder.bind(("127.0.0.1", 5000))
        holder.listen()
    log = tmp_path / "server.log"
    process = launch(["serve", "--host", "127.0.0.1", "--data", str(tmp_path / "data")], log)
    try:
        deadline, found = time.time() + 30, None
        while found is None and time.time() < deadline and process.poll() is None:
            found = re.search(r"port 5000 is taken on this computer .*: serving on (\d+) instead", log.read_text())
            time.sleep(0.2)
        assert found, log.read_text()
        port = found.group(1)
        wait_until_healthy(f"http://127.0.0.1:{port}", process, log)
        assert f"http://127.0.0.1:{port}/console/" in log.read_text()  # the links carry the port it chose
    finally:
        stop(process)
        holder.close()


def test_a_port_that_cannot_be_is_refused_with_a_sentence_not_a_traceback(tmp_path):
    result = run_english("serve", "--port", "99999", "--data", str(tmp_path / "data"))
    assert result.returncode == 2 and "port: '99999' is not between 0 and 65535" in result.stderr
    assert "Traceback" not in result.stderr
    chosen = socket.socket()
    chosen.bind(("127.0.0.1", 0))
    chosen.listen()
    try:  # a port someone chose does not give way: they are told
        taken = run_english(
            "serve", "--host", "127.0.0.1", "--port", str(chosen.getsockname()[1]), "--data", str(tmp_path / "data")
        )
        assert taken.returncode == 4 and "already in use" in taken.stderr
    finally:
        chosen.close()
