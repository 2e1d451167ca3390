"""The one path by which changes reach the database: a queue and a single writer.

Callers (socket handlers, HTTP views, joins) submit a job and wait. One writer thread — a green thread under
gevent — takes what is waiting: consecutive jobs that can share a transaction (dots) are written together
and committed once (group commit), anything else gets a transaction of its own, in arrival order. Each caller
is answered once its change is committed, so an acknowledged change is on disk. A quiet server writes a lone
job at once; during a burst, a batch waits up to LINGER for more dots before it is written: a batch costs about
the same with 3 dots or 30, so a burst's dots then cost the server ~40% less CPU (README, "The day's real mix").
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

BATCH = 64  # jobs per group commit: bounds how long one write holds the event loop (256 held it 30-60 ms)
LINGER = 0.010  # seconds a batch may wait for more jobs, during a burst only: what each dot's ack may lose


@dataclass(eq=False)
class Job:
    """A change waiting for the writer. `batched` jobs share transactions; `run` is what the writer calls."""

    batched: bool
    run: Callable | None = None
    payload: dict = field(default_factory=dict)
    result: object = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def answer(self, result: object = None, error: BaseException | None = None) -> None:
        self.result, self.error = result, error
        self.done.set()


class Writer:
    def __init__(self, write_batch: Callable[[list[Job]], None], write_one: Callable[[Job], None]):
        self._write_batch = write_batch
        self._write_one = write_one
        self._jobs: deque[Job] = deque()
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._last_batch, self._last_batch_size = 0.0, 0  # when the last batch was written, and its jobs
        self.last_job = time.monotonic()  # when the last change was submitted: how long the event has been quiet
        self.submitted = 0  # changes submitted since start: a long task sees whether others came meanwhile

    def submit(self, job: Job) -> object:
        """Queue `job`, wait until it is written (or refused), return its result or raise its error."""
        self.last_job = time.monotonic()
        self.submitted += 1
        with self._ready:
            self._jobs.append(job)
            self._ready.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="facilitation-writer", daemon=True)
                self._thread.start()
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _take(self) -> list[Job]:
        with self._ready:
            while not self._jobs:
                self._ready.wait()
            if not self._jobs[0].batched:
                return [self._jobs.popleft()]
            crowd = len(self._jobs) > 1 or self._last_batch_size > 1
            if crowd and time.monotonic() - self._last_batch < LINGER:
                # A burst: several dots waiting or in the last batch, written moments ago, more on their way (a
                # lone phone tapping dot after dot sends one at a time, and never waits). Waiting a few
                # milliseconds for them makes fewer, fuller batches, and a batch's cost is mostly its own (a
                # session, three statements, a commit), not its dots': without the wait a burst's batches
                # held ~4 dots each. The acks get the wait back many times over once cores are scarce.
                self._ready.wait_for(lambda: len(self._jobs) >= BATCH, LINGER)
            batch: list[Job] = []
            while self._jobs and self._jobs[0].batched and len(batch) < BATCH:
                batch.append(self._jobs.popleft())
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            try:
                if batch[0].batched:
                    self._write_batch(batch)
                    self._last_batch, self._last_batch_size = time.monotonic(), len(batch)
                else:
                    self._write_one(batch[0])
            except BaseException as exc:  # a bug must not leave callers waiting forever, nor stop the writer
                log.exception("writing %s job(s) failed", len(batch))
                for job in batch:
                    if not job.done.is_set():
                        job.answer(error=exc)
            time.sleep(0)  # a turn for everyone else (under gevent the writer is a green thread): acks go out,
            # sockets are read, even while a backlog keeps the queue full
