"""An event kept in PostgreSQL (issue 24): one server per event, as with a file (the database's own lock, met
from any machine), the command line's export and audit on it, and a backup that a laptop restores."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO_PLAN, free_port, launch, run_english, start_server, stop_server
from tests.databases import Postgres
from tests.realtime.clients import Client, join


@pytest.fixture(scope="module")
def cluster():
    postgres = Postgres()
    yield postgres
    postgres.stop()


def test_an_event_in_postgresql_is_served_once_and_read_by_the_command_line(cluster, tmp_path):
    url = cluster.url(f"{tmp_path}:lock")
    env = {"FACILITATION_DATABASE_URL": url}
    server = start_server(tmp_path, env=env)
    try:
        assert server.database == url and not server.db.exists()  # nothing in the data folder
        # in a schema of its own: the database can keep the organiser's other events beside it
        [(schema,)] = server.query("select current_schema()")
        assert schema.startswith("event_psm_torino_2024_")
        phone = Client(server.url, cookie=join(server.url, server.tables()[0][3]))
        facilitator = Client(server.url, server.facilitator)
        assert facilitator.send("phase.start", {"phase": 2})["ok"]
        assert phone.send("idea.add", {"text": "Più corse serali per le valli", "axis": "mobilita"})["ok"]
        phone.close()
        facilitator.close()

        # a second server on the same event, from another data folder (another machine, say), is refused
        port = free_port()
        second = launch(
            ["serve", str(DEMO_PLAN), "--port", str(port), "--host", "127.0.0.1", "--data", str(tmp_path / "other")],
            tmp_path / "second.log",
            env={**env, "LANG": "en_GB.UTF-8"},
        )
        assert second.wait(timeout=60) == 3
        said = (tmp_path / "second.log").read_text()
        assert "already being served from its database, by facilitation" in said and "Traceback" not in said

        # the command line reads the event where it is kept
        exported = run_english("export", "--event", "psm-torino-2024", "--format", "json", "--out", "-", env=env)
        assert exported.returncode == 0, exported.stderr
        assert [idea["text"] for idea in json.loads(exported.stdout)["ideas"]] == ["Più corse serali per le valli"]
        audit = run_english("audit", "--event", "psm-torino-2024", env=env)
        assert audit.returncode == 0 and "IdeaAdded" in audit.stdout
        # backed up as the SQLite file a laptop keeps, restored into a data folder it is served from
        out = tmp_path / "backup.sqlite"
        backup = run_english("backup", "--event", "psm-torino-2024", "--out", str(out), env=env)
        assert backup.returncode == 0, backup.stderr
        laptop = tmp_path / "laptop"
        restored = run_english("restore", str(out), "--data", str(laptop))
        assert restored.returncode == 0, restored.stderr
        there = start_server(tmp_path, data_dir=laptop, env={"FACILITATION_DATABASE_URL": ""})
        try:
            assert [i["text"] for i in Client(there.url, there.facilitator).sync()["ideas"]] == [
                "Più corse serali per le valli"
            ]
            assert there.facilitator == server.facilitator
        finally:
            stop_server(there)
        elsewhere = run_english("export", "--event", "nothing-here", "--data", str(tmp_path / "none"), env=env)
        assert elsewhere.returncode == 2 and "Nor in the DATABASE_URL's database" in elsewhere.stderr
        assert "postgres@127.0.0.1" in elsewhere.stderr
    finally:
        stop_server(server)
    # once the server is gone, the database's lock went with it: the event is served again
    again = start_server(tmp_path, env=env)
    try:
        assert len(Client(again.url, again.facilitator).sync()["ideas"]) == 1
    finally:
        stop_server(again)
