"""`make bench`: the app against a bare echo server, with the same open-loop crowd, in the same run.

For each crowd size (300 and 1,000 phones) and each runtime asked for (gevent by default), it starts the echo
server (benchmarks/echo_server.py) and then the app (the real server on SQLite, a console, a projector and an
observer connected, 8 themes on the ballot, the vote open, phones joined through their table links), and plays the
same bursts against both with the official Socket.IO JavaScript client under node (benchmarks/js/crowd.mjs): every
phone's 5 dots sent at a scheduled rate, whatever the acks do, latency from the schedule. The main burst is played
again by a Python crowd (benchmarks/crowd.py). Prints the table and writes
benchmarks/results/<date>-<machine>.json.

    .venv/bin/python benchmarks/bench.py [--phones 300 1000] [--quick] [--runtimes gevent threading]
        [--databases sqlite postgresql]

With `--databases postgresql`, the app keeps the event in a PostgreSQL cluster started for the run (Debian's,
tests/databases.py), beside the same crowd against the echo server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import requests
import socketio

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.crowd import play  # noqa: E402
from facilitation.config import BY_KEY  # noqa: E402
from tests.conftest import DEMO_PLAN, free_port, start_server, stop_server  # noqa: E402
from tests.databases import Postgres  # noqa: E402

BOUND_MS = 250  # the capacity bound: the highest rate whose ack p95 stays under it, nothing lost or refused
RATES = {300: [150, 300, 750, 1500, 3000], 1000: [250, 500, 1000, 2000, 3000, 4000]}
DOTS = 5


def cid() -> str:
    return uuid.uuid4().hex


def node_crowd(config: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(config, f)
    try:
        done = subprocess.run(
            ["node", str(HERE / "js" / "crowd.mjs"), f.name], capture_output=True, text=True, timeout=900
        )
    finally:
        os.unlink(f.name)
    if done.returncode != 0:
        raise RuntimeError(f"the node crowd failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rss_mb(pid: int, peak: bool = False) -> float:
    """The process's resident memory now, or its peak so far."""
    field = "VmHWM:" if peak else "VmRSS:"
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) the process has used so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Echo:
    def __init__(self, runtime: str = "gevent"):
        self.runtime = runtime

    def __enter__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "echo_server.py"), str(self.port), self.runtime],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the echo server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)


def prepare_app(server, phones: int, browser=requests.Session) -> dict:
    """Themes on the ballot, the vote open, phones joined through their table links (in a 30-s window), each
    from a browser of its own (`browser()`: a requests session)."""
    staff = socketio.Client()
    staff.connect(server.url, auth={"token": server.facilitator}, transports=["websocket"])
    event = staff.call("sync", {"since": None})["event"]
    capture = next(i for i, phase in enumerate(event["agenda"]) if phase["kind"] == "capture")
    assert staff.call("phase.start", {"cid": cid(), "phase": capture})["ok"]  # ideas are taken while voting
    themes = []
    for n in range(8):
        themes.append(staff.call("theme.create", {"cid": cid(), "title": f"Priorità {n + 1}"})["theme"])
        staff.call("theme.ballot", {"cid": cid(), "theme": themes[-1]})
    assert staff.call("vote.open", {"cid": cid()})["ok"]
    staff.disconnect()
    tables = [t[3] for t in server.tables() if not t[2]]

    def join(n: int) -> tuple[str, float]:
        started = time.perf_counter()
        session = browser()
        session.get(f"{server.url}/j/{tables[n % len(tables)]}", timeout=30)
        answer = session.post(f"{server.url}/j/{tables[n % len(tables)]}", allow_redirects=False, timeout=30)
        return answer.cookies["facilitation_device"], time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        joined = list(pool.map(join, range(phones)))
    took = time.perf_counter() - started
    waits = sorted(w for _t, w in joined)
    return {
        "themes": themes,
        "axes": [axis["id"] for axis in event["axes"]],
        "cookies": [t for t, _w in joined],
        "joins": {"phones": phones, "seconds": took, "p95_ms": waits[int(0.95 * len(waits))] * 1000},
    }


