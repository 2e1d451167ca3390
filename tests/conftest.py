"""Fixtures that start real things: the eventlet server as a subprocess on a free port, a temp SQLite file."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from facilitation.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
DEMO_PLAN = ROOT / "sessions" / "psm-torino-2024.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: Path
    process: subprocess.Popen
    data_dir: Path
    log_path: Path

    def setting(self, key: str) -> str:
        with sqlite3.connect(self.db) as con:
            return con.execute("select value from setting where key = ?", (key,)).fetchone()[0]

    def tables(self) -> list[tuple[int, int, bool, str, str]]:
        """(id, number, online, join_code, scribe_token) for every table."""
        with sqlite3.connect(self.db) as con:
            return con.execute(
                "select id, number, online, join_code, scribe_token from event_table order by id"
            ).fetchall()

    @property
    def facilitator(self) -> str:
        return self.setting("facilitator_token")

    def other(self, event_id: str) -> "Server":
        """Another event the same server runs: its database, the same process and address."""
        return Server(self.url, self.data_dir / f"{event_id}.sqlite", self.process, self.data_dir, self.log_path)


def run_cli(
    *args: str,
    lang: str = "C.UTF-8",
    env: dict | None = None,
    cwd: Path = ROOT,
    command: tuple[str, ...] = (sys.executable, "-m", "facilitation"),
    timeout: float = 60,
):
    """Run the `facilitation` command to completion, as a person at a terminal would."""
    env = {**os.environ, "LANG": lang, "LC_ALL": "", **(env or {})}
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def run_english(*args: str, **kwargs):
    """`run_cli` in an English terminal, for tests that read the English sentences."""
    return run_cli(*args, lang="en_GB.UTF-8", **kwargs)


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start in {seconds} s: {log.read_text()}")


def launch(
    args: list[str],
    log_path: Path,
    env: dict | None = None,
    cwd: Path = ROOT,
    command: tuple[str, ...] = (sys.executable, "-m", "facilitation"),
) -> subprocess.Popen:
    """Start the `facilitation` command in the background, its output going to `log_path`."""
    # the theme team's assistant runs its classical engine in every test, whatever else is installed
    env = {
        **os.environ,
        "PYTHONWARNINGS": "ignore",
        "LANG": "C.UTF-8",
        "LC_ALL": "",
        "FACILITATION_GROUPING": "classical",
        **(env or {}),
    }
    return subprocess.Popen([*command, *args], cwd=cwd, env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)


def start_server(
    tmp_path: Path,
    plan: Path = DEMO_PLAN,
    port: int | None = None,
    data_dir: Path | None = None,
    flush: str = "0.1",
    extra: tuple[str, ...] = (),
    env: dict | None = None,
    more: tuple[Path, ...] = (),
) -> Server:
    """The server as a subprocess on the plan's event (and the `more` plans' beside it: `Server.other`)."""
    port = port or free_port()
    data_dir = data_dir or tmp_path / "data"
    log_path = tmp_path / f"server-{port}.log"
    process = launch(
        [
            "serve",
            str(plan),
            *map(str, more),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data",
            str(data_dir),
            "--public-url",
            f"http://127.0.0.1:{port}",
            *extra,
        ],
        log_path,
        env={"FACILITATION_FLUSH_INTERVAL": flush, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, process, log_path)
    return Server(url, data_dir / f"{load_plan(plan).event.id}.sqlite", process, data_dir, log_path)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def server(tmp_path):
    srv = start_server(tmp_path)
    yield srv
    stop_server(srv)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One server for a module of tests that each make their own participants and themes."""
    srv = start_server(tmp_path_factory.mktemp("shared"))
    yield srv
    stop_server(srv)
