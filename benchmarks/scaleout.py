"""Several server processes on one event (issue 24): 1, 2 and 3 processes behind nginx, beside the echo server.

For each process count it starts that many `facilitation serve` processes on one PostgreSQL event with one Redis
(the first writes, the others follow: docs/scale-out.md), nginx in front with the shipped site
(deploy/nginx.conf), joins the phones through nginx, and plays the same open-loop bursts of dots with the
official Socket.IO JavaScript client under node (benchmarks/js/crowd.mjs), every socket with a route cookie of
its own, so the crowd spreads over the processes as a hall's browsers would. The echo server
(benchmarks/echo_server.py), behind the same nginx site, gets the same crowd first: the baseline of the same run.
The **capacity** is the highest rate tried whose ack p95 is within 250 ms. Then, with two or more processes, the
crowd kills the writer and every phone places a dot at that moment: timed are the **lease move** (until a
follower says it writes) and **every phone served again** (until the last phone's dot is acknowledged; a phone on
the killed process reconnects through nginx to another). The peak RSS of each process is read with every phone
connected.

    .venv/bin/python benchmarks/scaleout.py [--phones 3000] [--processes 1 2 3] [--rates 250 500 1000] [--quick]

Prints the table and writes benchmarks/results/<date>-<machine>-scaleout.json. Every process and the crowd
share this machine's cores: on 2 cores, more processes add hops (nginx, Redis) without adding cores, so what
this shows here is the cost of the hops and that nothing is lost; the gain needs machines of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.bench import (  # noqa: E402
    BOUND_MS,
    DOTS,
    Echo,
    capacity,
    check_export,
    counted_line,
    dot_runs,
    node_crowd,
    prepare_app,
    rss_mb,
)
from tests.conftest import DEMO_PLAN, start_server, stop_server  # noqa: E402
from tests.databases import Nginx, Postgres, Redis  # noqa: E402


@dataclass
class Front:
    """What the crowd and check_export need of 'the server': nginx's address, the event's database and secret."""

    url: str
    first: object  # the first process's tests.conftest.Server: its database and secrets

    def query(self, sql: str, **params):
        return self.first.query(sql, **params)  # type: ignore[attr-defined]

    def tables(self):
        return self.first.tables()  # type: ignore[attr-defined]

    def setting(self, key: str) -> str:
        return self.first.setting(key)  # type: ignore[attr-defined]

    @property
    def facilitator(self) -> str:
        return self.first.facilitator  # type: ignore[attr-defined]


def routed_session() -> requests.Session:
    session = requests.Session()
    session.cookies.set("facilitation_route", os.urandom(9).hex())
    return session


def roles(servers: list) -> tuple:
    """The writer's process, and the followers' addresses."""
    said = [requests.get(s.url + "/healthz", timeout=10).json().get("role") for s in servers]
    return servers[said.index("writer")], [s.url for s, role in zip(servers, said, strict=True) if role == "follower"]


def measure(processes: int, phones: int, rates: list[int], postgres: Postgres, redis: Redis, tmp: Path) -> dict:
    runs = [{"rate": rate} for rate in rates]
    plan = tmp / "bench.toml"
    size = max(10, -(-phones // 200))  # a plan has at most 200 tables: larger ones for 3,000 phones
    plan.write_text(
        DEMO_PLAN.read_text()
        .replace("count = 30", f"count = {max(30, -(-phones // size))}")
        .replace("size = 10", f"size = {size}")
    )
    env = {
        "FACILITATION_DATABASE_URL": postgres.url(f"{tmp}:{processes}:{phones}"),
        "FACILITATION_REDIS_URL": redis.url,
        "FACILITATION_PROXIES": "1",
        "FACILITATION_JOIN_BURST": str(phones + 10),
        "FACILITATION_MAX_PER_ADDRESS": str(3 * phones + 100),  # every socket comes from nginx's address
        "FACILITATION_MAX_OPENING_PER_ADDRESS": str(3 * phones + 100),  # as deploy/facilitation.env: nginx's job
        "FACILITATION_MAX_CONNECTIONS": str(3 * phones + 100),
        "FACILITATION_LOG_LEVEL": "WARNING",
    }
    servers = [start_server(tmp, plan=plan, data_dir=tmp / f"p{n}", flush="0.1", env=env) for n in range(processes)]
    # the whole crowd comes from this machine's one address: nginx's cap per address raised to it, as above
    nginx = Nginx([s.url.removeprefix("http://") for s in servers], per_address=3 * phones + 100)
    front = Front(nginx.url, servers[0])
    try:
        ready = prepare_app(front, phones, browser=routed_session)  # its route cookie first: one process each
        screens = [front.setting("observer_token"), front.setting("projector_token"), front.facilitator]
        peaks = [0] * len(servers)  # the sockets each process held at most while the crowd played
        memory = [0] * len(servers)  # and its peak RSS (MB), read while it lives (the failover kills one)
        playing = threading.Event()

        def sample() -> None:
            while not playing.is_set():
                for n, server in enumerate(servers):
                    try:
                        held = requests.get(server.url + "/healthz", timeout=10).json()["connections"]["open"]
                        peaks[n] = max(peaks[n], held)
                        memory[n] = max(memory[n], round(rss_mb(server.process.pid, peak=True)))
                    except (requests.RequestException, KeyError, ValueError, OSError):
                        pass
                playing.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        writer, followers = roles(servers) if processes > 1 else (None, [])
        crowd = node_crowd(
            {
                "url": nginx.url,
                "route": True,
                "phones": [{"cookie": c} for c in ready["cookies"]],
                "screens": screens,
                "themes": ready["themes"],
                "dots": DOTS,
                "runs": runs,
                # after the runs the crowd kills the writer, every phone places a dot, and it times it all
                "failover": {"pid": writer.process.pid, "followers": followers} if writer else None,
            }
        )
        playing.set()
        sampler.join()
        moved = crowd.get("failover")
        # runs alternate placing and taking back, and end taking back; then each phone's one dot at the failover
        counted = check_export(
            front,
            dot_runs(crowd),
            moved["served"] if moved else 0,
            moved["phones"] - moved["served"] if moved else 0,
        )
    finally:
        nginx.stop()
        for server in servers:
            if server.process.poll() is None:
                stop_server(server)
    return {
        "processes": processes,
        "phones": phones,
        "app": crowd,
        "joins": ready["joins"],
        "sockets": peaks,
        "rss_mb": memory,
        "counted": counted,
        "failover": moved,
    }


def fmt(value) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=3000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--rates", type=int, nargs="+", default=[250, 500, 750, 1000, 2000])
    parser.add_argument("--quick", action="store_true", help="one rate (1,000/s)")
    args = parser.parse_args()
    rates = [1000] if args.quick else args.rates
    machine = f"{platform.node()} ({os.cpu_count()} cores)"
    with Echo() as echo:  # behind the same nginx site as the processes: the hop is in the baseline too
        front = Nginx([echo.url.removeprefix("http://")], per_address=3 * args.phones + 100)
        try:
            baseline = node_crowd(
                {
                    "url": front.url,
                    "phones": [{"token": "x"}] * args.phones,
                    "themes": list(range(1, 9)),
                    "dots": DOTS,
                    "runs": [{"rate": rate} for rate in rates],
                    "event": "echo",
                }
            )
        finally:
            front.stop()
    results = []
    postgres, redis = Postgres(), Redis()
    try:
        for processes in args.processes:
            with tempfile.TemporaryDirectory() as tmp:
                results.append(measure(processes, args.phones, rates, postgres, redis, Path(tmp)))
    finally:
        redis.stop()
        postgres.stop()

    print(f"\nscale-out — {machine}: {args.phones:,} phones, every one's {DOTS} dots; behind nginx, on PostgreSQL")
    print(f"{'load':52} {'echo p95':>10} {'app p95':>10} {'app p99':>10} {'screen p95':>11}  lost/refused")
    for result in results:
        for echo_run, run in zip(baseline["runs"], result["app"]["runs"], strict=True):
            load = f"{result['processes']} process(es): {run['dots']:,} dots at {run['rate']:,}/s"
            print(
                f"{load:52} {fmt(echo_run['p95_ms']):>10} {fmt(run['p95_ms']):>10} {fmt(run['p99_ms']):>10} "
                f"{fmt(run['screen_p95_ms']):>11}  {run['lost']}/{run['refused']}"
            )
        result["capacity"] = capacity(result["app"]["runs"])
        found = f"{result['capacity']:,} dots/s" if result["capacity"] else f"below {min(rates):,} dots/s"
        print(f"  capacity (ack p95 ≤ {BOUND_MS} ms; echo: {capacity(baseline['runs']) or '—'}/s): {found}")
        joins, counted = result["joins"], result["counted"]
        spread = ", ".join(f"{held:,} ({mb} MB)" for held, mb in zip(result["sockets"], result["rss_mb"], strict=True))
        print(
            f"  joins {joins['phones']:,} in {joins['seconds']:.1f} s (p95 {joins['p95_ms']:.0f} ms); most sockets "
            f"(peak RSS) per process {spread}; {counted_line(counted)}"
        )
        if result["failover"]:
            move = result["failover"]
            every = f"{move['every_phone_ms'] / 1000:.2f} s" if move["every_phone_ms"] is not None else "never"
            print(
                f"  writer killed: a follower writes after {(move['took_over_ms'] or 0) / 1000:.2f} s; every phone "
                f"placing a dot at the kill ({move['served']:,} of {move['phones']:,} served) within {every} "
                f"(p50 {(move['p50_ms'] or 0) / 1000:.2f} s, p95 {(move['p95_ms'] or 0) / 1000:.2f} s); met on "
                f"the way: {json.dumps(move.get('errors') or {})}"
            )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    out = HERE / "results" / f"{stamp}-{platform.node()}-scaleout.json"
    out.write_text(json.dumps({"machine": machine, "echo": baseline, "results": results}, indent=1))
    print(f"\nwrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
