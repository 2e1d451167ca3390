"""A disk that fills up during the event: every change is refused with a message that says what to do, the
staff are warned on the console, nothing accepted is lost, and the event goes on once space is freed."""

import errno
import json
import os
import threading
from pathlib import Path

import requests

from tests.conftest import start_server, stop_server
from tests.ops.test_one_server import tmpfs
from tests.realtime.clients import Client, join

CAPTURE = 2


def fill(folder) -> None:
    """Fill the folder's disk to the last byte (it may already be full: then opening the filler fails)."""
    try:
        with open(folder / "filler", "wb") as filler:
            while True:
                filler.write(b"x" * 65536)
                filler.flush()
    except OSError as exc:
        assert exc.errno == errno.ENOSPC


def test_a_full_disk_refuses_changes_clearly_and_warns_the_staff(tmp_path):
    with tmpfs(tmp_path / "small", "size=8m") as folder:  # room for the database and its write-ahead log
        server = start_server(tmp_path, data_dir=folder, env={"FACILITATION_MIN_FREE_MB": "0"})
        try:
            facilitator = Client(server.url, server.facilitator)
            alerts, alerted = [], threading.Event()
            facilitator.sio.on("alert", lambda alert: (alerts.append(alert), alerted.set()))
            assert facilitator.send("phase.start", {"phase": CAPTURE})["ok"]
            phone = Client(server.url, cookie=join(server.url, server.tables()[0][3]))
            kept = [
                phone.send("idea.add", {"text": f"Idea numero {n} prima del disco pieno", "axis": "verde"})
                for n in range(3)
            ]
            assert all(a["ok"] for a in kept)

            fill(folder)
            answers = []
            for n in range(300):  # the write-ahead log may still have room for a few changes
                answers.append(phone.send("idea.add", {"text": f"Idea {n} a disco pieno", "axis": "verde"}))
                if not answers[-1]["ok"]:
                    break
            refused = answers[-1]
            assert refused["error"] == {
                "code": "disk_full",
                "message": "The server could not save this: its disk is full. Nothing was changed. Tell the staff.",
            }
            assert alerted.wait(5) and alerts[0] == {"code": "disk_full"}
            version = facilitator.sync()["version"]
            joined = requests.post(
                f"{server.url}/j/{server.tables()[1][3]}",
                headers={"Accept-Language": "en"},
                allow_redirects=False,
                timeout=10,
            )
            assert joined.status_code == 503 and "its disk is full" in joined.text
            api = requests.post(
                f"{server.url}/api/command/timer.pause",
                json={"cid": "pause-while-full"},
                headers={"Authorization": f"Bearer {server.facilitator}", "Accept-Language": "en"},
                timeout=10,
            )
            assert api.status_code == 503 and api.json()["error"]["code"] == "disk_full"
            assert facilitator.sync()["version"] == version  # refusals changed nothing

            (folder / "filler").unlink()
            after = phone.send("idea.add", {"text": "Idea dopo aver liberato spazio", "axis": "verde"})
            assert after["ok"]
            accepted = [a["idea"] for a in kept + answers + [after] if a["ok"]]
            on_the_wall = {i["id"] for i in facilitator.sync()["ideas"]}
            assert set(accepted) <= on_the_wall and len(on_the_wall) == len(accepted)  # nothing accepted was lost
            assert "Traceback" not in server.log_path.read_text()
        finally:
            stop_server(server)


def export_of(ideas: int) -> bytes:
    """Another event's JSON export: `ideas` ideas of nearly the longest length the demo plan takes."""
    text = "Più treni la sera tra le valli e il capoluogo, con orari per chi lavora a turni. " * 5
    return json.dumps(
        {
            "event": {"id": "ascolto-pieno", "title": "Ascolto", "date": "2026-11-20", "export_format": 1},
            "themes": [],
            "idea_history": [],
            "ideas": [
                {
                    "id": n,
                    "table": str(n % 30 + 1),
                    "channel": "room",
                    "axis": "verde",
                    "kind": "need",
                    "text": f"{n}. {text}"[:390],
                    "hidden": False,
                    "held": False,
                    "starred": False,
                    "merged_into": "",
                    "theme": "",
                    "category": "",
                    "zone": "",
                }
                for n in range(1, ideas + 1)
            ],
        }
    ).encode()


