"""The server's side of the workers: a few long-lived processes that do the heavy work, one job each at a time.

A request that needs a report, an export, a page drawing or an import hands the job to an idle worker and
waits for its answer on a loopback socket; the event loop meanwhile serves everyone else (under gevent the
socket is green, under threading the request's own thread waits). What was made is kept per event version and
language, within a bound, and a job asked for again while it is being made is made once: twenty clicks on
*PDF* are one drawing. Past MAX_WAITING requests in line, the next is told that the server is busy.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from facilitation.domain.errors import Refused

log = logging.getLogger(__name__)

MAX_WAITING = 64  # requests waiting for a worker; past this, "busy" at once
WAIT_SECONDS = 60  # how long a request waits for a worker before it is told the server is busy
JOB_SECONDS = 120  # a job still running then is stopped (its worker is ended and replaced)
CACHE_BYTES = 64 * 2**20  # results kept in memory, the newest of each family, least recently used dropped first
CACHE_ENTRIES = 64
START_SECONDS = 60  # a worker's start-up (importing the report libraries) on a slow, busy laptop
KEY_VARIABLE = "FACILITATION_WORKER_KEY"  # how a worker proves, on connecting back, that the server started it


class Busy(Exception):
    """Every worker is taken and too many requests are waiting: try again in a moment."""


class WorkerFailed(Exception):
    """The job failed or its worker died; the worker is replaced."""


class _Worker:
    """One worker process and the loopback connection it opened back to the server.

    A socket rather than the process's pipes: a green pipe written after its reader died span for ever under
    eventlet (the runtime before gevent), and a socket's timeout works alike under every runtime (and on
    Windows)."""

    def __init__(self, database_url: str, listener: socket.socket, warm: bool):
        key = secrets.token_hex(16)
        host, port = listener.getsockname()[:2]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "facilitation.workers",
                database_url,
                f"{host}:{port}",
                *(["--warm"] if warm else []),
            ],
            stdin=subprocess.DEVNULL,
            env={**os.environ, KEY_VARIABLE: key},
        )
        listener.settimeout(START_SECONDS)
        try:
            self.sock, _address = listener.accept()
            self.sock.settimeout(START_SECONDS)
            self.file = self.sock.makefile("rb")
            hello = self.file.readline().strip()
        except OSError as exc:
            self.stop()
            raise WorkerFailed(f"the worker did not start: {exc}") from exc
        if not secrets.compare_digest(hello, key.encode()):
            self.stop()
            raise WorkerFailed("a connection that is not our worker")

    def ask(self, job: dict, seconds: float) -> tuple[dict, bytes]:
        try:
            self.sock.settimeout(seconds)
            self.sock.sendall(json.dumps(job).encode() + b"\n")
            line = self.file.readline()
            if not line:
                raise WorkerFailed("the worker ended")
            header = json.loads(line)
            body = self.file.read(header.get("size", 0))
            if len(body) != header.get("size", 0):
                raise WorkerFailed("the worker ended mid-answer")
        except (OSError, ValueError) as exc:
            raise WorkerFailed(str(exc) or type(exc).__name__) from exc
        return header, body

    def stop(self) -> None:
        for closable in (getattr(self, "file", None), getattr(self, "sock", None)):
            if closable is not None:
                try:
                    closable.close()
                except OSError:
                    pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@dataclass(eq=False)
class _Flight:
    """A job being made, which later askers of the same result wait for."""

    done: threading.Event = field(default_factory=threading.Event)
    result: bytes | None = None
    error: BaseException | None = None


@dataclass
class _Made:
    version: int
    at: float  # time.monotonic() when it was made
    body: bytes


class Pool:
    def __init__(self, database_url: str, size: int = 2):
        self.database_url = database_url
        self.size = max(1, size)
        self.eager = size > 0  # 0: one worker, started when the first job comes (memory and CPU kept until then)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = 0
        self._waiting = 0
        self._cache: OrderedDict[tuple, _Made] = OrderedDict()  # by family: only its newest is worth keeping
        self._cached_bytes = 0
        self._flights: dict[tuple, _Flight] = {}  # by family: what is being made, whatever its version
        self._listener: socket.socket | None = None
        self._spawning = threading.Lock()  # one worker connects back at a time
        self.jobs = self.failures = self.busy = 0
        self.closed = False

    def start(self) -> None:
        """Start every worker now (each takes a second of importing), so the first report is quick; with a size
        of 0, none: the first job starts its worker."""
        if not self.eager:
            return
        for _ in range(self.size - self._started):
            self._spawn_idle(warm=True)

    def _spawn_idle(self, warm: bool = False) -> None:
        """One more worker, idle. `warm`: started ahead of need, it imports what every job uses before the first
        one comes; otherwise a job is waiting for it, and it imports only what that job needs."""
        with self._lock:
            if self._started >= self.size:
                return
            self._started += 1
        try:
            with self._spawning:
                if self._listener is None:
                    self._listener = socket.create_server(("127.0.0.1", 0), backlog=8)
                worker = _Worker(self.database_url, self._listener, warm)
        except WorkerFailed:
            with self._lock:
                self._started -= 1
            raise
        self._idle.put(worker)

    def run(self, job: dict) -> bytes:
        """Do `job` in a worker and return what it made; raise its refusal, Busy or WorkerFailed."""
        if self.closed:
            raise WorkerFailed("the pool is closed")
        with self._lock:
            if self._waiting >= MAX_WAITING:
                self.busy += 1
                raise Busy()
            self._waiting += 1
        try:
            if self._idle.empty():
                self._spawn_idle()
            worker = self._idle.get(timeout=WAIT_SECONDS)
            if worker.process.poll() is not None:  # it died while idle
                self._replace(worker)
                worker = self._idle.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            self.busy += 1
            raise Busy() from None
        finally:
            with self._lock:
                self._waiting -= 1
        try:
            header, body = worker.ask(job, JOB_SECONDS)
        except WorkerFailed:  # died, or ran past JOB_SECONDS: ended and replaced
            self._replace(worker)
            raise
        if self.closed:  # closed while this job ran: the worker ends with it
            worker.stop()
        else:
            self._idle.put(worker)
        self.jobs += 1
        if header.get("ok"):
            return body
        if "refused" in header:
            raise Refused(header["refused"], **header.get("params", {}))
        self.failures += 1
        raise WorkerFailed(header.get("error", "the job failed"))

    def _replace(self, worker: _Worker) -> None:
        self.failures += 1
        log.error("a worker process failed (exit %s): starting another", worker.process.poll())
        worker.stop()
        with self._lock:
            self._started -= 1
        if not self.closed:
            self._spawn_idle()

    def cached(self, family: tuple, version: int, job: dict, fresh: float = 0) -> bytes:
        """`run(job)`, kept per `family` (what is made, in which language) with the event `version` it was made
        at: asked again at that version, it is served from memory. With `fresh` (a public page), the kept one
        is served at any version, and when it is older than `fresh` seconds it is made again in the background
        for those who come next: nobody waits behind the workers once there is a page. A request that comes
        while its family is being made waits for that making, whatever its version (so it may miss what
        changed during that one making: during a vote the version moves with every dot, and twenty clicks on
        *PDF* must stay one drawing)."""
        with self._lock:
            kept = self._cache.get(family)
            if kept is not None:
                self._cache.move_to_end(family)
            flight = self._flights.get(family)
            if kept is not None and (kept.version == version or fresh):
                if fresh and flight is None and time.monotonic() - kept.at > fresh:
                    self._flights[family] = _Flight()
                    threading.Thread(target=self._refresh, args=(family, version, job), daemon=True).start()
                return kept.body
            leading = flight is None
            if leading:
                flight = self._flights[family] = _Flight()
        if not leading:
            assert flight is not None  # another thread's, found above
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            assert flight.result is not None  # made, since it did not fail
            return flight.result
        return self._make(family, version, job)

    def _refresh(self, family: tuple, version: int, job: dict) -> None:
        try:
            self._make(family, version, job)
        except (Busy, WorkerFailed, Refused) as exc:  # the kept one goes on being served; the next asks again
            log.warning("a page could not be made again in the background: %s", type(exc).__name__)

    def _make(self, family: tuple, version: int, job: dict) -> bytes:
        """Make it (this family's flight is registered) and keep it; tell those waiting."""
        flight = self._flights[family]
        try:
            flight.result = self.run(job)
            self._keep(family, _Made(version, time.monotonic(), flight.result))
            return flight.result
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[family]
            flight.done.set()

    def _keep(self, family: tuple, made: _Made) -> None:
        with self._lock:
            old = self._cache.pop(family, None)
            if old is not None:
                self._cached_bytes -= len(old.body)
            if len(made.body) > CACHE_BYTES // 4:
                return
            self._cache[family] = made
            self._cached_bytes += len(made.body)
            while self._cached_bytes > CACHE_BYTES or len(self._cache) > CACHE_ENTRIES:
                _family, dropped = self._cache.popitem(last=False)
                self._cached_bytes -= len(dropped.body)

    def state(self) -> dict:
        return {
            "workers": self._started,
            "waiting": self._waiting,
            "jobs": self.jobs,
            "failures": self.failures,
            "busy": self.busy,
            "cached": len(self._cache),
        }

    def close(self) -> None:
        """End the workers for good (their event deleted, or the server stopping): later jobs are refused, and no
        worker is started again on a database that may be gone."""
        self.closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        if self._listener is not None:
            self._listener.close()
