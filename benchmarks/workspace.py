"""What the events a workspace keeps cost the server (issue 22): they are opened when first needed.

One data folder, one workspace server started three ways in the same run: with its one demo event (the
baseline), then with N more events kept in the folder (made from the shipped plans through the home, a room's
300 phones joined to one of them), restarted. Printed for each start: the seconds until /healthz answers and the
server's resident memory; then what the first request naming an event asleep costs (its console, which opens
it) against the same request once it is open.

    .venv/bin/python benchmarks/workspace.py [--events 12]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tests.conftest import start_server, stop_server  # noqa: E402
from tests.realtime.clients import join  # noqa: E402

TEMPLATES = ("psm-ascolto-2024", "psm-torino-2024", "psm-torino-lancio")
PHONES = 300


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def started(tmp: Path, data: Path) -> tuple[object, float, float]:
    begun = time.perf_counter()
    server = start_server(
        tmp,
        extra=("--workspace",),
        data_dir=data,
        env={
            "FACILITATION_JOIN_BURST": str(2 * PHONES),
            "FACILITATION_MAX_PER_ADDRESS": str(2 * PHONES),
            "FACILITATION_LOG_LEVEL": "INFO",
        },
    )
    seconds = time.perf_counter() - begun
    time.sleep(1)  # the first report's worker and the collector settle
    return server, seconds, rss_mb(server.process.pid)


def timed_get(url: str) -> float:
    begun = time.perf_counter()
    requests.get(url, timeout=60).raise_for_status()
    return (time.perf_counter() - begun) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp, data = Path(tmp), Path(tmp) / "data"
        server, alone_s, alone_mb = started(tmp, data)
        secret = (data / "organiser.secret").read_text().strip()
        ids = [f"kept-{n:02d}" for n in range(args.events)]
        for n, event_id in enumerate(ids):
            requests.post(
                f"{server.url}/home/{secret}/events",
                timeout=60,
                allow_redirects=False,
                data={"template": TEMPLATES[n % len(TEMPLATES)], "id": event_id},
            ).raise_for_status()
        room = server.other(ids[1])  # made from the demo: 30 tables of 10
        codes = [row[3] for row in room.tables()][:30]
        for n in range(PHONES):
            join(server.url, codes[n % len(codes)])
        stop_server(server)

        server, kept_s, kept_mb = started(tmp, data)
        try:
            asleep = requests.get(f"{server.url}/healthz", timeout=10).json()["asleep"]
            first = [timed_get(f"{server.url}/console/{server.other(e).facilitator}") for e in ids]
            again = [timed_get(f"{server.url}/console/{server.other(e).facilitator}") for e in ids]
            opened_mb = rss_mb(server.process.pid)
        finally:
            stop_server(server)
    first.sort()
    again.sort()
    median = lambda values: values[len(values) // 2]  # noqa: E731
    result = {
        "events": args.events,
        "phones_in_one": PHONES,
        "asleep_at_start": len(asleep),
        "start_s": {"one": alone_s, "kept": kept_s},
        "rss_mb": {"one": alone_mb, "kept": kept_mb, "all_opened": opened_mb},
        "console_ms": {
            "first_median": median(first),
            "first_worst": first[-1],
            "open_median": median(again),
            "open_worst": again[-1],
        },
    }
    print(f"workspace: 1 event, then {args.events} more kept ({PHONES} phones in one), {len(asleep)} asleep at start")
    print(
        f"  start until healthy      1 event {alone_s:5.2f} s   with {args.events} kept {kept_s:5.2f} s "
        f"({kept_s / alone_s:.2f}x)"
    )
    print(
        f"  resident memory          1 event {alone_mb:5.0f} MB  with {args.events} kept {kept_mb:5.0f} MB "
        f"({kept_mb / alone_mb:.2f}x); every one opened {opened_mb:.0f} MB"
    )
    print(f"  a console, event asleep  median {median(first):5.0f} ms  worst {first[-1]:5.0f} ms")
    print(
        f"  a console, event open    median {median(again):5.0f} ms  worst {again[-1]:5.0f} ms "
        f"(first/open {median(first) / median(again):.1f}x)"
    )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    out = HERE / "results" / f"{stamp}-{platform.node() or 'machine'}-workspace.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"  saved {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
