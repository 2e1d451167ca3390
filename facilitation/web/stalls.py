"""How long the event loop was kept from running: the figure behind "instant" with 300 phones.

Every green thread shares one event loop; a long database write or a costly screen update stops all of them,
and every phone waits that long. A watcher wakes every TICK and records how late it woke: the longest delay
per second, for the last minute, and the longest since start. `/healthz` reports them; `make bench` reads the
seconds of each run (`/healthz?seconds=1`).
"""
from __future__ import annotations

import time
from collections import deque

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
        answer = {"last_10s_ms": within(10), "last_minute_ms": within(KEPT),
                  "since_start_ms": round(1000 * self.longest, 1)}
        if per_second:
            answer["seconds"] = [[second, round(1000 * late, 1)] for second, late in self.seconds]
        return answer
