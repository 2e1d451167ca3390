"""Fixtures that start real things: the server as a subprocess on a free port, on a temp SQLite file or (with
`--database postgresql`) a fresh database on a PostgreSQL cluster the tests start (tests/databases.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from facilitation.plan import load_plan
from tests.databases import Postgres, free_port

ROOT = Path(__file__).resolve().parent.parent
DEMO_PLAN = ROOT / "sessions" / "psm-torino-2024.toml"


def pytest_addoption(parser):
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("FACILITATION_TEST_DATABASE", "sqlite"),
        help="where the servers the tests start keep their events (postgresql: a cluster the tests start)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about SQLite files (a folder of events, file copies)")


# The files that take longest (installs, a hall's screens, the fuzzers), longest first, go to the workers first:
# started last, one of them would run alone at the end while the other workers sit idle. pytest-xdist hands out
# files in this order only with --no-loadscope-reorder (make test): by default it sorts them by their number of
# tests, which put the one-test install files last. The order is their durations in a run of the suite
# (`--durations=0`, summed by file); the other files follow in the order they are collected.
LONGEST_FIRST = (
    "ops/test_lowest_versions.py",
    "realtime/test_fuzz.py",
    "ops/test_wheel.py",
    "browser/test_hall_screens.py",
    "ops/test_followers.py",
    "ops/test_heavy_work.py",
    "browser/test_room_screen.py",
    "browser/test_accessibility.py",
    "realtime/test_concurrency.py",
    "browser/test_console.py",
    "browser/test_reconnect.py",
    "browser/test_theme_team.py",
    "ops/test_backup_and_logs.py",
    "ops/test_listening.py",
    "ops/test_report.py",
    "browser/test_phone.py",
    "ops/test_wheel_other_python.py",
    "realtime/test_bounds.py",
    "browser/test_rounds.py",
    "ops/test_rehearse.py",
    "web/test_results_page.py",
    "browser/test_polls.py",
    "realtime/test_phantoms.py",
    "web/test_home.py",
    "ops/test_types.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    here = Path(__file__).parent
    # a stable sort: the other files, and the tests in each file, keep their order
    items.sort(key=lambda item: rank.get(item.path.relative_to(here).as_posix(), len(rank)))
    if config.getoption("--database") != "sqlite":
        skip = pytest.mark.skip(reason="about SQLite files: run with --database sqlite")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


POSTGRES: Postgres | None = None  # the session's cluster, with --database postgresql


@pytest.fixture(scope="session", autouse=True)
def postgres(request):
    """With --database postgresql, the cluster every server of this test process keeps its event on."""
    global POSTGRES
    if request.config.getoption("--database") != "postgresql":
        yield None
        return
    POSTGRES = Postgres()
    yield POSTGRES
    POSTGRES.stop()
    POSTGRES = None


@dataclass
class Server:
    url: str
    db: Path
    process: subprocess.Popen
    data_dir: Path
    log_path: Path
    database: str | None = None  # the PostgreSQL database the server keeps its events in; None: SQLite files

    @property
    def database_url(self) -> str | None:
        """The URL of this event's own tables in `database` (its schema), or None for the SQLite file `db`."""
        if self.database is None:
            return None
        from facilitation.store.places import Database

        return Database(self.database).url(self.db.stem)

    def query(self, sql: str, **params) -> list[tuple]:
        """The rows `sql` reads from the event's database (named parameters, `:name`), SQLite or PostgreSQL."""
        if self.database_url is None:
            with sqlite3.connect(self.db) as con:
                return con.execute(sql, params).fetchall()
        import sqlalchemy

        engine = sqlalchemy.create_engine(self.database_url, poolclass=sqlalchemy.NullPool)
        try:
            with engine.begin() as con:  # committed: a test may change the event behind the server's back
                result = con.execute(sqlalchemy.text(sql), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def kept(self) -> bool:
        """Whether the event's database is there: its SQLite file, or its schema in PostgreSQL."""
        if self.database is None:
            return self.db.exists()
        from facilitation.store.places import Database

        return Database(self.database).exists(self.db.stem)

    @property
    def cli_env(self) -> dict[str, str]:
        """The environment for the `facilitation` command on this server's event (its database URL, if any)."""
        return {**os.environ, **({"FACILITATION_DATABASE_URL": self.database} if self.database else {})}

    def setting(self, key: str) -> str:
        return self.query("select value from setting where key = :key", key=key)[0][0]

    def tables(self) -> list[tuple[int, int, bool, str, str]]:
        """(id, number, online, join_code, scribe_token) for every table."""
        return self.query("select id, number, online, join_code, scribe_token from event_table order by id")

    @property
    def facilitator(self) -> str:
        return self.setting("facilitator_token")

    def other(self, event_id: str) -> "Server":
        """Another event the same server runs: its database, the same process and address."""
        db = self.data_dir / f"{event_id}.sqlite"
        return Server(self.url, db, self.process, self.data_dir, self.log_path, self.database)


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
    # the theme team's assistant runs its classical engine in every test, whatever else is installed; one worker
    # process started when first needed, not the default two at start (each costs about 2 s of a core to start,
    # and the suite starts ~200 servers on 2 cores): test_heavy_work.py and the wheel tests start the default
    env = {
        **os.environ,
        "PYTHONWARNINGS": "ignore",
        "LANG": "C.UTF-8",
        "LC_ALL": "",
        "FACILITATION_GROUPING": "classical",
        "FACILITATION_WORKERS": "0",
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
    """The server as a subprocess on the plan's event (and the `more` plans' beside it: `Server.other`); with
    --database postgresql, on the tests' cluster, in a database of the data folder's (unless `env` names one):
    started again on the same folder, it finds its event again, as it would in the folder's SQLite file."""
    port = port or free_port()
    data_dir = data_dir or tmp_path / "data"
    env = dict(env or {})
    if POSTGRES is not None and "FACILITATION_DATABASE_URL" not in env:  # the data folder's: events in schemas
        env["FACILITATION_DATABASE_URL"] = POSTGRES.url(str(data_dir.resolve()))
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
        env={"FACILITATION_FLUSH_INTERVAL": flush, **env},
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, process, log_path)
    database = env.get("FACILITATION_DATABASE_URL")
    database = database if database and not database.startswith("sqlite") else None
    return Server(url, data_dir / f"{load_plan(plan).event.id}.sqlite", process, data_dir, log_path, database)


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
