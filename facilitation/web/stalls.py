"""What keeps the event loop from running, measured and kept short: the figure behind "instant".

Every green thread shares one event loop; a long database write, a costly screen update or a pass of the
garbage collector stops all of them, and every phone waits that long.

- `StallWatch` wakes every TICK and records how late it woke: the longest delay per second, for the last
  minute, and the longest since start. `/healthz` reports them; `make bench` reads the seconds of each run
  (`/healthz?seconds=1`).
- `QuietCollector` moves the collector's full passes to quiet moments. With 1,000 phones connected a full pass
  walks every connection's objects and took ~100 ms, about once a second during a vote burst (most of what a
  burst leaves behind is freed at once by reference counting; the full passes only find cycles).
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable

TICK = 0.01  # seconds between wake-ups (a hundred a second cost ~0.2% of a core)
KEPT = 60  # seconds of per-second maxima


class StallWatch:
    def __init__(self):
        self.longest = 0.0
        self.seconds: deque[tuple[int, float]] = deque(maxlen=KEPT)  # (unix second, longest stall in it)

    def run(self, sleep) -> None:
        """The watcher's loop, on a background task of the server's async mode (`sleep` is its sleep)."""
        while True:
            started = time.monotonic()
            sleep(TICK)
            self.record(time.monotonic() - started - TICK)

    def record(self, late: float) -> None:
        late = max(0.0, late)
        self.longest = max(self.longest, late)
        second = int(time.time())
        if self.seconds and self.seconds[-1][0] == second:
            if late > self.seconds[-1][1]:
                self.seconds[-1] = (second, late)
        else:
            self.seconds.append((second, late))

    def state(self, per_second: bool = False) -> dict:
        now = int(time.time())

        def within(span: int) -> float:
            return round(1000 * max((late for second, late in self.seconds if second > now - span), default=0), 1)

        answer = {
            "last_10s_ms": within(10),
            "last_minute_ms": within(KEPT),
            "since_start_ms": round(1000 * self.longest, 1),
        }
        if per_second:
            answer["seconds"] = [[second, round(1000 * late, 1)] for second, late in self.seconds]
        return answer


class QuietCollector:
    """Full garbage collections when the event is quiet (no change for QUIET seconds), at most every EVERY
    seconds, and at the latest after LATEST seconds however busy it is. The young generations are collected
    as usual: they are cheap."""

    QUIET, EVERY, LATEST = 2.0, 30.0, 600.0

    def __init__(self, quiet_for: Callable[[], float]):
        self.quiet_for = quiet_for
        self.last = time.monotonic()

    def run(self, sleep) -> None:
        young, middle, _full = gc.get_threshold()
        gc.set_threshold(young, middle, 1 << 30)  # no full pass on the collector's own schedule
        while True:
            sleep(1.0)
            since = time.monotonic() - self.last
            if since >= self.LATEST or (since >= self.EVERY and self.quiet_for() >= self.QUIET):
                gc.collect()
                self.last = time.monotonic()
