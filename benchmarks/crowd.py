"""The Python crowd of `make bench`: `facilitation rehearse`'s open-loop sender (python-socketio's asyncio
client), here driven for one dot burst beside the JavaScript crowd's (benchmarks/js/crowd.mjs).

A Python crowd on the same cores takes CPU from the server, so its numbers are pessimistic.
"""

from __future__ import annotations

import asyncio
import time

import socketio

from facilitation.cli.rehearse import Progress, Step, connect_phone, freshness, open_loop


async def play(
    url: str, phones: list[dict], themes: list[int], dots: int, rate: float, screen: str | None = None
) -> dict:
    """Connect every phone, then send each phone's dots at `rate` per second in all; latency from the schedule."""
    seen: list[tuple[float, int]] = []
    watcher = None
    if screen:
        watcher = socketio.AsyncClient(reconnection=False)

        @watcher.on("update")
        async def _update(update):
            if isinstance((update.get("tally") or {}).get("dots"), int):
                seen.append((time.perf_counter(), update["tally"]["dots"]))

        await watcher.connect(url, auth={"token": screen}, transports=["websocket"], wait_timeout=30)
    clients = []
    for start in range(0, len(phones), 50):
        clients += await asyncio.gather(*(connect_phone(url, phone) for phone in phones[start : start + 50]))
    base = seen[-1][1] if seen else 0
    first = len(seen)
    sends = [
        (p, "dot.place", {"theme": themes[(p + k) % len(themes)]}) for k in range(dots) for p in range(len(phones))
    ]
    step = Step("dots")
    acked = await open_loop(clients, sends, len(sends) / rate, step, Progress("dots", len(sends), quiet=True))
    if watcher:
        await asyncio.sleep(2)
        step.screen_ms = freshness(acked, seen[first:], base)
    for client in clients + ([watcher] if watcher else []):
        await client.disconnect()
    summary = step.summary()
    return {
        "client": "python-socketio (asyncio)",
        "rate": rate,
        "dots": len(sends),
        "refused": sum(summary["refused"].values()),
        **{k: v for k, v in summary.items() if k != "refused"},
        "errors": summary["refused"],
    }