def dot_runs(*crowds: dict | None) -> list[dict]:
    """The runs of node crowds at one server, with the burst that took back an odd run's dots (`tidy`)."""
    return [run for crowd in crowds if crowd for run in crowd["runs"] + ([crowd["tidy"]] if crowd.get("tidy") else [])]


def check_export(server, runs: list[dict], also_placed: int = 0, also_unanswered: int = 0) -> dict:
    """Every acknowledged dot counted once. The event log holds each dot the crowds placed and each they took
    back (`runs`, the node crowds' runs at this server, `dot_runs`; `also_placed`, placements acknowledged
    outside them, `also_unanswered` left without an answer there): no fewer than were acknowledged, and no more
    than that plus the sends left unanswered (a timed-out send may still have landed). The export's votes and
    its ranking agree with the log's net count. Runs alternate placing and taking back, so the net count is
    often 0: the two counts are what show nothing was lost."""
    acked = {name: sum(r["acked"] for r in runs if r.get("event") == name) for name in ("dot.place", "dot.remove")}
    unanswered = sum(r.get("lost", 0) for r in runs if r.get("event") in acked) + also_unanswered
    export = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=60).json()
    votes = sum(v["dots"] for v in export["votes"])
    ranked = export["ranking"]["dots"]
    placed = server.query("select count(*) from log where kind = 'DotPlaced'")[0][0]
    removed = server.query("select count(*) from log where kind = 'DotRemoved'")[0][0]
    placed_acked, removed_acked = acked["dot.place"] + also_placed, acked["dot.remove"]
    return {
        "placed": placed,
        "placed_acked": placed_acked,
        "removed": removed,
        "removed_acked": removed_acked,
        "unanswered": unanswered,
        "votes": votes,
        "ranking": ranked,
        "ok": votes == ranked == placed - removed
        and placed_acked <= placed <= placed_acked + unanswered
        and removed_acked <= removed <= removed_acked + unanswered,
    }


def counted_line(counted: dict) -> str:
    return (
        f"counted once: placed {counted['placed']:,} (acknowledged {counted['placed_acked']:,}), taken back "
        f"{counted['removed']:,} ({counted['removed_acked']:,}), unanswered {counted['unanswered']:,}; export "
        f"{counted['votes']:,} dots, ranking {counted['ranking']:,}: {'ok' if counted['ok'] else 'MISMATCH'}"
    )


def capacity(runs: list[dict]) -> int | None:
    good = [
        r["rate"]
        for r in runs
        if r["p95_ms"] is not None and r["p95_ms"] <= BOUND_MS and not r["lost"] and not r["refused"]
    ]
    return max(good, default=None)


IDEAS, IDEA_SECONDS = 3, 20  # every phone's 3 ideas within 20 s (the target: within 60 s)
REPEATS = 10  # the same burst again and again: the 10th must be as fast as the first


