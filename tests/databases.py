"""A real PostgreSQL for the tests: Debian's server (`make test` installs it when missing), a cluster of its own
in a temp folder on a free port, a fresh database for each server the tests start, stopped at the end.

`pytest --database postgresql` (or FACILITATION_TEST_DATABASE=postgresql) runs every server the tests start on
it instead of SQLite files; `make test` runs the storage tests (tests/realtime, tests/web) both ways.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)  # Debian's, newest first
DEPLOY = Path(__file__).resolve().parent.parent / "deploy"  # the settings the recipe ships (docs/deploy.md)


PORTS_PER_WORKER = 1500
_ports: Iterator[int] | None = None


def free_port() -> int:
    """A free port for a server the tests start. Not the system's pick (bind to port 0): the system hands the
    same ephemeral ports to every process, so two pytest-xdist workers could be given one port before either
    server bound it, and a test then talked to the other's server (seen: "healthy", then no database). Each
    worker takes ports from a block of its own below the ephemeral range (32768 and up on Linux), starting at a
    place its process id picks, and checks that each is free."""
    global _ports
    if _ports is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        index = int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0
        first = 12000 + (index % 12) * PORTS_PER_WORKER
        start = os.getpid() % PORTS_PER_WORKER
        _ports = itertools.cycle([first + (start + n) % PORTS_PER_WORKER for n in range(PORTS_PER_WORKER)])
    for port in itertools.islice(_ports, PORTS_PER_WORKER):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in this test worker's block")


class Postgres:
    """One cluster: `url(key)` is the SQLAlchemy URL of the database for `key` (a server's data folder and
    event), made empty the first time: a server started again on the same folder finds its event again."""

    def __init__(self) -> None:
        if not BINARIES:
            raise RuntimeError("PostgreSQL's server is not installed (Debian's postgresql: make test installs it)")
        self.bin = BINARIES[0]
        self.folder = Path(tempfile.mkdtemp(prefix="facilitation-pg-"))
        self.port = free_port()
        self._made: set[str] = set()
        # PostgreSQL refuses to run as root: as root (CI, this machine), the cluster is the postgres user's
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        # the recipe's settings (a copy the postgres user may read), as conf.d would include them
        shutil.copy(DEPLOY / "postgresql.conf", data / "facilitation.conf")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write("include 'facilitation.conf'\n")
        # fsync off: the tests kill servers of this app, never the database's; it keeps the suite quick
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as, str(self.bin / program), *args], capture_output=True, text=True, timeout=60, cwd=self.folder
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}")

    def url(self, key: str) -> str:
        name = "event_" + hashlib.sha1(key.encode()).hexdigest()[:20]
        if name not in self._made:
            self._run(
                "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc", f"CREATE DATABASE {name}"
            )
            self._made.add(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class _Server:
    """A server program of the tests' own, in a temp folder, on a free port: waited for until it answers on it,
    killed and its folder removed at the end."""

    port: int
    folder: Path
    process: subprocess.Popen

    def _wait(self, seconds: float, name: str, logs: tuple[str, ...], ready=lambda probe: True) -> None:
        """Until a connection to the port is accepted and `ready(socket)`; else stopped, with its logs said."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if ready(probe):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        said = "".join((self.folder / log).read_text() for log in logs if (self.folder / log).exists())
        self.stop()
        raise RuntimeError(f"{name} did not start: {said}")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis(_Server):
    """A Redis server of the tests' own (Debian's redis-server: `make test` installs it when missing), on a free
    port, keeping nothing on disk, stopped at the end: the several processes of one event share it."""

    def __init__(self) -> None:
        program = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(program).exists():
            raise RuntimeError("Redis's server is not installed (Debian's redis-server: make test installs it)")
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="facilitation-redis-"))
        options = ["--port", str(self.port), "--bind", "127.0.0.1"]  # the recipe's settings, on a port of its own
        self.process = subprocess.Popen(
            [program, str(DEPLOY / "redis.conf"), *options, "--dir", str(self.folder)],
            stdout=open(self.folder / "log", "w"),
            stderr=subprocess.STDOUT,
        )
        self._wait(30, "redis-server", ("log",), ready=self._pong)

    @staticmethod
    def _pong(probe: socket.socket) -> bool:
        """Redis answers PING (not only accepts the connection)."""
        probe.sendall(b"PING\r\n")
        return probe.recv(16).startswith(b"+PONG")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Nginx(_Server):
    """Debian's nginx (`make test` installs it when missing) with the site the project ships, deploy/nginx.conf,
    on a free port in front of `upstreams` (host:port each) instead of the three it names."""

    SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"

    def __init__(self, upstreams: list[str], per_address: int | None = None) -> None:
        """`per_address`: the connections one address may hold, instead of the site's."""
        import re

        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="facilitation-nginx-"))
        self.folder.chmod(0o755)
        site = self.SITE.read_text()
        servers = "".join(f"    server {each} max_fails=1 fail_timeout=5s;\n" for each in upstreams)
        site, named = re.subn(r"(    server 127\.0\.0\.1:500\d [^\n]*\n)+", servers, site)
        site, listening = re.subn(r"listen 80;", f"listen 127.0.0.1:{self.port};", site)
        if per_address is not None:
            site, capped = re.subn(
                r"limit_conn facilitation_per_address \d+;", f"limit_conn facilitation_per_address {per_address};", site
            )
            assert capped == 1, "deploy/nginx.conf caps the connections per address as the tests expect"
        assert named == listening == 1, "deploy/nginx.conf names its upstream servers and its port as the tests expect"
        temp = " ".join(
            f"{kind}_temp_path {self.folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.folder / "nginx.conf").write_text(
            f"worker_processes 1;\nworker_rlimit_nofile 40000;\n"  # a crowd of thousands: two sockets each
            f"pid {self.folder}/nginx.pid;\nerror_log {self.folder}/error.log;\n"
            f"events {{ worker_connections 16384; }}\n"
            f"http {{\n access_log off;\n {temp}\n{site}\n}}\n"
        )
        user = ["-g", "daemon off; user root;"] if os.geteuid() == 0 else ["-g", "daemon off;"]
        self.process = subprocess.Popen(
            ["/usr/sbin/nginx", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), *user],
            stdout=open(self.folder / "out.log", "w"),
            stderr=subprocess.STDOUT,
        )
        self._wait(20, "nginx", ("out.log", "error.log"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
