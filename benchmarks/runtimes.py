"""The runtimes side by side, the stack alone: the echo server (benchmarks/echo_server.py) on eventlet, gevent
and threading, each played the same open-loop bursts by the same node crowd in the same run.

This is the first half of choosing the runtime by measurement (issue 18): what each runtime costs before the
application adds anything. Prints ack p95/p99 per rate and the peak RSS, and writes
benchmarks/results/<date>-<machine>-runtimes.json.

    .venv/bin/python benchmarks/runtimes.py [--phones 300 1000] [--runtimes gevent threading [eventlet]]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.bench import BOUND_MS, DOTS, RATES, Echo, capacity, fmt, node_crowd, rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, nargs="+", default=[300, 1000])
    parser.add_argument(
        "--runtimes",
        nargs="+",
        default=["gevent", "threading"],
        help="eventlet too, once installed (pip install eventlet): the app no longer needs it",
    )
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    results = []
    for phones in args.phones:
        for runtime in args.runtimes:
            runs = [{"rate": r} for r in RATES.get(phones, [phones, 2 * phones])]
            with Echo(runtime) as echo:
                try:
                    played = node_crowd(
                        {
                            "url": echo.url,
                            "phones": [{"token": "x"}] * phones,
                            "themes": list(range(1, 9)),
                            "dots": DOTS,
                            "runs": runs,
                            "event": "echo",
                        }
                    )
                except RuntimeError as exc:
                    played = {"error": str(exc)[-300:], "runs": []}
                results.append(
                    {
                        "phones": phones,
                        "runtime": runtime,
                        "crowd": played,
                        "rss_mb": rss_mb(echo.process.pid, peak=True),
                    }
                )
    machine = f"{platform.node()} · {os.cpu_count()} cores · {platform.python_version()}"
    print(f"\nruntimes, echo server alone — {machine}")
    print(f"{'load':36} {'runtime':>10} {'ack p95':>10} {'ack p99':>10}  lost")
    for result in results:
        if "error" in result["crowd"]:
            print(f"{result['phones']} phones {'':26} {result['runtime']:>10}  failed: {result['crowd']['error']}")
            continue
        for run in result["crowd"]["runs"]:
            load = f"{result['phones']} phones, {run['dots']:,} dots at {run['rate']:,}/s"
            print(f"{load:36} {result['runtime']:>10} {fmt(run['p95_ms']):>10} {fmt(run['p99_ms']):>10}  {run['lost']}")
        cap = capacity(result["crowd"]["runs"])
        print(
            f"  {result['runtime']}, {result['phones']} phones: capacity (p95 ≤ {BOUND_MS} ms) {fmt(cap, '')}/s, "
            f"connect {result['crowd']['connect_ms'] / 1000:.1f} s, peak RSS {result['rss_mb']:.0f} MB"
        )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    out = HERE / "results" / f"{stamp}-{platform.node()}-runtimes.json"
    out.write_text(json.dumps({"machine": machine, "at": stamp, "results": results}, indent=1))
    print(f"\nwritten: {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