def measure(
    phones: int, rates: list[int], python_rate: int | None, extras: bool, runtime: str, postgres: Postgres | None
) -> dict:
    runs = [{"rate": r} for r in rates]
    idea_run = [{"rate": phones * IDEAS / IDEA_SECONDS}]
    with Echo(runtime) as echo:
        echo_node = node_crowd(
            {
                "url": echo.url,
                "phones": [{"token": "x"}] * phones,
                "themes": list(range(1, 9)),
                "dots": DOTS,
                "runs": runs,
                "event": "echo",
            }
        )
        echo_ideas = (
            node_crowd(
                {
                    "url": echo.url,
                    "phones": [{"token": "x"}] * phones,
                    "axes": ["a"],
                    "dots": IDEAS,
                    "runs": idea_run,
                    "event": "idea",
                }
            )
            if extras
            else None
        )
        echo_python = (
            asyncio.run(play(echo.url, [{"token": "x"}] * phones, list(range(1, 9)), DOTS, python_rate))
            if python_rate
            else None
        )
        echo_rss = rss_mb(echo.process.pid, peak=True)
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "bench.toml"  # the demo, with a table of 10 (+2) for every 10 phones
        plan.write_text(DEMO_PLAN.read_text().replace("count = 30", f"count = {max(30, -(-phones // 10))}"))
        server = start_server(
            Path(tmp),
            plan=plan,
            flush=str(BY_KEY["FLUSH_INTERVAL"].default),
            env={
                "FACILITATION_JOIN_BURST": str(phones + 10),
                "FACILITATION_MAX_PER_ADDRESS": str(3 * phones + 100),
                "FACILITATION_LOG_LEVEL": "WARNING",
                **({"FACILITATION_DATABASE_URL": postgres.url(f"{tmp}:{runtime}:{phones}")} if postgres else {}),
            },
            extra=("--async-mode", runtime),
        )
        try:
            ready = prepare_app(server, phones)
            screens = [server.setting("observer_token"), server.setting("projector_token"), server.facilitator]
            cookies = [{"cookie": c} for c in ready["cookies"]]
            app_node = node_crowd(
                {
                    "url": server.url,
                    "phones": cookies,
                    "screens": screens,
                    "themes": ready["themes"],
                    "dots": DOTS,
                    "runs": runs,
                }
            )
            rss = rss_mb(server.process.pid, peak=True)  # the peak: with every phone connected, mid-burst
            app_ideas = repeats = None
            if extras:
                app_ideas = node_crowd(
                    {
                        "url": server.url,
                        "phones": cookies,
                        "screens": screens,
                        "axes": ready["axes"],
                        "dots": IDEAS,
                        "runs": idea_run,
                        "event": "idea",
                    }
                )
                repeats = node_crowd(
                    {
                        "url": server.url,
                        "phones": cookies,
                        "screens": screens,
                        "themes": ready["themes"],
                        "dots": DOTS,
                        "runs": [{"rate": python_rate or 750}] * REPEATS,
                    }
                )
            app_python = (
                asyncio.run(play(server.url, cookies, ready["themes"], DOTS, python_rate, screen=screens[0]))
                if python_rate
                else None
            )
            counted = check_export(
                server,
                dot_runs(app_node, repeats),
                app_python["acked"] if app_python else 0,
                app_python["lost"] if app_python else 0,
            )
        finally:
            stop_server(server)
    return {
        "phones": phones,
        "runtime": runtime,
        "echo": echo_node,
        "app": app_node,
        "joins": ready["joins"],
        "rss_mb": rss,
        "echo_rss_mb": echo_rss,
        "counted": counted,
        "ideas": {"echo": echo_ideas, "app": app_ideas} if extras else None,
        "repeats": repeats,
        "python": {"echo": echo_python, "app": app_python} if python_rate else None,
        "capacity": {"echo": capacity(echo_node["runs"]), "app": capacity(app_node["runs"])},
    }


def fmt(value, unit="ms") -> str:
    return "—" if value is None else f"{value:,.1f} {unit}" if unit == "ms" else f"{value:,}"