def test_an_import_cut_short_by_a_full_disk_gives_the_space_of_its_log_back(tmp_path):
    """Issue 19 #9: an import that failed on a nearly full disk left its write-ahead log behind (199 MB then), and
    the server would not start again until space was freed by hand. After a refused write the log is
    checkpointed and truncated: at once if it can be, else at the first write once there is room again. The
    import, sent again, then completes: the slices it had written stay, once."""
    with tmpfs(tmp_path / "small", "size=32m") as folder:
        server = start_server(tmp_path, data_dir=folder, env={"FACILITATION_MIN_FREE_MB": "0"})
        log_file = Path(f"{server.db}-wal")
        body = export_of(4000)
        headers = {
            "Authorization": f"Bearer {server.facilitator}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        }
        try:
            fill(folder)
            with open(folder / "filler", "r+b") as filler:  # leave 3 MB: some slices fit, the import does not
                filler.truncate(filler.seek(0, os.SEEK_END) - 3 * 2**20)
            cut_short = requests.post(f"{server.url}/api/import", data=body, headers=headers, timeout=120)
            assert cut_short.status_code == 503 and cut_short.json()["error"]["code"] == "disk_full"
            (folder / "filler").unlink()
            phone = Client(server.url, cookie=join(server.url, server.tables()[0][3]))  # a write, room again
            phone.close()
            assert log_file.stat().st_size == 0  # checkpointed and truncated: its space is the disk's again
            staff = Client(server.url, server.facilitator)
            assert 0 < staff.state["stats"]["ideas"] < 4000  # the slices written before the disk filled
            whole = requests.post(f"{server.url}/api/import", data=body, headers=headers, timeout=120).json()
            assert whole["ok"] and whole["ideas"] == 4000, whole  # the slices already written answer as before
            assert staff.sync()["stats"]["ideas"] == 4000  # each idea once
            staff.close()
            assert "Traceback" not in server.log_path.read_text()
        finally:
            stop_server(server)


def test_an_event_made_on_a_full_disk_is_refused_whole_and_made_once_there_is_room(tmp_path):
    """The organiser's home makes a new event while the disk is full: a clear refusal, nothing half made left
    behind (so the same id works later), the events already served go on; with room again, it is made."""
    from tests.conftest import Server, free_port, launch, wait_until_healthy

    with tmpfs(tmp_path / "small", "size=8m") as folder:
        port, log = free_port(), tmp_path / "server.log"
        process = launch(
            ["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(folder)],
            log,
            env={"FACILITATION_MIN_FREE_MB": "0"},
        )
        server = Server(f"http://127.0.0.1:{port}", folder / "psm-torino-2024.sqlite", process, folder, log)
        try:
            wait_until_healthy(server.url, process, log)
            home = f"{server.url}/home/{(folder / 'organiser.secret').read_text().strip()}"
            fill(folder)
            refused = requests.post(
                f"{home}/events",
                data={"template": "blank", "id": "nuovo"},
                timeout=60,
                headers={"Accept-Language": "en"},
            )
            assert refused.status_code == 409 and "could not be made (is the disk full?)" in refused.text
            assert not list(folder.glob("nuovo*"))
            assert requests.get(f"{server.url}/healthz", timeout=10).json()["ok"]
            (folder / "filler").unlink()
            made = requests.post(
                f"{home}/events", data={"template": "blank", "id": "nuovo"}, timeout=60, allow_redirects=False
            )
            assert made.status_code == 303 and (folder / "nuovo.sqlite").exists()
        finally:
            stop_server(server)
