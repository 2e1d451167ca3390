"""Vote burst: N phones each place their dots as fast as they get acks, against the real eventlet server.

Prints ack latencies for the burst as ratios to a one-phone baseline measured in the same run, and how long
the staff screen takes to show every dot. Run from the repository root:

    .venv/bin/python benchmarks/vote_burst.py --phones 300
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.conftest import start_server, stop_server  # noqa: E402  (one way to start the server, shared)


def cid() -> str:
    return uuid.uuid4().hex


def join(url: str, code: str) -> str:
    response = requests.post(f"{url}/j/{code}", allow_redirects=False, timeout=10)
    return response.cookies["facilitation_device"]


async def phone(url: str, token: str) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, headers={"Cookie": f"facilitation_device={token}"}, transports=["websocket"],
                         wait_timeout=30)
    return client


async def cast(client: socketio.AsyncClient, themes: list[int], dots: int, latencies: list[float]) -> None:
    for n in range(dots):
        start = time.perf_counter()
        ack = await client.call("dot.place", {"cid": cid(), "theme": themes[n % len(themes)]}, timeout=60)
        latencies.append(time.perf_counter() - start)
        assert ack["ok"], ack


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def run(url: str, tokens: list[str], themes: list[int], dots: int, staff_token: str) -> dict:
    staff = socketio.AsyncClient(reconnection=False)
    seen = asyncio.Event()
    total = len(tokens) * dots
    caught_up_at: list[float] = []

    @staff.on("update")
    async def on_update(update):
        tally = update.get("tally")
        if tally and tally["dots"] >= total and not seen.is_set():
            caught_up_at.append(time.perf_counter())
            seen.set()

    await staff.connect(url, auth={"token": staff_token}, transports=["websocket"])
    phones = await asyncio.gather(*(phone(url, token) for token in tokens))

    baseline: list[float] = []
    for _ in range(3):  # one phone alone, several rounds: the uncontended ack time
        await cast(phones[0], themes, 1, baseline)
        await phones[0].call("dot.remove", {"cid": cid(), "theme": themes[0]}, timeout=30)

    latencies: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(cast(p, themes, dots, latencies) for p in phones))
    burst = time.perf_counter() - start
    await asyncio.wait_for(seen.wait(), timeout=60)
    for client in [*phones, staff]:
        await client.disconnect()
    base = statistics.median(baseline)
    return {"baseline_ms": base * 1000, "p50_ms": pct(latencies, .5) * 1000, "p95_ms": pct(latencies, .95) * 1000,
            "max_ms": max(latencies) * 1000, "p50_ratio": pct(latencies, .5) / base,
            "p95_ratio": pct(latencies, .95) / base, "burst_s": burst, "dots": len(latencies),
            "screen_s": caught_up_at[0] - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--dots", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Every simulated phone comes from this one address, as a room behind one router would.
        server = start_server(Path(tmp), flush="0.25", env={"FACILITATION_JOIN_BURST": str(args.phones + 10)})
        try:
            facilitator = socketio.Client()
            facilitator.connect(server.url, auth={"token": server.facilitator}, transports=["websocket"])
            themes = []
            for n in range(8):
                ack = facilitator.call("theme.create", {"cid": cid(), "title": f"Priority {n + 1}"})
                facilitator.call("theme.ballot", {"cid": cid(), "theme": ack["theme"]})
                themes.append(ack["theme"])
            assert facilitator.call("vote.open", {"cid": cid()})["ok"]
            tables = [t[3] for t in server.tables() if not t[2]]
            tokens = [join(server.url, tables[n % len(tables)]) for n in range(args.phones)]
            # Each phone spreads its dots within the per-item cap.
            result = asyncio.run(run(server.url, tokens, themes, args.dots, server.setting("observer_token")))
            facilitator.disconnect()
        finally:
            stop_server(server)
    print(f"vote burst: {args.phones} phones x {args.dots} dots = {result['dots']} acks, eventlet server, SQLite WAL")
    print(f"  baseline (one phone alone), median ack   {result['baseline_ms']:8.1f} ms   1.0x")
    print(f"  burst ack p50                            {result['p50_ms']:8.1f} ms  {result['p50_ratio']:5.1f}x")
    print(f"  burst ack p95                            {result['p95_ms']:8.1f} ms  {result['p95_ratio']:5.1f}x")
    print(f"  burst ack max                            {result['max_ms']:8.1f} ms")
    print(f"  all acks back, from the burst's start    {result['burst_s']:8.2f} s")
    print(f"  staff screen shows every dot, from start {result['screen_s']:8.2f} s")


if __name__ == "__main__":
    main()