def report(results: list[dict], machine: str) -> None:
    print(f"\nmake bench — {machine}")
    print(
        f"{'load':66} {'echo p95':>10} {'app p95':>10} {'app p99':>10} {'screen p95':>11} {'stall':>10}  lost/refused"
    )
    for result in results:
        for echo, app in zip(result["echo"]["runs"], result["app"]["runs"], strict=True):
            where = result["runtime"] + (" on PostgreSQL" if result.get("database") == "postgresql" else "")
            load = f"{where}: {result['phones']} phones, {app['dots']:,} dots at {app['rate']:,}/s"
            print(
                f"{load:66} {fmt(echo['p95_ms']):>10} {fmt(app['p95_ms']):>10} {fmt(app['p99_ms']):>10} "
                f"{fmt(app['screen_p95_ms']):>11} {fmt(app.get('stall_ms')):>10}  {app['lost']}/{app['refused']}"
            )
        cap = result["capacity"]
        ratio = f"{cap['app'] / cap['echo']:.2f}" if cap["app"] and cap["echo"] else "—"
        print(
            f"  {result['runtime']}, capacity (p95 ≤ {BOUND_MS} ms): echo {fmt(cap['echo'], '')}/s, "
            f"app {fmt(cap['app'], '')}/s, "
            f"ratio {ratio}; joins: {result['joins']['phones']} in {result['joins']['seconds']:.1f} s, "
            f"p95 {result['joins']['p95_ms']:.0f} ms; peak RSS {result['rss_mb']:.0f} MB "
            f"(echo {result.get('echo_rss_mb', 0):.0f} MB)"
        )
        counted = result["counted"]
        print(f"  {counted_line(counted)}")
        if result["ideas"]:
            e, a = result["ideas"]["echo"]["runs"][0], result["ideas"]["app"]["runs"][0]
            print(
                f"  ideas, {a['dots']:,} at {a['rate']:,.0f}/s: echo p95 {fmt(e['p95_ms'])}, app p95 "
                f"{fmt(a['p95_ms'])}, p99 {fmt(a['p99_ms'])}, screen p95 {fmt(a['screen_p95_ms'])}, "
                f"lost/refused {a['lost']}/{a['refused']}"
            )
        if result["repeats"]:
            bursts = result["repeats"]["runs"]
            print(
                f"  the same burst {len(bursts)} times ({bursts[0]['dots']:,} dots at {bursts[0]['rate']:,}/s): "
                f"ack p95 first {fmt(bursts[0]['p95_ms'])}, last {fmt(bursts[-1]['p95_ms'])}; "
                f"max of all {fmt(max(b['p95_ms'] for b in bursts))}"
            )
        if result["python"]:
            e, a = result["python"]["echo"], result["python"]["app"]
            print(
                f"  python crowd, {a['dots']:,} dots at {a['rate']:,}/s: echo p95 {fmt(e['p95_ms'])}, "
                f"app p95 {fmt(a['p95_ms'])}, screen p95 {fmt(a['screen_p95_ms'])}, lost/refused "
                f"{a['lost']}/{a['refused']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--quick", action="store_true", help="two rates per crowd, no Python crowd")
    parser.add_argument(
        "--runtimes",
        nargs="+",
        default=["gevent"],
        choices=BY_KEY["ASYNC_MODE"].choices,
        help="the app and the echo server on each runtime, in turn, with the same crowd",
    )
    parser.add_argument(
        "--databases",
        nargs="+",
        default=["sqlite"],
        choices=["sqlite", "postgresql"],
        help="where the app keeps the event: its SQLite file, or a PostgreSQL cluster started for the run",
    )
    args = parser.parse_args()
    postgres = Postgres() if "postgresql" in args.databases else None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the crowd's sockets, inherited by node
    results = []
    for phones in args.phones:
        rates = RATES.get(phones, [phones, 2 * phones])
        if args.quick:
            rates = rates[1:3]
        main_rate = 750 if phones == 300 and not args.quick else None  # 300 × 5 dots within 2 s
        for runtime in args.runtimes:
            for database in args.databases:
                result = measure(
                    phones,
                    rates,
                    main_rate,
                    extras=main_rate is not None,
                    runtime=runtime,
                    postgres=postgres if database == "postgresql" else None,
                )
                results.append({**result, "database": database})
    if postgres is not None:
        postgres.stop()
    machine = f"{platform.node()} · {os.cpu_count()} cores · {platform.python_version()}"
    report(results, machine)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    path = out / f"{stamp}-{platform.node()}.json"
    path.write_text(json.dumps({"machine": machine, "at": stamp, "bound_ms": BOUND_MS, "results": results}, indent=1))
    print(f"\nwritten: {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
