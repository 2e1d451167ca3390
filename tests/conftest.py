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

    def setting(self, key: str) -> str:
        with sqlite3.connect(self.db) as con:
            return con.execute("select value from setting where key = ?", (key,)).fetchone()[0]

    def tables(self) -> list[tuple[int, int, bool, str, str]]:
        """(id, number, online, join_code, scribe_token) for every table."""
        with sqlite3.connect(self.db) as con:
            return con.execute("select id, number, online, join_code, scribe_token from event_table"
                               " order by id").fetchall()

    @property
    def facilitator(self) -> str:
        return self.setting("facilitator_token")


def start_server(tmp_path: Path, plan: Path = DEMO_PLAN, port: int | None = None, data_dir: Path | None = None,
                 flush: str = "0.1") -> Server:
    port = port or free_port()
    data_dir = data_dir or tmp_path / "data"
    env = {**os.environ, "FACILITATION_FLUSH_INTERVAL": flush, "PYTHONWARNINGS": "ignore"}
    log = open(tmp_path / f"server-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "facilitation", "serve", str(plan), "--host", "127.0.0.1", "--port", str(port),
         "--data", str(data_dir), "--public-url", f"http://127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {(tmp_path / f'server-{port}.log').read_text()}")
        try:
            if requests.get(url + "/", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("server did not start in 30 s")
    return Server(url, data_dir / "psm-torino-2024.sqlite", process, data_dir)


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
