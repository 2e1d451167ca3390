"""A disk that fills up during the event: every change is refused with a message that says what to do, the
staff are warned on the console, nothing accepted is lost, and the event goes on once space is freed."""
import errno
import threading

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
            kept = [phone.send("idea.add", {"text": f"Idea numero {n} prima del disco pieno", "axis": "verde"})
                    for n in range(3)]
            assert all(a["ok"] for a in kept)

            fill(folder)
            answers = []
            for n in range(300):  # the write-ahead log may still have room for a few changes
                answers.append(phone.send("idea.add", {"text": f"Idea {n} a disco pieno", "axis": "verde"}))
                if not answers[-1]["ok"]:
                    break
            refused = answers[-1]
            assert refused["error"] == {"code": "disk_full", "message": "The server could not save this: its disk "
                                        "is full. Nothing was changed. Tell the staff."}
            assert alerted.wait(5) and alerts[0] == {"code": "disk_full"}
            version = facilitator.sync()["version"]
            joined = requests.post(f"{server.url}/j/{server.tables()[1][3]}", headers={"Accept-Language": "en"},
                                   allow_redirects=False, timeout=10)
            assert joined.status_code == 503 and "its disk is full" in joined.text
            api = requests.post(f"{server.url}/api/command/timer.pause", json={"cid": "pause-while-full"},
                                headers={"Authorization": f"Bearer {server.facilitator}", "Accept-Language": "en"},
                                timeout=10)
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
