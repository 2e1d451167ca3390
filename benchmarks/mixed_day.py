"""The day's real mix (issue 18): 300 phones voting at 750 dots/s, burst after burst for about a minute, while
in the same minute the steering committee downloads every report and export 20 times, the theme team imports a
2 MB export, 50 people read the public results page in both languages, one socket floods 64 KB messages and
200 slowloris connections trickle their heads a byte at a time. Beside it, the echo server with the same crowd
alone, in the same run.

Targets: dot ack p95 ≤ echo p95 + 100 ms; longest event-loop stall ≤ 100 ms; every download answered; nothing
lost (every acknowledged dot in the event's log once, every imported idea in the event).

    .venv/bin/python benchmarks/mixed_day.py [--runtime gevent] [--bursts 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import resource
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import requests
import socketio
import websocket

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.bench import DOTS, Echo, cpu_seconds, fmt, node_crowd, prepare_app, rss_mb  # noqa: E402
from facilitation.config import BY_KEY  # noqa: E402
from facilitation.plan import load_plan  # noqa: E402
from tests.conftest import DEMO_PLAN, start_server, stop_server  # noqa: E402

PHONES, RATE = 300, 750
DOWNLOADS = ("report.pdf", "event.xlsx", "report.md", "event.zip", "event.json", "ballots.zip", "report page")
ROUNDS = 20  # downloads of every kind, spread over the minute
READERS = 50  # the public page, alternating languages
SLOWLORIS = 200
WHAT = ("downloads", "readers", "import", "flood", "slowloris")
TARGET_MS = 100  # over the echo server's p95, and the longest stall


def listening_export(size_bytes: int) -> bytes:
    """An export of another event (a listening day) of about `size_bytes`, on the demo plan's axes."""
    axes = [axis.id for axis in load_plan(DEMO_PLAN).axes]
    themes = [{"id": n + 1, "title": f"Tema dell'ascolto {n + 1}", "axis": axes[n % len(axes)]} for n in range(40)]
    text = (
        "servono più collegamenti serali tra le valli e il capoluogo, con orari pensati per chi lavora a "
        "turni e per gli studenti, e parcheggi di interscambio custoditi vicino alle stazioni"
    )

    def idea(n: int) -> dict:
        return {
            "id": n,
            "table": str(n % 30 + 1),
            "channel": "room",
            "axis": axes[n % len(axes)],
            "kind": ("need", "proposal", "project")[n % 3],
            "text": f"{n}: {text}",
            "hidden": n % 50 == 0,
            "held": False,
            "starred": n % 40 == 0,
            "merged_into": "",
            "theme": themes[n % len(themes)]["id"] if n % 4 == 0 else "",
            "category": "",
            "zone": "",
        }

    ideas = [idea(n) for n in range(1, size_bytes // len(json.dumps(idea(10_000))) + 1)]
    event = {"id": "bench-ascolto", "title": "Ascolto (bench)", "date": "2026-11-20", "export_format": 1}
    return json.dumps({"event": event, "ideas": ideas, "themes": themes, "idea_history": []}).encode()


class Disturbances:
    """Everything that is not a dot, each on its own threads, from `start` for `seconds`."""

    def __init__(self, server, tokens: dict, seconds: float, import_body: bytes, without: tuple = ()):
        self.without = set(without)
        self.server, self.tokens, self.seconds, self.body = server, tokens, seconds, import_body
        self.stop = threading.Event()
        self.downloads: list[tuple[str, int, float]] = []  # (kind, status, seconds)
        self.busy: list[tuple[str, float, float]] = []  # (what, from, to): wall-clock seconds, to place bursts
        self.pages: Counter = Counter()  # status of the public page's answers
        self.page_ms: list[float] = []
        self.imported: dict = {}
        self.flood = Counter()
        self.slow = Counter()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        jobs = [(self._downloads, kind) for kind in DOWNLOADS] * ("downloads" not in self.without)
        jobs += [(self._reader, n) for n in range(READERS)] * ("readers" not in self.without)
        jobs += [(self._import, None)] * ("import" not in self.without)
        jobs += [(self._flood, None)] * ("flood" not in self.without)
        jobs += [(self._slowloris, n) for n in range(SLOWLORIS)] * ("slowloris" not in self.without)
        self.t0 = time.monotonic()
        for target, arg in jobs:
            thread = threading.Thread(target=target, args=(arg,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=300)

    def _at(self, seconds: float) -> bool:
        """Wait until `seconds` into the minute; False once it is over."""
        while time.monotonic() - self.t0 < seconds:
            if self.stop.wait(0.05):
                return False
        return not self.stop.is_set()

    def _downloads(self, kind: str) -> None:
        """ROUNDS downloads of `kind`, one every few seconds over the minute, each sent at its time whether or
        not the one before is answered (open loop); all of them must be answered, however late."""
        observer = self.tokens["observer"]
        url = (
            f"{self.server.url}/report/{observer}"
            if kind == "report page"
            else f"{self.server.url}/export/{observer}/{kind}"
        )

        def download():
            started, wall = time.monotonic(), time.time()
            try:
                status = requests.get(url, timeout=300).status_code
            except requests.RequestException:
                status = 0
            self.downloads.append((kind, status, time.monotonic() - started))
            self.busy.append((kind, wall, time.time()))

        sent = []
        for n in range(ROUNDS):
            while time.monotonic() - self.t0 < n * self.seconds / ROUNDS + random.random():
                time.sleep(0.05)
            sent.append(threading.Thread(target=download, daemon=True))
            sent[-1].start()
        for thread in sent:
            thread.join(timeout=300)

    def _reader(self, n: int) -> None:
        """One reader, a page a second, alternating languages; http.client, which costs this process (sharing
        the server's cores) far less than requests."""
        host, port = self.server.url.rsplit("/", 1)[1].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        while self._at(random.random() * 2):
            started = time.monotonic()
            try:
                connection.request("GET", f"/results?lang={('it', 'en')[n % 2]}")
                answer = connection.getresponse()
                answer.read()
                status = answer.status
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            self.pages[status] += 1
            self.page_ms.append((time.monotonic() - started) * 1000)
            n += 1
            if self.stop.wait(1.0):
                break
        connection.close()

    def _import(self, _):
        if not self._at(self.seconds / 4):
            return
        started, wall = time.monotonic(), time.time()
        answer = requests.post(
            f"{self.server.url}/api/import",
            data=self.body,
            timeout=300,
            headers={"Authorization": f"Bearer {self.tokens['facilitator']}", "Content-Type": "application/json"},
        )
        self.busy.append(("import", wall, time.time()))
        self.imported = {"status": answer.status_code, "seconds": time.monotonic() - started, **answer.json()}

    def _flood(self, _):
        """A joined phone sending 64 KB messages as fast as it can, reconnecting whenever it is cut off. The
        frame is masked once and sent again as it is: the server unmasks every copy, while this process (which
        shares the server's cores) does not pay the masking each time."""
        frame = websocket.ABNF.create_frame(
            "42" + json.dumps(["idea.add", {"text": "x" * 64_000}]), websocket.ABNF.OPCODE_TEXT
        ).format()
        ws_url = self.server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        while not self.stop.is_set():
            try:
                ws = websocket.create_connection(
                    ws_url, timeout=5, cookie=f"facilitation_device={self.tokens['flooder']}"
                )
                ws.recv()
                ws.send("40")
                self.flood["connections"] += 1
                while not self.stop.is_set():
                    ws.sock.sendall(frame)
                    self.flood["sent"] += 1
                ws.close()
            except (OSError, websocket.WebSocketException):
                self.flood["cut"] += 1
                self.stop.wait(0.2)

    def _slowloris(self, n: int):
        """One byte a second of a request head that never ends; again as soon as the server closes it."""
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-a: b\r\n" * 1000
        self._at(n * 0.01)
        while not self.stop.is_set():
            opened = time.monotonic()
            try:
                with socket.create_connection(("127.0.0.1", int(self.server.url.rsplit(":", 1)[1])), timeout=5) as s:
                    self.slow["opened"] += 1
                    for byte in head:
                        s.sendall(bytes([byte]))
                        if self.stop.wait(1.0):
                            return
                self.slow["never cut"] += 1
            except OSError:
                self.slow["cut"] += 1
                self.slow["held_s"] += round(time.monotonic() - opened)
            self.stop.wait(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runtime", default="gevent", choices=BY_KEY["ASYNC_MODE"].choices)
    parser.add_argument("--bursts", type=int, default=20, help="bursts of 300 × 5 dots at 750/s (default 20)")
    parser.add_argument(
        "--without", nargs="*", default=[], choices=WHAT, help="leave these disturbances out (to see what each costs)"
    )
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    runs = [{"rate": RATE}] * args.bursts
    with Echo(args.runtime) as echo:
        echo_crowd = node_crowd(
            {
                "url": echo.url,
                "phones": [{"token": "x"}] * PHONES,
                "themes": list(range(1, 9)),
                "dots": DOTS,
                "runs": runs,
                "event": "echo",
            }
        )
    body = listening_export(2 * 1024 * 1024)
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "bench.toml"
        plan.write_text(DEMO_PLAN.read_text().replace("count = 30", f"count = {PHONES // 10}"))
        server = start_server(
            Path(tmp),
            plan=plan,
            flush=str(BY_KEY["FLUSH_INTERVAL"].default),
            extra=("--async-mode", args.runtime),
            env={"FACILITATION_JOIN_BURST": str(PHONES + 10), "FACILITATION_LOG_LEVEL": "WARNING"},
        )
        try:
            ready = prepare_app(server, PHONES + 1)
            staff = socketio.Client()
            staff.connect(server.url, auth={"token": server.facilitator}, transports=["websocket"])
            assert staff.call("results.publish", {"cid": uuid.uuid4().hex, "published": True})["ok"]
            staff.disconnect()
            tokens = {
                "observer": server.setting("observer_token"),
                "facilitator": server.facilitator,
                "flooder": ready["cookies"][-1],
            }
            screens = [tokens["observer"], server.setting("projector_token"), server.facilitator]
            cookies = [{"cookie": c} for c in ready["cookies"][:PHONES]]
            cpu_before, own_before = cpu_seconds(server.process.pid), cpu_seconds(os.getpid())
            mix = Disturbances(server, tokens, seconds=60, import_body=body, without=args.without)
            threading.Timer(8.0, mix.start).start()  # once the crowd is connected (in waves of 50)
            crowd = node_crowd(
                {
                    "url": server.url,
                    "phones": cookies,
                    "screens": screens,
                    "themes": ready["themes"],
                    "dots": DOTS,
                    "runs": runs,
                }
            )
            mix.join()
            own = cpu_seconds(os.getpid()) - own_before
            health = requests.get(f"{server.url}/healthz", timeout=10).json()
            rss = rss_mb(server.process.pid, peak=True)
            cpu = cpu_seconds(server.process.pid)
            export = requests.get(f"{server.url}/export/{server.facilitator}/event.json", timeout=120).json()
            with sqlite3.connect(server.db) as db:
                placed = db.execute("select count(*) from log where kind = 'DotPlaced'").fetchone()[0]
                removed = db.execute("select count(*) from log where kind = 'DotRemoved'").fetchone()[0]
        finally:
            stop_server(server)
    bursts = crowd["runs"][: args.bursts]
    acked_placed = sum(r["acked"] for r in crowd["runs"] if r["event"] == "dot.place")
    acked_removed = sum(r["acked"] for r in crowd["runs"] if r["event"] == "dot.remove")
    imported = [i for i in export["ideas"] if i.get("origin_event") == "bench-ascolto"]
    sent_ideas = len(json.loads(body)["ideas"])
    result = {
        "runtime": args.runtime,
        "without": args.without,
        "phones": PHONES,
        "rate": RATE,
        "bursts": args.bursts,
        "echo_p95_ms": max(r["p95_ms"] for r in echo_crowd["runs"]),
        "app_p95_ms": max(r["p95_ms"] or float("inf") for r in bursts),
        "app_p99_ms": max(r["p99_ms"] or float("inf") for r in bursts),
        "stall_ms": max((r["stall_ms"] or 0) for r in bursts),
        "stalls": health.get("stalls"),
        "lost": sum(r["lost"] for r in crowd["runs"]),
        "refused": sum(r["refused"] for r in crowd["runs"]),
        "log": {
            "placed": placed,
            "removed": removed,
            "acked_placed": acked_placed,
            "acked_removed": acked_removed,
            "votes_in_export": sum(v["dots"] for v in export["votes"]),
        },
        "downloads": {kind: Counter(str(s) for k, s, _t in mix.downloads if k == kind) for kind in DOWNLOADS},
        "download_s": {kind: max((t for k, _s, t in mix.downloads if k == kind), default=None) for kind in DOWNLOADS},
        "pages": dict(mix.pages),
        "page_p95_ms": sorted(mix.page_ms)[int(0.95 * len(mix.page_ms))] if mix.page_ms else None,
        "import": {
            **{k: v for k, v in mix.imported.items() if k != "error"},
            "sent_ideas": sent_ideas,
            "bytes": len(body),
            "in_event": len(imported),
            "error": mix.imported.get("error"),
        },
        "flood": dict(mix.flood),
        "slowloris": dict(mix.slow),
        "workers": health.get("workers"),
        "connections": health.get("connections"),
        "rss_mb": rss,
        "server_cpu_s": round(cpu - cpu_before, 1),
        "disturbances_cpu_s": round(own, 1),
        "worst_burst_beside": beside(bursts, mix.busy),
        "echo": echo_crowd,
        "app": crowd,
    }
    report(result)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    machine = f"{platform.node()} · {os.cpu_count()} cores · {platform.python_version()}"
    out = HERE / "results" / f"{stamp}-{platform.node()}-mixed-day.json"
    out.write_text(json.dumps({"machine": machine, "at": stamp, "result": result}, indent=1, default=str))
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


def beside(bursts: list[dict], busy: list[tuple[str, float, float]]) -> dict:
    """What else was going on during the worst burst (downloads by kind, the import): where to look first."""
    worst = max(bursts, key=lambda run: run["p95_ms"] or 0)
    start = worst["started_ms"] / 1000
    end = start + worst["seconds"]
    return {"burst": bursts.index(worst), **Counter(what for what, a, b in busy if a < end and b > start)}


def report(r: dict) -> None:
    answered = all(set(c) == {"200"} and sum(c.values()) == ROUNDS for c in r["downloads"].values())
    nothing_lost = (
        r["lost"] == 0
        and r["refused"] == 0
        and r["log"]["placed"] == r["log"]["acked_placed"]
        and r["log"]["removed"] == r["log"]["acked_removed"]
        and ("import" in r["without"] or r["import"]["in_event"] == r["import"]["sent_ideas"])
    )
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    left_out = f"without {', '.join(r['without'])}" if r["without"] else "with every disturbance"
    print(
        f"\nmixed day, {r['runtime']}: {r['phones']} phones, {r['bursts']} bursts of {r['phones'] * DOTS:,} dots "
        f"at {r['rate']}/s, {left_out} in the same minute"
    )
    print(
        f"  dot ack p95 (worst burst): app {fmt(r['app_p95_ms'])}, echo {fmt(r['echo_p95_ms'])} "
        f"(target ≤ echo + {TARGET_MS} ms: {ok(r['app_p95_ms'] <= r['echo_p95_ms'] + TARGET_MS)}); "
        f"app p99 {fmt(r['app_p99_ms'])}"
    )
    bursts = [run["p95_ms"] for run in r["app"]["runs"][: r["bursts"]]]
    print(
        f"  dot ack p95 per burst: median {fmt(statistics.median(bursts))}, "
        f"{sum(b <= r['echo_p95_ms'] + TARGET_MS for b in bursts)} of {len(bursts)} within the target; "
        f"beside the worst: {r['worst_burst_beside']}"
    )
    print(
        f"  longest event-loop stall: {fmt(r['stall_ms'])} (target ≤ {TARGET_MS} ms: {ok(r['stall_ms'] <= TARGET_MS)})"
    )
    for kind, statuses in r["downloads"].items():
        print(f"  {kind:12} {dict(statuses)}  slowest {fmt((r['download_s'][kind] or 0) * 1000)}")
    print(f"  every download answered: {ok(answered)}")
    print(f"  public page: {r['pages']} answers, p95 {fmt(r['page_p95_ms'])}")
    imp = r["import"]
    print(
        f"  import of {imp['bytes'] / 1e6:.1f} MB ({imp['sent_ideas']:,} ideas): status {imp.get('status')}, "
        f"{imp.get('seconds', 0):.1f} s, {imp['in_event']:,} in the event {imp.get('error') or ''}"
    )
    print(f"  flood: {r['flood']}; slowloris: {r['slowloris']}; connections {r['connections']}")
    print(
        f"  dots: log placed {r['log']['placed']:,} / acked {r['log']['acked_placed']:,}, removed "
        f"{r['log']['removed']:,} / acked {r['log']['acked_removed']:,}; lost {r['lost']}, refused {r['refused']}"
    )
    print(
        f"  nothing lost: {ok(nothing_lost)}; peak RSS {r['rss_mb']:.0f} MB; the server's CPU over the crowd's "
        f"run: {r['server_cpu_s']} s (the disturbances' own: {r['disturbances_cpu_s']} s)"
    )


if __name__ == "__main__":
    main()
